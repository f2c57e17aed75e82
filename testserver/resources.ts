/**
 * The API resources this server serves: drives discovery, request routing, RBAC attributes and the store.
 */

export interface ResourceType {
  group: string;
  version: string;
  /** Plural resource name, e.g. `serviceaccounts`. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** Create-only review resources are not stored. */
  virtual?: boolean;
}

export interface SubresourceType {
  parent: string;
  group: string;
  version: string;
  name: string;
  kind: string;
  /** Group/version of the subresource's own kind, when it differs (TokenRequest). */
  kindGroup?: string;
  kindVersion?: string;
  verbs: string[];
}

const crud = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const createOnly = ['create'];

function r(group: string, version: string, resource: string, singular: string, kind: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType {
  return { group, version, resource, singular, kind, namespaced, verbs: crud, ...extra };
}

export const resourceTypes: readonly ResourceType[] = [
  r('', 'v1', 'configmaps', 'configmap', 'ConfigMap', true, { shortNames: ['cm'] }),
  r('', 'v1', 'namespaces', 'namespace', 'Namespace', false, { shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
  r('', 'v1', 'nodes', 'node', 'Node', false, { shortNames: ['no'] }),
  r('', 'v1', 'pods', 'pod', 'Pod', true, { shortNames: ['po'], categories: ['all'] }),
  r('', 'v1', 'replicationcontrollers', 'replicationcontroller', 'ReplicationController', true, { shortNames: ['rc'], categories: ['all'] }),
  r('', 'v1', 'secrets', 'secret', 'Secret', true),
  r('', 'v1', 'serviceaccounts', 'serviceaccount', 'ServiceAccount', true, { shortNames: ['sa'] }),
  r('apps', 'v1', 'daemonsets', 'daemonset', 'DaemonSet', true, { shortNames: ['ds'], categories: ['all'] }),
  r('apps', 'v1', 'deployments', 'deployment', 'Deployment', true, { shortNames: ['deploy'], categories: ['all'] }),
  r('apps', 'v1', 'replicasets', 'replicaset', 'ReplicaSet', true, { shortNames: ['rs'], categories: ['all'] }),
  r('apps', 'v1', 'statefulsets', 'statefulset', 'StatefulSet', true, { shortNames: ['sts'], categories: ['all'] }),
  r('batch', 'v1', 'cronjobs', 'cronjob', 'CronJob', true, { shortNames: ['cj'], categories: ['all'] }),
  r('batch', 'v1', 'jobs', 'job', 'Job', true, { categories: ['all'] }),
  r('networking.k8s.io', 'v1', 'networkpolicies', 'networkpolicy', 'NetworkPolicy', true, { shortNames: ['netpol'] }),
  r('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'clusterrolebinding', 'ClusterRoleBinding', false),
  r('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'clusterrole', 'ClusterRole', false),
  r('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'rolebinding', 'RoleBinding', true),
  r('rbac.authorization.k8s.io', 'v1', 'roles', 'role', 'Role', true),
  r('authentication.k8s.io', 'v1', 'selfsubjectreviews', 'selfsubjectreview', 'SelfSubjectReview', false, { verbs: createOnly, virtual: true }),
  r('authentication.k8s.io', 'v1', 'tokenreviews', 'tokenreview', 'TokenReview', false, { verbs: createOnly, virtual: true }),
  r('authorization.k8s.io', 'v1', 'localsubjectaccessreviews', 'localsubjectaccessreview', 'LocalSubjectAccessReview', true, { verbs: createOnly, virtual: true }),
  r('authorization.k8s.io', 'v1', 'selfsubjectaccessreviews', 'selfsubjectaccessreview', 'SelfSubjectAccessReview', false, { verbs: createOnly, virtual: true }),
  r('authorization.k8s.io', 'v1', 'selfsubjectrulesreviews', 'selfsubjectrulesreview', 'SelfSubjectRulesReview', false, { verbs: createOnly, virtual: true }),
  r('authorization.k8s.io', 'v1', 'subjectaccessreviews', 'subjectaccessreview', 'SubjectAccessReview', false, { verbs: createOnly, virtual: true }),
];

export const subresourceTypes: readonly SubresourceType[] = [
  { parent: 'serviceaccounts', group: '', version: 'v1', name: 'token', kind: 'TokenRequest', kindGroup: 'authentication.k8s.io', kindVersion: 'v1', verbs: createOnly },
];

/** Group → preferred (only) version, in the order /apis lists them. */
export const apiGroups: readonly { name: string; version: string }[] = [
  { name: 'apps', version: 'v1' },
  { name: 'authentication.k8s.io', version: 'v1' },
  { name: 'authorization.k8s.io', version: 'v1' },
  { name: 'batch', version: 'v1' },
  { name: 'networking.k8s.io', version: 'v1' },
  { name: 'rbac.authorization.k8s.io', version: 'v1' },
];

const byGroupResource = new Map(resourceTypes.map((t) => [`${t.group}/${t.resource}`, t]));
const byApiVersionKind = new Map(resourceTypes.map((t) => [`${apiVersionOf(t)}/${t.kind}`, t]));

export function apiVersionOf(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

export function findResource(group: string, resource: string): ResourceType | undefined {
  return byGroupResource.get(`${group}/${resource}`);
}

export function findKind(apiVersion: string, kind: string): ResourceType | undefined {
  return byApiVersionKind.get(`${apiVersion}/${kind}`);
}

/** The type or throws: for server-internal lookups of built-in kinds. */
export function mustFindKind(apiVersion: string, kind: string): ResourceType {
  const t = findKind(apiVersion, kind);
  if (!t) throw new Error(`test server does not serve ${apiVersion} ${kind}`);
  return t;
}

export const core = {
  namespaces: mustFindKind('v1', 'Namespace'),
  serviceAccounts: mustFindKind('v1', 'ServiceAccount'),
  secrets: mustFindKind('v1', 'Secret'),
  pods: mustFindKind('v1', 'Pod'),
  nodes: mustFindKind('v1', 'Node'),
  configMaps: mustFindKind('v1', 'ConfigMap'),
  roles: mustFindKind('rbac.authorization.k8s.io/v1', 'Role'),
  clusterRoles: mustFindKind('rbac.authorization.k8s.io/v1', 'ClusterRole'),
  roleBindings: mustFindKind('rbac.authorization.k8s.io/v1', 'RoleBinding'),
  clusterRoleBindings: mustFindKind('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'),
} as const;
