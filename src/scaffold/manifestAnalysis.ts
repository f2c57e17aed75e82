/**
 * Checks of Kubernetes YAML that the API server would refuse (or that surprise people) around
 * ServiceAccount tokens, with text edits that fix them. Messages quote the API server's own field
 * errors (validateProjectionSources, TokenRequest validation, Secret validation). What needs the
 * cluster (audiences, whether a ServiceAccount exists) is returned as references for clusterChecks.ts.
 * Pure: no `vscode`, no cluster.
 */
import * as l10n from '@vscode/l10n';
import type { Node, Pair, YAMLMap } from 'yaml';
import { yaml } from '../loader/yaml';
import { MAX_EXPIRATION_SECONDS, MIN_EXPIRATION_SECONDS } from './generators';
import { automountOf, collectSubjects, collectWorkload, type Span, type SubjectUse, type WorkloadUse } from './workloadAnalysis';
import { blockIndent, child, lineStart, pairOf, removePairLines, replaceScalar, scalarString, yamlValue, type TextEdit } from './yamlText';

export type { TextEdit } from './yamlText';
export type { SubjectUse, WorkloadUse } from './workloadAnalysis';

export type FindingCode =
  | 'expirationTooShort'
  | 'expirationTooLong'
  | 'tokenPathEmpty'
  | 'tokenPathAbsolute'
  | 'tokenPathBackstep'
  | 'legacySecretWithoutServiceAccount'
  | 'audienceUnknown'
  | 'serviceAccountMissing'
  // Workload lints (workloadLints.ts). Two carry the names users know: kube-linter's
  // default-service-account check and Polaris's automountServiceAccountToken check.
  | 'default-service-account'
  | 'automountServiceAccountToken'
  | 'legacyTokenSecretMounted'
  | 'expirationAboveMaximum'
  | 'subjectServiceAccountMissing';

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  preferred?: boolean;
}

export interface Finding {
  code: FindingCode;
  severity: 'error' | 'warning' | 'information';
  message: string;
  start: number;
  end: number;
  fixes: QuickFix[];
}

/** An `audience` of a projected token (or a TokenRequest's `audiences` entry). */
export interface AudienceUse {
  audience: string;
  start: number;
  end: number;
  /** Removes it, so the API server's audiences apply; absent when it cannot be removed cleanly. */
  removal?: TextEdit;
}

/** A `serviceAccountName` of a pod spec. `namespace` is the document's, if it names one. */
export interface ServiceAccountUse {
  name: string;
  namespace?: string;
  start: number;
  end: number;
}

/** An `expirationSeconds` (projected token or TokenRequest), for the check against the cluster's maximum. */
export interface ExpirationUse extends Span {
  seconds: number;
}

export interface ManifestAnalysis {
  findings: Finding[];
  audiences: AudienceUse[];
  serviceAccounts: ServiceAccountUse[];
  /** ServiceAccounts the text itself defines (not reported as missing), with their automount setting. */
  defined: { name: string; namespace?: string; automount?: boolean }[];
  /** Pod specs of Pods and workload templates. */
  workloads: WorkloadUse[];
  /** ServiceAccount subjects of RoleBindings and ClusterRoleBindings. */
  subjects: SubjectUse[];
  /** Secrets the text defines. */
  secrets: { name: string; namespace?: string; type?: string }[];
  expirations: ExpirationUse[];
}

export const SA_TOKEN_SECRET_TYPE = 'kubernetes.io/service-account-token';
export const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';

/** Where the pod spec sits in each workload kind. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
};

const rangeOf = (n: Node): [number, number] => [n.range?.[0] ?? 0, n.range?.[1] ?? 0];

class Analyzer {
  readonly out: ManifestAnalysis = { findings: [], audiences: [], serviceAccounts: [], defined: [], workloads: [], subjects: [], secrets: [], expirations: [] };
  constructor(private readonly text: string) {}

  private add(code: FindingCode, severity: Finding['severity'], message: string, node: Node, fixes: QuickFix[]): void {
    const [start, end] = rangeOf(node);
    this.out.findings.push({ code, severity, message, start, end: Math.max(end, start), fixes });
  }

  expiration(node: Node, field: string): void {
    const raw = scalarString(node);
    if (raw === undefined || raw === '' || !/^-?\d+$/.test(raw.trim())) return;
    const n = Number(raw);
    const [start, end] = rangeOf(node);
    this.out.expirations.push({ seconds: n, start, end });
    if (n < MIN_EXPIRATION_SECONDS) {
      this.add('expirationTooShort', 'error', `${field}: Invalid value: ${n}: may not specify a duration less than 10 minutes`, node, [
        { title: l10n.t('Set expirationSeconds to {0} (10 minutes, the minimum)', MIN_EXPIRATION_SECONDS), edits: [replaceScalar(this.text, node, String(MIN_EXPIRATION_SECONDS))], preferred: true },
      ]);
    } else if (n > MAX_EXPIRATION_SECONDS) {
      this.add('expirationTooLong', 'error', `${field}: Invalid value: ${n}: may not specify a duration larger than 2^32 seconds`, node, [
        { title: l10n.t('Set expirationSeconds to {0} (2^32, the maximum)', MAX_EXPIRATION_SECONDS), edits: [replaceScalar(this.text, node, String(MAX_EXPIRATION_SECONDS))], preferred: true },
      ]);
    }
  }

  tokenPath(node: Node, field: string): void {
    const p = scalarString(node);
    if (p === undefined) return;
    const fix = (to: string): QuickFix[] => [{ title: l10n.t('Use the relative path "{0}"', to), edits: [replaceScalar(this.text, node, yamlValue(to))], preferred: true }];
    const segments = p.split('/');
    const cleaned = segments.filter((s) => s !== '' && s !== '.' && s !== '..').join('/') || 'token';
    if (p === '') {
      this.add('tokenPathEmpty', 'error', `${field}: Required value`, node, fix('token'));
    } else if (p.startsWith('/')) {
      this.add('tokenPathAbsolute', 'error', `${field}: Invalid value: ${JSON.stringify(p)}: must be a relative path`, node, fix(cleaned));
    } else if (segments.includes('..')) {
      this.add('tokenPathBackstep', 'error', `${field}: Invalid value: ${JSON.stringify(p)}: must not contain '..'`, node, fix(cleaned));
    }
  }

  audience(pair: Pair | undefined, node: Node | undefined, removable: boolean): void {
    const a = scalarString(node);
    if (!node || a === undefined || a === '') return;
    const [start, end] = rangeOf(node);
    this.out.audiences.push({ audience: a, start, end, removal: removable && pair ? removePairLines(this.text, pair) : undefined });
  }

  podSpec(spec: Node, path: string, namespace: string | undefined): void {
    const sa = child(spec, 'serviceAccountName') ?? child(spec, 'serviceAccount');
    const saName = scalarString(sa);
    if (sa && saName) {
      const [start, end] = rangeOf(sa);
      this.out.serviceAccounts.push({ name: saName, namespace, start, end });
    }
    const volumes = child(spec, 'volumes');
    if (!yaml().isSeq(volumes)) return;
    volumes.items.forEach((vol, i) => {
      const projected = child(vol, 'projected');
      const sources = child(projected, 'sources');
      if (!yaml().isSeq(sources)) return;
      const base = `${path}.volumes[${i}].projected`;
      sources.items.forEach((src, j) => {
        const tok = child(src, 'serviceAccountToken');
        if (!yaml().isMap(tok)) return;
        const exp = child(tok, 'expirationSeconds');
        if (exp) this.expiration(exp, `${base}.sources[${j}].serviceAccountToken.expirationSeconds`);
        const pathNode = child(tok, 'path');
        // The API server reports token path errors at the volume's `projected.path`, not at the source.
        if (pathNode) this.tokenPath(pathNode, `${base}.path`);
        this.audience(pairOf(tok, 'audience'), child(tok, 'audience'), true);
      });
    });
  }

  legacySecret(doc: YAMLMap, metadata: Node | undefined): void {
    const annotations = child(metadata, 'annotations');
    if (scalarString(child(annotations, SA_NAME_ANNOTATION))) return;
    const typeNode = child(doc, 'type') as Node;
    const name = scalarString(child(metadata, 'name')) ?? '';
    const guess = /-token(?:-[\da-z]+)?$/.test(name) ? name.replace(/-token(?:-[\da-z]+)?$/, '') : 'default';
    const edit = this.annotationEdit(metadata, annotations, guess);
    this.add('legacySecretWithoutServiceAccount', 'error', `metadata.annotations[${SA_NAME_ANNOTATION}]: Required value`, typeNode, edit ? [{ title: l10n.t('Add the annotation {0}: {1}', SA_NAME_ANNOTATION, guess), edits: [edit], preferred: true }] : []);
  }

  /** Inserts the ServiceAccount annotation into block-style metadata (or its annotations map). */
  private annotationEdit(metadata: Node | undefined, annotations: Node | undefined, sa: string): TextEdit | undefined {
    if (!yaml().isMap(metadata)) return undefined;
    const line = `${SA_NAME_ANNOTATION}: ${yamlValue(sa)}\n`;
    if (yaml().isMap(annotations) && annotations.items.length > 0) {
      const indent = blockIndent(this.text, annotations);
      if (indent === undefined) return undefined;
      const at = lineStart(this.text, (annotations.items[0].key as Node).range?.[0] ?? 0);
      return { start: at, end: at, newText: ' '.repeat(indent) + line };
    }
    const indent = blockIndent(this.text, metadata);
    if (indent === undefined) return undefined;
    const pair = pairOf(metadata, 'annotations');
    if (pair) {
      // `annotations: {}` or an empty `annotations:`: replace the value with a one-entry flow map.
      const value = pair.value as Node | null;
      const keyEnd = (pair.key as Node).range?.[1] ?? 0;
      const [vs, ve] = value?.range ? [value.range[0], value.range[1]] : [keyEnd + 1, keyEnd + 1];
      return { start: vs, end: ve, newText: `${this.text[vs - 1] === ':' ? ' ' : ''}{${JSON.stringify(SA_NAME_ANNOTATION)}: ${JSON.stringify(sa)}}` };
    }
    const at = lineStart(this.text, (metadata.items[0].key as Node).range?.[0] ?? 0);
    return { start: at, end: at, newText: `${' '.repeat(indent)}annotations:\n${' '.repeat(indent + 2)}${line}` };
  }

  document(doc: Node): void {
    if (!yaml().isMap(doc)) return;
    const kind = scalarString(child(doc, 'kind'));
    const metadata = child(doc, 'metadata');
    const namespace = scalarString(child(metadata, 'namespace')) || undefined;
    const objectName = scalarString(child(metadata, 'name')) ?? '';
    if (kind === 'ServiceAccount' && objectName) this.out.defined.push({ name: objectName, namespace, automount: automountOf(doc) });
    if (kind === 'Secret') {
      const type = scalarString(child(doc, 'type'));
      if (objectName) this.out.secrets.push({ name: objectName, namespace, type });
      if (type === SA_TOKEN_SECRET_TYPE) this.legacySecret(doc, metadata);
    }
    if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') this.out.subjects.push(...collectSubjects(doc, kind, objectName, namespace));
    if (kind === 'TokenRequest') {
      const spec = child(doc, 'spec');
      const exp = child(spec, 'expirationSeconds');
      if (exp) this.expiration(exp, 'spec.expirationSeconds');
      const auds = child(spec, 'audiences');
      if (yaml().isSeq(auds)) for (const a of auds.items) this.audience(undefined, a as Node, false);
    }
    const path = kind ? POD_SPEC_PATHS[kind] : undefined;
    if (!path) return;
    let parent: Node | undefined;
    let spec: Node | undefined = doc;
    for (const key of path) {
      parent = spec;
      spec = child(spec, key);
    }
    if (!spec) return;
    this.podSpec(spec, path.join('.'), namespace);
    const specPair = yaml().isMap(parent) ? pairOf(parent, path[path.length - 1]) : undefined;
    const workload = specPair ? collectWorkload(this.text, kind ?? '', objectName, namespace, specPair) : undefined;
    if (workload) this.out.workloads.push(workload);
  }
}

/** Analyses every document of a YAML text. Documents with syntax errors are skipped, not reported. */
export function analyzeManifest(text: string): ManifestAnalysis {
  const a = new Analyzer(text);
  for (const doc of yaml().parseAllDocuments(text)) {
    if (doc.errors.length > 0 || !doc.contents) continue;
    a.document(doc.contents);
  }
  return a.out;
}

/** Applies non-overlapping edits to a text (for tests and previews). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((x, y) => y.start - x.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
