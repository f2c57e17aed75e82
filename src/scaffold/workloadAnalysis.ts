/**
 * What the workload lints need to know about one pod spec (a Pod's, or a workload template's) and
 * about RBAC binding subjects, read from the YAML nodes with their text offsets so the quick fixes
 * can edit in place. Pure: no `vscode`, no cluster.
 */
import type { Node, Pair, YAMLMap } from 'yaml';
import { yaml } from '../loader/yaml';
import { blockIndent, child, lineStart, pairOf, scalarString } from './yamlText';

export interface Span {
  start: number;
  end: number;
}

/** A secret volume: `volumes[].secret.secretName`. */
export interface SecretVolumeUse extends Span {
  volumeName: string;
  secretName: string;
  /** The whole `secret:` pair (key to end of value), replaced by the projected-volume fix. */
  pair: Span;
}

export interface WorkloadUse {
  kind: string;
  name: string;
  namespace?: string;
  /** The key of the pod spec (`spec`, or `spec` of a template): reported when nothing better exists. */
  anchor: Span;
  /** `serviceAccountName` (or the deprecated `serviceAccount`) value, if set. */
  serviceAccount?: Span & { name: string };
  /** `automountServiceAccountToken` of the pod spec, when it is written there. */
  automount?: boolean;
  /** Where a new key goes (the line of the pod spec's first key) and its indentation; absent for flow style. */
  insert?: { offset: number; indent: number };
  secretVolumes: SecretVolumeUse[];
}

/** A ServiceAccount subject of a RoleBinding or ClusterRoleBinding. */
export interface SubjectUse extends Span {
  bindingKind: 'RoleBinding' | 'ClusterRoleBinding';
  bindingName: string;
  name: string;
  /** The subject's namespace; for a RoleBinding without one, the binding's own (the authorizer's default). */
  namespace?: string;
}

const spanOf = (n: Node): Span => ({ start: n.range?.[0] ?? 0, end: n.range?.[1] ?? 0 });

function boolOf(node: Node | undefined): boolean | undefined {
  if (!yaml().isScalar(node)) return undefined;
  return typeof node.value === 'boolean' ? node.value : undefined;
}

export function automountOf(map: Node | undefined): boolean | undefined {
  return boolOf(child(map, 'automountServiceAccountToken'));
}

function insertPoint(text: string, spec: YAMLMap): WorkloadUse['insert'] {
  const indent = blockIndent(text, spec);
  const first = spec.items[0]?.key as Node | null | undefined;
  if (indent === undefined || !first?.range) return undefined;
  // `- key:` lines (a pod spec inside a list item) would need the dash kept: no fix there.
  const start = lineStart(text, first.range[0]);
  if (text.slice(start, first.range[0]).trim() !== '') return undefined;
  return { offset: start, indent };
}

function secretVolumes(spec: Node): SecretVolumeUse[] {
  const volumes = child(spec, 'volumes');
  if (!yaml().isSeq(volumes)) return [];
  const out: SecretVolumeUse[] = [];
  for (const vol of volumes.items) {
    if (!yaml().isMap(vol)) continue;
    const pair = pairOf(vol, 'secret');
    const nameNode = child(pair?.value, 'secretName');
    const secretName = scalarString(nameNode);
    const key = pair?.key as Node | null | undefined;
    const value = pair?.value as Node | null | undefined;
    if (!pair || !nameNode || !secretName || !key?.range || !value?.range) continue;
    out.push({ volumeName: scalarString(child(vol, 'name')) ?? '', secretName, ...spanOf(nameNode), pair: { start: key.range[0], end: value.range[1] } });
  }
  return out;
}

/** The facts of one pod spec; `specPair` is the pair whose value is the pod spec. */
export function collectWorkload(text: string, kind: string, name: string, namespace: string | undefined, specPair: Pair): WorkloadUse | undefined {
  const spec = specPair.value as Node | null;
  const key = specPair.key as Node | null;
  if (!yaml().isMap(spec) || !key) return undefined;
  const saNode = child(spec, 'serviceAccountName') ?? child(spec, 'serviceAccount');
  const saName = scalarString(saNode);
  return {
    kind,
    name,
    namespace,
    anchor: spanOf(key),
    serviceAccount: saNode && saName ? { name: saName, ...spanOf(saNode) } : undefined,
    automount: automountOf(spec),
    insert: insertPoint(text, spec),
    secretVolumes: secretVolumes(spec),
  };
}

/** The ServiceAccount subjects of a binding document. */
export function collectSubjects(doc: Node, kind: 'RoleBinding' | 'ClusterRoleBinding', bindingName: string, bindingNamespace: string | undefined): SubjectUse[] {
  const subjects = child(doc, 'subjects');
  if (!yaml().isSeq(subjects)) return [];
  const out: SubjectUse[] = [];
  for (const s of subjects.items) {
    if (scalarString(child(s, 'kind')) !== 'ServiceAccount') continue;
    const nameNode = child(s, 'name');
    const name = scalarString(nameNode);
    if (!nameNode || !name) continue;
    const ns = scalarString(child(s, 'namespace')) || (kind === 'RoleBinding' ? bindingNamespace : undefined);
    out.push({ bindingKind: kind, bindingName, name, namespace: ns, ...spanOf(nameNode) });
  }
  return out;
}
