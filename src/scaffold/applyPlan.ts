/**
 * The order in which Apply sends a manifest's objects, and what each object needs from the others:
 * its Namespace, a binding's Role or ClusterRole, a Pod's ServiceAccount. A server-side dry run stores
 * nothing, so an object that needs another one that is new in the same apply cannot be checked by
 * it: kube-apiserver resolves a RoleBinding's roleRef (to check that its creator holds the role's
 * rules) and the ServiceAccount admission plugin looks up a Pod's ServiceAccount, and both fail for
 * an object that was only dry-run-created. Pure: no `vscode`, no cluster.
 */
import type { ManifestObjectLike } from './manifestDocuments';

/**
 * Helm's install order (helm pkg/release/util/kind_sorter.go, InstallOrder): what others refer to
 * first (Namespace, ServiceAccount, Secret, roles before their bindings), workloads last. Kinds not
 * listed go after all of these, in document order.
 */
export const APPLY_ORDER: readonly string[] = [
  'PriorityClass', 'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role', 'RoleList',
  'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment',
  'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
];

/** The documents in apply order; a stable sort, so equal kinds keep their document order. */
export function inApplyOrder<T extends { object: ManifestObjectLike }>(docs: readonly T[]): T[] {
  const rank = (d: T): number => {
    const i = APPLY_ORDER.indexOf(d.object.kind);
    return i < 0 ? APPLY_ORDER.length : i;
  };
  return docs.map((d, i) => ({ d, i })).sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i).map((x) => x.d);
}

/** An object of the cluster, by kind, name and (for namespaced kinds) namespace. */
export interface ObjectKey {
  kind: string;
  name: string;
  namespace?: string;
}

export const keyText = (k: ObjectKey): string => `${k.kind} ${k.namespace ? `${k.namespace}/` : ''}${k.name}`;

/**
 * The objects `obj` needs to exist, as far as a manifest tells: the Namespace it is in, the role a
 * binding refers to, the ServiceAccount a Pod runs as. `namespace` is where it goes (undefined for
 * a cluster-scoped object).
 */
export function dependenciesOf(obj: ManifestObjectLike, namespace: string | undefined): ObjectKey[] {
  const deps: ObjectKey[] = [];
  if (namespace !== undefined) deps.push({ kind: 'Namespace', name: namespace });
  if (obj.kind === 'RoleBinding' || obj.kind === 'ClusterRoleBinding') {
    const ref = obj.roleRef as { kind?: unknown; name?: unknown } | undefined;
    if (typeof ref?.name === 'string' && (ref.kind === 'Role' || ref.kind === 'ClusterRole')) {
      deps.push(ref.kind === 'Role' ? { kind: 'Role', name: ref.name, namespace } : { kind: 'ClusterRole', name: ref.name });
    }
  }
  if (obj.kind === 'Pod') {
    const spec = obj.spec as { serviceAccountName?: unknown } | undefined;
    const sa = typeof spec?.serviceAccountName === 'string' && spec.serviceAccountName ? spec.serviceAccountName : 'default';
    if (namespace !== undefined) deps.push({ kind: 'ServiceAccount', name: sa, namespace });
  }
  return deps;
}

/** What a failed request said: enough of a KubeError to recognise a missing dependency. */
export interface FailureFacts {
  kind: string;
  message: string;
  details?: { name?: string; kind?: string };
}

// plugin/pkg/admission/serviceaccount/admission.go: `error looking up service account %s/%s: %w`,
// answered as 403 Forbidden when the Pod's ServiceAccount does not exist.
const SA_LOOKUP = /error looking up service account ([^/\s]+)\/(\S+?): serviceaccounts? "[^"]*" not found/;

/**
 * The dependency whose absence made a request fail, when the failure says so: a 404 for the
 * object's namespace or for a binding's role (pkg/registry/rbac/rolebinding/policybased/storage.go
 * resolves the roleRef and returns the getter's NotFound, which names the role but says
 * `rolebindings`), or the ServiceAccount admission's lookup error.
 */
export function missingDependency(obj: ManifestObjectLike, namespace: string | undefined, failure: FailureFacts): ObjectKey | undefined {
  const deps = dependenciesOf(obj, namespace);
  if (failure.kind === 'notFound') {
    const name = failure.details?.name;
    if (failure.details?.kind === 'namespaces' || /^namespaces "[^"]*" not found/.test(failure.message)) return deps.find((d) => d.kind === 'Namespace' && d.name === (name ?? d.name));
    return deps.find((d) => (d.kind === 'Role' || d.kind === 'ClusterRole') && d.name === name);
  }
  if (failure.kind === 'forbidden') {
    const m = SA_LOOKUP.exec(failure.message);
    if (m) return deps.find((d) => d.kind === 'ServiceAccount' && d.namespace === m[1] && d.name === m[2]);
  }
  return undefined;
}

/** Every ServiceAccount subject of the manifest's RoleBindings and ClusterRoleBindings (unique, in order). */
export function subjectServiceAccounts(objects: readonly ManifestObjectLike[], defaultNamespace: string): { namespace: string; name: string; binding: ObjectKey }[] {
  const out: { namespace: string; name: string; binding: ObjectKey }[] = [];
  const seen = new Set<string>();
  for (const b of objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
    const bindingNs = b.kind === 'RoleBinding' ? (b.metadata.namespace ?? defaultNamespace) : undefined;
    const subjects = Array.isArray(b.subjects) ? (b.subjects as { kind?: unknown; name?: unknown; namespace?: unknown }[]) : [];
    for (const s of subjects) {
      if (s?.kind !== 'ServiceAccount' || typeof s.name !== 'string') continue;
      // A RoleBinding's ServiceAccount subject without a namespace is in the binding's namespace.
      const namespace = typeof s.namespace === 'string' ? s.namespace : (bindingNs ?? defaultNamespace);
      if (seen.has(`${namespace}/${s.name}`)) continue;
      seen.add(`${namespace}/${s.name}`);
      out.push({ namespace, name: s.name, binding: { kind: b.kind, name: b.metadata.name ?? '', namespace: bindingNs } });
    }
  }
  return out;
}
