/**
 * The parts of the OpenAPI schemas that server-side apply and strategic merge patch need, for the
 * kinds this server serves: which lists are associative (`x-kubernetes-list-type: map` with their
 * `x-kubernetes-list-map-keys`, also the strategic `patchMergeKey`), which are sets, which maps and
 * list elements are atomic (`x-kubernetes-map-type: atomic`). Everything else is atomic for lists
 * and granular for maps, as structured-merge-diff treats a list without a list type.
 * Read from kube-apiserver v1.37.2's `/openapi/v3` (core, rbac, apps, batch, networking).
 *
 * A schema path is the field names from the object root, list items leaving no trace:
 * `['spec', 'containers', 'ports']` is the ports list of any container of a Pod.
 */

export type ListType = { type: 'atomic' } | { type: 'set' } | { type: 'map'; keys: string[]; atomicElements?: boolean };

const ATOMIC: ListType = { type: 'atomic' };
const podSpecLists: Record<string, ListType> = {
  containers: { type: 'map', keys: ['name'] },
  initContainers: { type: 'map', keys: ['name'] },
  ephemeralContainers: { type: 'map', keys: ['name'] },
  volumes: { type: 'map', keys: ['name'] },
  imagePullSecrets: { type: 'map', keys: ['name'], atomicElements: true },
  hostAliases: { type: 'map', keys: ['ip'] },
  schedulingGates: { type: 'map', keys: ['name'] },
  resourceClaims: { type: 'map', keys: ['name'] },
  topologySpreadConstraints: { type: 'map', keys: ['topologyKey', 'whenUnsatisfiable'] },
};
const containerLists: Record<string, ListType> = {
  env: { type: 'map', keys: ['name'] },
  ports: { type: 'map', keys: ['containerPort', 'protocol'] },
  volumeMounts: { type: 'map', keys: ['mountPath'] },
  volumeDevices: { type: 'map', keys: ['devicePath'] },
};
const containerFields = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Maps whose value is replaced as a whole (`x-kubernetes-map-type: atomic`). */
const ATOMIC_MAPS = new Set([
  'roleRef', 'selector', 'podSelector', 'namespaceSelector', 'labelSelector', 'nodeSelector', 'configMapKeyRef', 'secretKeyRef',
  'fieldRef', 'resourceFieldRef', 'fileKeyRef', 'secretRef', 'nodePublishSecretRef', 'preference', 'requiredDuringSchedulingIgnoredDuringExecution',
]);

/** Where a PodSpec sits in each workload kind. */
function podSpecDepth(kind: string, path: readonly string[]): number {
  const at = (prefix: string[]): boolean => prefix.every((p, i) => path[i] === p);
  if (kind === 'Pod' && at(['spec'])) return 1;
  if ((kind === 'Deployment' || kind === 'Job') && at(['spec', 'template', 'spec'])) return 3;
  if (kind === 'CronJob' && at(['spec', 'jobTemplate', 'spec', 'template', 'spec'])) return 5;
  return -1;
}

/** The list semantics of the list at `path` in an object of `kind`. */
export function listTypeAt(kind: string, path: readonly string[]): ListType {
  const name = path[path.length - 1];
  if (path.length === 2 && path[0] === 'metadata') {
    if (name === 'finalizers') return { type: 'set' };
    if (name === 'ownerReferences') return { type: 'map', keys: ['uid'], atomicElements: true };
  }
  if (kind === 'ServiceAccount' && path.length === 1 && name === 'secrets') return { type: 'map', keys: ['name'], atomicElements: true };
  if (name === 'conditions' && path[0] === 'status') return { type: 'map', keys: ['type'] };
  const depth = podSpecDepth(kind, path);
  if (depth < 0) return ATOMIC;
  const rest = path.slice(depth);
  if (rest.length === 1) return podSpecLists[rest[0]] ?? ATOMIC;
  if (rest.length === 2 && containerFields.has(rest[0])) return containerLists[rest[1]] ?? ATOMIC;
  return ATOMIC;
}

/** Whether the map at `path` is atomic (replaced whole by apply, a leaf in field sets). */
export function isAtomicMap(kind: string, path: readonly string[]): boolean {
  const name = path[path.length - 1];
  if (kind === 'NetworkPolicy' || podSpecDepth(kind, path) >= 0 || ['Deployment', 'Job', 'CronJob', 'RoleBinding', 'ClusterRoleBinding'].includes(kind)) {
    return ATOMIC_MAPS.has(name);
  }
  return false;
}

/**
 * Fields the strategy resets on the main resource (`GetResetFields`): never owned through it.
 * Every served kind with a status resets it.
 */
export function resetsStatus(kind: string): boolean {
  return ['Pod', 'Namespace', 'Node', 'Deployment', 'Job', 'CronJob'].includes(kind);
}

/**
 * The Go zero value of a kind as JSON (non-pointer structs are always present), which is what a
 * create is compared against: fields of those structs are not "added" themselves, so their entries
 * in managedFields carry no `.` of their own.
 */
export function zeroObject(kind: string): Record<string, unknown> {
  const meta = { metadata: {} };
  switch (kind) {
    case 'Pod':
      return { ...meta, spec: { containers: null }, status: {} };
    case 'Namespace':
    case 'Node':
      return { ...meta, spec: {}, status: {} };
    case 'Deployment':
      return { ...meta, spec: { selector: null, template: { metadata: {}, spec: { containers: null } }, strategy: {} }, status: {} };
    case 'Job':
      return { ...meta, spec: { template: { metadata: {}, spec: { containers: null } } }, status: {} };
    case 'CronJob':
      return { ...meta, spec: { schedule: '', jobTemplate: { metadata: {}, spec: { template: { metadata: {}, spec: { containers: null } } } } }, status: {} };
    case 'NetworkPolicy':
      return { ...meta, spec: { podSelector: {} } };
    case 'Role':
    case 'ClusterRole':
      return { ...meta, rules: null };
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return { ...meta, roleRef: { apiGroup: '', kind: '', name: '' } };
    default:
      return meta;
  }
}
