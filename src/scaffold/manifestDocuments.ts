/**
 * The objects of a multi-document YAML text, for "apply": each with its document index and the
 * reason it cannot be sent, if any. Pure: no `vscode`.
 */
import * as l10n from '@vscode/l10n';
import { yaml } from '../loader/yaml';

export interface ManifestObjectLike {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; generateName?: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export type ParsedDocument = { index: number; object: ManifestObjectLike } | { index: number; error: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every non-empty document; YAML errors and objects without apiVersion/kind/name are reported per document. */
export function parseManifest(text: string): ParsedDocument[] {
  const out: ParsedDocument[] = [];
  yaml().parseAllDocuments(text).forEach((doc, index) => {
    if (doc.errors.length > 0) {
      out.push({ index, error: doc.errors[0].message });
      return;
    }
    let value: unknown;
    try {
      // Parsing reports syntax only: an alias without its anchor, or too many aliases (a "billion
      // laughs" document), throws here.
      value = doc.toJS();
    } catch (e) {
      out.push({ index, error: e instanceof Error ? e.message : String(e) });
      return;
    }
    if (value === null || value === undefined) return;
    if (!isRecord(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
      out.push({ index, error: l10n.t('not a Kubernetes object (apiVersion and kind are required)') });
      return;
    }
    const metadata = isRecord(value.metadata) ? value.metadata : {};
    if (typeof metadata.name !== 'string' && typeof metadata.generateName !== 'string') {
      out.push({ index, error: l10n.t('metadata.name is required') });
      return;
    }
    out.push({ index, object: { ...value, apiVersion: value.apiVersion, kind: value.kind, metadata } });
  });
  return out;
}
