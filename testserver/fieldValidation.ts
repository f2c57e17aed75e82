/**
 * Server-side field validation of JSON create/update bodies (`fieldValidation` query parameter, GA in
 * v1.27): unknown fields are reported by their path in document order, e.g. `metadata.bogus`,
 * `rules[1].verbz`, as `Warning: 299 - "unknown field \"<path>\""` (Warn, the default), as a 400
 * `<Kind> in version "<v>" cannot be handled as a <Kind>: strict decoding error: unknown field "<a>", ...`
 * (Strict), or not at all (Ignore). Texts checked against kube-apiserver v1.37.2 by the differential suite.
 *
 * The schemas below know every field of the top level, `metadata` and the RBAC and ServiceAccount
 * bodies the extension writes; `spec` and `status` of workloads, Nodes and Namespaces are not
 * descended into (a real server also reports unknown fields there). Duplicate JSON fields, which a
 * real server reports as `duplicate field "<path>"`, are lost by JSON.parse and not reported.
 */
import type { ApiRequest } from './http';
import { canonicalJson } from './jwt';
import type { ResourceType } from './resources';
import { badRequest, invalid } from './status';

/** 'any': not checked further (scalars, maps, opaque parts); fields: an object; items: an array. */
export type Schema = 'any' | { fields: Record<string, Schema> } | { items: Schema };

const any = 'any' as const;
const obj = (...names: string[]): Schema => ({ fields: Object.fromEntries(names.map((n) => [n, any])) });
const objectMeta = obj('name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields');
const policyRule = obj('verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs');
const subject = obj('kind', 'apiGroup', 'name', 'namespace');
const roleRef = obj('apiGroup', 'kind', 'name');
const objectReference = obj('kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath');

function kindSchema(fields: Record<string, Schema>): Schema {
  return { fields: { apiVersion: any, kind: any, metadata: objectMeta, ...fields } };
}
const specStatus = kindSchema({ spec: any, status: any });

const schemas: Record<string, Schema> = {
  ConfigMap: kindSchema({ data: any, binaryData: any, immutable: any }),
  Secret: kindSchema({ data: any, stringData: any, type: any, immutable: any }),
  ServiceAccount: kindSchema({ secrets: { items: objectReference }, imagePullSecrets: { items: obj('name') }, automountServiceAccountToken: any }),
  Namespace: specStatus,
  Node: specStatus,
  Pod: specStatus,
  Deployment: specStatus,
  Job: specStatus,
  CronJob: specStatus,
  NetworkPolicy: specStatus,
  Role: kindSchema({ rules: { items: policyRule } }),
  ClusterRole: kindSchema({ rules: { items: policyRule }, aggregationRule: obj('clusterRoleSelectors') }),
  RoleBinding: kindSchema({ subjects: { items: subject }, roleRef }),
  ClusterRoleBinding: kindSchema({ subjects: { items: subject }, roleRef }),
};

/** The schema of a kind, when this server knows its fields. */
export function schemaOf(kind: string): Schema | undefined {
  return schemas[kind];
}

/** Paths of the fields `value` has that `schema` does not know, in document order. */
export function unknownFields(schema: Schema, value: unknown, path = ''): string[] {
  if (schema === 'any' || value === null || typeof value !== 'object') return [];
  if ('items' in schema) return Array.isArray(value) ? value.flatMap((item, i) => unknownFields(schema.items, item, `${path}[${i}]`)) : [];
  if (Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const at = path ? `${path}.${key}` : key;
    const known = schema.fields[key];
    return known === undefined ? [at] : unknownFields(known, child, at);
  });
}

/**
 * The object as decoding into Go types leaves it: fields the schema does not know are dropped (they
 * are reported, not stored). Returns a copy.
 */
export function withoutUnknownFields<T>(kind: string, value: T): T {
  const schema = schemas[kind];
  if (!schema) return value;
  const strip = (s: Schema, v: unknown): unknown => {
    if (s === 'any' || v === null || typeof v !== 'object') return v;
    if ('items' in s) return Array.isArray(v) ? v.map((item) => strip(s.items, item)) : v;
    if (Array.isArray(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) if (s.fields[k] !== undefined) out[k] = strip(s.fields[k], child);
    return out;
  };
  return strip(schema, value) as T;
}

const DIRECTIVES = ['', 'Ignore', 'Strict', 'Warn'];

/** The `fieldValidation` directive, or the 422 kube-apiserver answers for an unknown one. */
function directiveOf(req: ApiRequest, options: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions'): string {
  const directive = req.query.get('fieldValidation') ?? '';
  if (!DIRECTIVES.includes(directive)) {
    throw invalid(options, 'meta.k8s.io', '', [{ type: 'Unsupported value', field: 'fieldValidation', value: directive, detail: `supported values: ${DIRECTIVES.map((d) => JSON.stringify(d)).join(', ')}` }]);
  }
  return directive;
}

/** Go's `%v` of a decoded JSON value (`map[a:1 b:[x y]]`). */
function goValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (v && typeof v === 'object') return `map[${Object.keys(v).sort().map((k) => `${k}:${goValue((v as Record<string, unknown>)[k])}`).join(' ')}]`;
  return v === null ? '<nil>' : String(v);
}

/**
 * `fieldValidation` of a JSON, merge or strategic merge patch (handlers/patch.go): unknown fields of
 * the patched object (of the patch itself for a strategic merge patch, `patchDoc`), sorted as Go
 * marshals a map; Strict answers 422 on the `patch` field with the document in the message.
 */
export function validatePatchedFields(req: ApiRequest, rt: ResourceType, patched: Record<string, unknown>, patchDoc?: Record<string, unknown>): void {
  const directive = directiveOf(req, 'PatchOptions');
  const schema = schemas[rt.kind];
  if (!schema || directive === 'Ignore') return;
  const checked = patchDoc ?? patched;
  const sorted = JSON.parse(canonicalJson(checked)) as Record<string, unknown>;
  const unknown = unknownFields(schema, sorted).filter((p) => !p.split('.').some((seg) => seg.startsWith('$')));
  if (unknown.length === 0) return;
  const texts = unknown.map((p) => `unknown field "${p}"`);
  if (directive === 'Strict') {
    const doc = patchDoc ? goValue(sorted) : canonicalJson(checked);
    throw invalid('', '', '', [{ type: 'Invalid value', field: 'patch', value: doc, detail: `strict decoding error: ${texts.join(', ')}` }]);
  }
  req.warnings.push(...texts);
}

/**
 * Applies `?fieldValidation=` to a decoded JSON body: adds warnings (Warn, default), throws the
 * strict decoding error (Strict), or nothing (Ignore). An unknown directive is a 422 on the options.
 * Protobuf bodies have no unknown fields (typed messages); review kinds are not checked.
 */
export function validateFields(req: ApiRequest, rt: ResourceType, body: Record<string, unknown>, verb: 'create' | 'update'): void {
  const directive = directiveOf(req, verb === 'create' ? 'CreateOptions' : 'UpdateOptions');
  const schema = schemas[rt.kind];
  if (!schema || directive === 'Ignore' || String(req.headers['content-type'] ?? '').startsWith('application/vnd.kubernetes.protobuf')) return;
  const unknown = unknownFields(schema, body);
  if (unknown.length === 0) return;
  const texts = unknown.map((p) => `unknown field "${p}"`);
  if (directive === 'Strict') throw badRequest(`${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: strict decoding error: ${texts.join(', ')}`);
  req.warnings.push(...texts);
}
