/**
 * Decoding of the Kubernetes protobuf wire format for request bodies. kubectl's typed clients
 * (create token, auth can-i/whoami, create sa/ns/secret/role...) send `application/vnd.kubernetes.protobuf`
 * (and accept JSON back). Bodies are the `k8s\0` magic + runtime.Unknown{typeMeta, raw}; `raw` is decoded
 * with the field numbers of k8s.io/api `generated.proto` for the kinds listed here.
 */
import { ApiError } from './status';

type FieldType = 'string' | 'bytes' | 'int' | 'bool' | 'time' | Schema | { map: 'string' | 'bytes' | Schema };
interface Field {
  name: string;
  type: FieldType;
  repeated?: boolean;
  /**
   * Go pointer fields (`*int64`, `*bool`, `*string`): presence is meaningful, so zero values are kept.
   * Plain fields are always marshalled by gogo-protobuf, zero or not; their zero values are dropped so the
   * result looks like the JSON form (omitempty).
   */
  pointer?: boolean;
}
type Schema = { [num: number]: Field };

const str = (name: string, repeated = false): Field => ({ name, type: 'string', repeated });
const msg = (name: string, type: Schema, repeated = false): Field => ({ name, type, repeated });

const ownerReference: Schema = { 1: str('kind'), 3: str('name'), 4: str('uid'), 5: str('apiVersion'), 6: { name: 'controller', type: 'bool', pointer: true }, 7: { name: 'blockOwnerDeletion', type: 'bool', pointer: true } };
const objectMeta: Schema = {
  1: str('name'), 2: str('generateName'), 3: str('namespace'), 5: str('uid'), 6: str('resourceVersion'), 7: { name: 'generation', type: 'int' },
  8: { name: 'creationTimestamp', type: 'time' }, 11: { name: 'labels', type: { map: 'string' } }, 12: { name: 'annotations', type: { map: 'string' } },
  13: msg('ownerReferences', ownerReference, true), 14: str('finalizers', true),
};
const objectReference: Schema = { 1: str('kind'), 2: str('namespace'), 3: str('name'), 4: str('uid'), 5: str('apiVersion'), 6: str('resourceVersion'), 7: str('fieldPath') };
const localObjectReference: Schema = { 1: str('name') };
const policyRule: Schema = { 1: str('verbs', true), 2: str('apiGroups', true), 3: str('resources', true), 4: str('resourceNames', true), 5: str('nonResourceURLs', true) };
const subject: Schema = { 1: str('kind'), 2: str('apiGroup'), 3: str('name'), 4: str('namespace') };
const roleRef: Schema = { 1: str('apiGroup'), 2: str('kind'), 3: str('name') };
const labelSelector: Schema = { 1: { name: 'matchLabels', type: { map: 'string' } } };
const resourceAttributes: Schema = { 1: str('namespace'), 2: str('verb'), 3: str('group'), 4: str('version'), 5: str('resource'), 6: str('subresource'), 7: str('name') };
const nonResourceAttributes: Schema = { 1: str('path'), 2: str('verb') };
const extraValue: Schema = { 1: str('items', true) };
const sarSpec: Schema = {
  1: msg('resourceAttributes', resourceAttributes), 2: msg('nonResourceAttributes', nonResourceAttributes), 3: str('user'), 4: str('groups', true),
  5: { name: 'extra', type: { map: extraValue } }, 6: str('uid'),
};

const schemas: Record<string, Schema> = {
  TokenRequest: {
    1: msg('metadata', objectMeta),
    2: msg('spec', {
      1: str('audiences', true),
      3: msg('boundObjectRef', { 1: str('kind'), 2: str('apiVersion'), 3: str('name'), 4: str('uid') }),
      4: { name: 'expirationSeconds', type: 'int', pointer: true },
    }),
  },
  TokenReview: { 1: msg('metadata', objectMeta), 2: msg('spec', { 1: str('token'), 2: str('audiences', true) }) },
  SelfSubjectReview: { 1: msg('metadata', objectMeta) },
  SelfSubjectAccessReview: { 1: msg('metadata', objectMeta), 2: msg('spec', { 1: msg('resourceAttributes', resourceAttributes), 2: msg('nonResourceAttributes', nonResourceAttributes) }) },
  SelfSubjectRulesReview: { 1: msg('metadata', objectMeta), 2: msg('spec', { 1: str('namespace') }) },
  SubjectAccessReview: { 1: msg('metadata', objectMeta), 2: msg('spec', sarSpec) },
  LocalSubjectAccessReview: { 1: msg('metadata', objectMeta), 2: msg('spec', sarSpec) },
  ServiceAccount: { 1: msg('metadata', objectMeta), 2: msg('secrets', objectReference, true), 3: msg('imagePullSecrets', localObjectReference, true), 4: { name: 'automountServiceAccountToken', type: 'bool', pointer: true } },
  Namespace: { 1: msg('metadata', objectMeta), 2: msg('spec', { 1: str('finalizers', true) }) },
  Secret: { 1: msg('metadata', objectMeta), 2: { name: 'data', type: { map: 'bytes' } }, 3: str('type'), 4: { name: 'stringData', type: { map: 'string' } }, 5: { name: 'immutable', type: 'bool', pointer: true } },
  ConfigMap: { 1: msg('metadata', objectMeta), 2: { name: 'data', type: { map: 'string' } }, 3: { name: 'binaryData', type: { map: 'bytes' } }, 4: { name: 'immutable', type: 'bool', pointer: true } },
  Role: { 1: msg('metadata', objectMeta), 2: msg('rules', policyRule, true) },
  ClusterRole: { 1: msg('metadata', objectMeta), 2: msg('rules', policyRule, true), 3: msg('aggregationRule', { 1: msg('clusterRoleSelectors', labelSelector, true) }) },
  RoleBinding: { 1: msg('metadata', objectMeta), 2: msg('subjects', subject, true), 3: msg('roleRef', roleRef) },
  ClusterRoleBinding: { 1: msg('metadata', objectMeta), 2: msg('subjects', subject, true), 3: msg('roleRef', roleRef) },
  DeleteOptions: {
    1: { name: 'gracePeriodSeconds', type: 'int', pointer: true },
    2: msg('preconditions', { 1: { name: 'uid', type: 'string', pointer: true }, 2: { name: 'resourceVersion', type: 'string', pointer: true } }), 4: str('propagationPolicy'), 5: str('dryRun', true) },
};

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

function decodeMessage(buf: Buffer, schema: Schema): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (!r.done) {
    const tag = Number(r.varint());
    const num = tag >>> 3;
    const wire = tag & 7;
    const field = schema[num];
    if (!field) {
      r.skip(wire);
      continue;
    }
    const value = decodeValue(r, wire, field.type);
    if (typeof field.type === 'object' && 'map' in field.type) {
      const entry = value as { key?: string; value?: unknown };
      const map = (out[field.name] ??= {}) as Record<string, unknown>;
      map[entry.key ?? ''] = entry.value ?? (field.type.map === 'string' || field.type.map === 'bytes' ? '' : {});
    } else if (field.repeated) {
      ((out[field.name] ??= []) as unknown[]).push(value);
    } else if (field.pointer || (value !== '' && value !== 0 && value !== false)) {
      out[field.name] = value;
    }
  }
  return out;
}

function decodeValue(r: Reader, wire: number, type: FieldType): unknown {
  if (type === 'int') return Number(BigInt.asIntN(64, r.varint()));
  if (type === 'bool') return r.varint() !== 0n;
  const bytes = r.bytes();
  if (wire !== 2) throw new Error('unexpected wire type');
  if (type === 'string') return bytes.toString('utf8');
  if (type === 'bytes') return bytes.toString('base64');
  if (type === 'time') {
    const t = decodeMessage(bytes, { 1: { name: 'seconds', type: 'int' } });
    // A zero metav1.Time is `null` in JSON: treat it as absent.
    if (!t.seconds) return '';
    return new Date(Number(t.seconds) * 1000).toISOString().replace('.000Z', 'Z');
  }
  if ('map' in type) {
    const valueType = type.map;
    const entry: Schema = { 1: str('key'), 2: typeof valueType === 'string' ? { name: 'value', type: valueType } : msg('value', valueType) };
    const e = decodeMessage(bytes, entry);
    // ExtraValue is a repeated-string wrapper: unwrap to string[] like its JSON form.
    if (typeof valueType === 'object' && valueType === extraValue) e.value = (e.value as { items?: string[] } | undefined)?.items ?? [];
    return e;
  }
  return decodeMessage(bytes, type);
}

const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Decodes a protobuf request body into the JSON object the handlers expect. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(magic)) throw unsupported('missing the k8s protobuf magic prefix');
  let unknown: Record<string, unknown>;
  try {
    unknown = decodeMessage(body.subarray(4), { 1: msg('typeMeta', { 1: str('apiVersion'), 2: str('kind') }), 2: { name: 'raw', type: 'bytes' } });
  } catch (e) {
    throw unsupported((e as Error).message);
  }
  const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const schema = schemas[typeMeta.kind ?? ''];
  if (!schema) throw unsupported(`the test server cannot decode protobuf ${typeMeta.apiVersion}/${typeMeta.kind}; send JSON`);
  const obj = decodeMessage(Buffer.from(String(unknown.raw ?? ''), 'base64'), schema);
  return { kind: typeMeta.kind, apiVersion: typeMeta.apiVersion, ...obj };
}

function unsupported(detail: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json (${detail})`);
}
