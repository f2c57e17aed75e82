/**
 * Defaulting at decode time (pkg/apis/core/v1/defaults.go, the generated SetObjectDefaults_*):
 * what kube-apiserver fills in before the field manager records the request, so a create's
 * managedFields own these fields too. Admission (the ServiceAccount token volume, tolerations,
 * priority) comes later and is owned by no one.
 */
import { isRecord } from './jwt';
import { defaultRbac } from './rbacValidation';
import { core, type ResourceType } from './resources';

/** SetDefaults_Container imagePullPolicy: Always for `:latest` or no tag, else IfNotPresent. */
function imagePullPolicy(image: string): string {
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  if (image.includes('@')) return 'IfNotPresent';
  const colon = lastPart.lastIndexOf(':');
  const tag = colon >= 0 ? lastPart.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainers(list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const c of list) {
    if (!isRecord(c)) continue;
    c.resources ??= {};
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.imagePullPolicy ??= imagePullPolicy(typeof c.image === 'string' ? c.image : '');
    if (Array.isArray(c.ports)) for (const p of c.ports) if (isRecord(p)) p.protocol ??= 'TCP';
  }
}

/** SetDefaults_PodSpec and its containers; `serviceAccount` mirrors `serviceAccountName` (conversion). */
export function defaultPodSpec(spec: Record<string, unknown>): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  spec.enableServiceLinks ??= true;
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName) spec.serviceAccount ??= spec.serviceAccountName;
  else if (typeof spec.serviceAccount === 'string' && spec.serviceAccount) spec.serviceAccountName ??= spec.serviceAccount;
  defaultContainers(spec.containers);
  defaultContainers(spec.initContainers);
}

/** Returns a defaulted copy of a decoded request object. */
export function applyDefaults(rt: ResourceType, input: Record<string, unknown>): Record<string, unknown> {
  const obj = structuredClone(input);
  if (rt === core.secrets) obj.type ??= 'Opaque';
  if (rt === core.pods && isRecord(obj.spec)) defaultPodSpec(obj.spec);
  defaultRbac(rt, obj);
  return obj;
}
