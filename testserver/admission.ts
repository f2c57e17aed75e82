/**
 * Per-type defaulting, validation and admission on create/update: Secret (service-account-token),
 * Pod (ServiceAccount admission, kube-api-access volume, projected token validation), Namespace.
 */
import { randomInt } from 'node:crypto';
import type { KObject } from './api';
import type { ServerContext } from './context';
import { validateName, type NameRule } from './names';
import { validateRbac } from './rbacValidation';
import { core, type ResourceType } from './resources';
import { forbidden, invalid, type FieldError } from './status';
import { canonicalJson, isRecord } from './jwt';

export const saTokenSecretType = 'kubernetes.io/service-account-token';
export const saNameAnnotation = 'kubernetes.io/service-account.name';
export const saUidAnnotation = 'kubernetes.io/service-account.uid';

export function nameRuleOf(rt: ResourceType): NameRule {
  if (rt.group === 'rbac.authorization.k8s.io') return 'pathSegment';
  if (rt === core.namespaces) return 'label';
  return 'subdomain';
}

/** Defaults, validates and admits an object about to be created or updated; returns the object to store. */
export function admit(ctx: ServerContext, rt: ResourceType, obj: KObject, op: 'create' | 'update', old?: KObject): KObject {
  const errs = [...validateName(obj.metadata.name, nameRuleOf(rt)), ...validateRbac(rt, obj, old)];
  if (errs.length) throw invalid(rt.kind, rt.group, obj.metadata.name, errs);
  if (rt === core.secrets) return admitSecret(obj);
  if (rt === core.pods) {
    if (op === 'create') return admitPodCreate(ctx, obj);
    if (old) validatePodUpdate(old, obj);
    return validatePod(obj);
  }
  if (rt === core.namespaces) {
    return { ...obj, spec: obj.spec ?? { finalizers: ['kubernetes'] }, status: { phase: 'Active', ...(isRecord(obj.status) ? obj.status : {}) } };
  }
  return obj;
}

function admitSecret(obj: KObject): KObject {
  const out: KObject = { ...obj };
  // stringData is write-only: merged into data, base64-encoded.
  if (isRecord(obj.stringData)) {
    const data: Record<string, unknown> = { ...(isRecord(obj.data) ? obj.data : {}) };
    for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v)).toString('base64');
    out.data = data;
    delete out.stringData;
  }
  if (!out.type) out.type = 'Opaque';
  if (out.type === saTokenSecretType && !obj.metadata.annotations?.[saNameAnnotation]) {
    throw invalid('Secret', '', obj.metadata.name, [{ type: 'Required value', field: `metadata.annotations[${saNameAnnotation}]` }]);
  }
  return out;
}

const generateNameChars = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += generateNameChars[randomInt(generateNameChars.length)];
  return s;
}

export { randomSuffix };

interface Container {
  name?: string;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  [k: string]: unknown;
}

function admitPodCreate(ctx: ServerContext, input: KObject): KObject {
  const pod = structuredClone(input);
  const spec = (isRecord(pod.spec) ? pod.spec : {}) as Record<string, unknown>;
  pod.spec = spec;
  const saName = typeof spec.serviceAccountName === 'string' && spec.serviceAccountName ? spec.serviceAccountName : typeof spec.serviceAccount === 'string' && spec.serviceAccount ? spec.serviceAccount : 'default';
  spec.serviceAccountName = saName;
  spec.serviceAccount = saName;
  const ns = pod.metadata.namespace ?? '';
  const sa = ctx.store.get(core.serviceAccounts, ns, saName);
  if (!sa) throw forbidden('pods', '', pod.metadata.name, `error looking up service account ${ns}/${saName}: serviceaccount "${saName}" not found`);
  const automount = typeof spec.automountServiceAccountToken === 'boolean' ? spec.automountServiceAccountToken : sa.automountServiceAccountToken !== false;
  const volumes = (Array.isArray(spec.volumes) ? spec.volumes : []) as Record<string, unknown>[];
  if (automount) {
    let volumeName = volumes.map((v) => String(v.name)).find((n) => n.startsWith('kube-api-access-'));
    if (!volumeName) {
      volumeName = `kube-api-access-${randomSuffix()}`;
      volumes.push({
        name: volumeName,
        projected: {
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
          defaultMode: 420,
        },
      });
    }
    const mountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
    for (const list of [spec.containers, spec.initContainers]) {
      if (!Array.isArray(list)) continue;
      for (const c of list as Container[]) {
        c.volumeMounts ??= [];
        if (!c.volumeMounts.some((m) => m.mountPath === mountPath)) c.volumeMounts.push({ name: volumeName, readOnly: true, mountPath });
      }
    }
  }
  if (volumes.length) spec.volumes = volumes;
  pod.status = isRecord(pod.status) ? pod.status : { phase: 'Pending', qosClass: 'BestEffort' };
  return validatePod(pod);
}

/** Projected serviceAccountToken sources, with the quirky `projected.path` field of `validateProjectionSources`. */
function validatePod(pod: KObject): KObject {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const volumes = Array.isArray(spec.volumes) ? (spec.volumes as Record<string, unknown>[]) : [];
  const errs: FieldError[] = [];
  volumes.forEach((v, i) => {
    if (!isRecord(v.projected)) return;
    const projected = v.projected;
    projected.defaultMode ??= 420;
    const base = `spec.volumes[${i}].projected`;
    const paths = new Set<string>();
    const sources = Array.isArray(projected.sources) ? (projected.sources as Record<string, unknown>[]) : [];
    sources.forEach((s, j) => {
      if (!isRecord(s.serviceAccountToken)) return;
      const tok = s.serviceAccountToken;
      tok.expirationSeconds ??= 3600;
      const exp = Number(tok.expirationSeconds);
      const field = `${base}.sources[${j}].serviceAccountToken.expirationSeconds`;
      if (exp < 600) errs.push({ type: 'Invalid value', field, value: exp, detail: 'may not specify a duration less than 10 minutes' });
      if (exp > 2 ** 32) errs.push({ type: 'Invalid value', field, value: exp, detail: 'may not specify a duration larger than 2^32 seconds' });
      const path = typeof tok.path === 'string' ? tok.path : '';
      if (!path) {
        errs.push({ type: 'Required value', field: `${base}.path` });
        return;
      }
      if (path.startsWith('/')) errs.push({ type: 'Invalid value', field: `${base}.path`, value: path, detail: 'must be a relative path' });
      if (path.split('/').includes('..')) errs.push({ type: 'Invalid value', field: `${base}.path`, value: path, detail: "must not contain '..'" });
      if (path.startsWith('..') && !path.startsWith('../')) errs.push({ type: 'Invalid value', field: `${base}.path`, value: path, detail: "must not start with '..'" });
      if (paths.has(path)) errs.push({ type: 'Invalid value', field: `${base}.sources[${j}].serviceAccountToken.path`, value: path, detail: 'conflicting duplicate paths' });
      paths.add(path);
    });
  });
  if (errs.length) throw invalid('Pod', '', pod.metadata.name, errs);
  return pod;
}

/** The message head of ValidatePodUpdate's Forbidden error (pkg/apis/core/validation/validation.go). */
export const podUpdateForbidden =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,' +
  '`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/**
 * ValidatePodUpdate: a Pod's spec is immutable but for container images, activeDeadlineSeconds,
 * added tolerations and a negative grace period set to 1. kube-apiserver appends a diff of its
 * internal PodSpec; this server appends the changed fields instead.
 */
function validatePodUpdate(old: KObject, next: KObject): void {
  const oldSpec = (isRecord(old.spec) ? old.spec : {}) as Record<string, unknown>;
  const spec = structuredClone(isRecord(next.spec) ? next.spec : {}) as Record<string, unknown>;
  for (const field of ['containers', 'initContainers'] as const) {
    const before = Array.isArray(oldSpec[field]) ? (oldSpec[field] as Container[]) : [];
    const after = Array.isArray(spec[field]) ? (spec[field] as Container[]) : [];
    after.forEach((c, i) => {
      if (isRecord(c) && before[i] && before[i].image !== undefined) c.image = before[i].image;
    });
  }
  spec.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  const oldTolerations = Array.isArray(oldSpec.tolerations) ? oldSpec.tolerations : [];
  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  if (oldTolerations.every((t) => tolerations.some((n) => canonicalJson(n) === canonicalJson(t)))) spec.tolerations = oldSpec.tolerations;
  if (typeof oldSpec.terminationGracePeriodSeconds === 'number' && oldSpec.terminationGracePeriodSeconds < 0 && spec.terminationGracePeriodSeconds === 1) {
    spec.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  const changed = [...new Set([...Object.keys(oldSpec), ...Object.keys(spec)])].filter((k) => canonicalJson(oldSpec[k] ?? null) !== canonicalJson(spec[k] ?? null)).sort();
  if (changed.length) {
    throw invalid('Pod', '', next.metadata.name, [{ type: 'Forbidden', field: 'spec', detail: `${podUpdateForbidden}\nchanged: ${changed.map((k) => `spec.${k}`).join(', ')}` }]);
  }
}
