/**
 * Which RoleBindings and ClusterRoleBindings apply to a ServiceAccount, and the roles they grant.
 * The matching follows the RBAC authorizer (`appliesToUser` in plugin/pkg/auth/authorizer/rbac):
 * a subject applies when it is the ServiceAccount itself, a User with its username, or one of the
 * groups every ServiceAccount token carries.
 */
import { KubeError } from '../errors/kubeError';
import type { ContextClient } from './http';
import { listAll } from './serviceAccounts';
import { serviceAccountGroups, serviceAccountUser } from './reviews';

export interface RbacSubjectRef {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface RoleRef {
  kind: 'Role' | 'ClusterRole';
  name: string;
}

/** How a binding reaches the ServiceAccount. */
export type BindingMatch = { via: 'serviceAccount' } | { via: 'user' } | { via: 'group'; group: string };

export interface BindingInfo {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  /** Set for RoleBindings: the namespace in which they grant. */
  namespace?: string;
  roleRef: RoleRef;
  match: BindingMatch;
}

export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

/**
 * How (if at all) `subjects` of a binding apply to the ServiceAccount. `bindingNamespace` is the
 * RoleBinding's namespace: a ServiceAccount subject without a namespace means that one.
 * A direct ServiceAccount or User match wins over a group match.
 */
export function matchSubjects(subjects: readonly RbacSubjectRef[] | undefined, sa: ServiceAccountRef, bindingNamespace?: string): BindingMatch | undefined {
  const groups = serviceAccountGroups(sa.namespace);
  let groupMatch: BindingMatch | undefined;
  for (const s of subjects ?? []) {
    switch (s.kind) {
      case 'ServiceAccount': {
        const subjectNamespace = s.namespace || bindingNamespace;
        if (s.name === sa.name && subjectNamespace === sa.namespace) return { via: 'serviceAccount' };
        break;
      }
      case 'User':
        if (s.name === serviceAccountUser(sa.namespace, sa.name)) return { via: 'user' };
        break;
      case 'Group':
        if (!groupMatch && groups.includes(s.name)) groupMatch = { via: 'group', group: s.name };
        break;
    }
  }
  return groupMatch;
}

interface RawBinding {
  metadata?: { name?: string; namespace?: string };
  subjects?: RbacSubjectRef[];
  roleRef?: { kind?: string; name?: string };
}

function toBindings(raw: RawBinding[], kind: BindingInfo['kind'], sa: ServiceAccountRef): BindingInfo[] {
  const out: BindingInfo[] = [];
  for (const b of raw) {
    const namespace = kind === 'RoleBinding' ? b.metadata?.namespace : undefined;
    const match = matchSubjects(b.subjects, sa, namespace);
    if (!match) continue;
    out.push({
      kind,
      name: b.metadata?.name ?? '',
      namespace,
      roleRef: { kind: b.roleRef?.kind === 'Role' ? 'Role' : 'ClusterRole', name: b.roleRef?.name ?? '' },
      match,
    });
  }
  return out;
}

/** Sort order: direct grants first, then by kind, namespace and name. */
export function sortBindings(list: BindingInfo[]): BindingInfo[] {
  const rank = (b: BindingInfo): number => (b.match.via === 'group' ? 1 : 0);
  return [...list].sort(
    (a, b) => rank(a) - rank(b) || a.kind.localeCompare(b.kind) || (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name),
  );
}

export interface BindingsResult {
  bindings: BindingInfo[];
  /** True when RoleBindings could only be read in the ServiceAccount's own namespace. */
  roleBindingsNamespaceOnly: boolean;
  /** Set when ClusterRoleBindings could not be listed (e.g. 403); RoleBindings are still shown. */
  clusterBindingsError?: KubeError;
}

const RBAC = '/apis/rbac.authorization.k8s.io/v1';

/**
 * The bindings that apply to the ServiceAccount. RoleBindings are read cluster-wide (a RoleBinding
 * in another namespace can grant to it); when that is forbidden, only its own namespace is read.
 */
export async function listBindingsFor(client: ContextClient, sa: ServiceAccountRef, signal?: AbortSignal): Promise<BindingsResult> {
  let roleBindings: RawBinding[];
  let roleBindingsNamespaceOnly = false;
  try {
    roleBindings = await listAll<RawBinding>(client, `${RBAC}/rolebindings`, signal);
  } catch (e) {
    if (!KubeError.is(e, 'forbidden')) throw e;
    roleBindingsNamespaceOnly = true;
    roleBindings = await listAll<RawBinding>(client, `${RBAC}/namespaces/${encodeURIComponent(sa.namespace)}/rolebindings`, signal);
  }
  let clusterBindings: RawBinding[] = [];
  let clusterBindingsError: KubeError | undefined;
  try {
    clusterBindings = await listAll<RawBinding>(client, `${RBAC}/clusterrolebindings`, signal);
  } catch (e) {
    if (!KubeError.is(e, 'forbidden')) throw e;
    clusterBindingsError = e;
  }
  return {
    bindings: sortBindings([...toBindings(roleBindings, 'RoleBinding', sa), ...toBindings(clusterBindings, 'ClusterRoleBinding', sa)]),
    roleBindingsNamespaceOnly,
    clusterBindingsError,
  };
}

/**
 * The Role or ClusterRole object a binding refers to, without server bookkeeping
 * (managedFields, resourceVersion), ready to be shown as YAML.
 */
export async function getRole(client: ContextClient, ref: RoleRef, namespace: string | undefined, signal?: AbortSignal): Promise<Record<string, unknown>> {
  const path =
    ref.kind === 'Role'
      ? `${RBAC}/namespaces/${encodeURIComponent(namespace ?? '')}/roles/${encodeURIComponent(ref.name)}`
      : `${RBAC}/clusterroles/${encodeURIComponent(ref.name)}`;
  const obj = await client.get<Record<string, unknown>>(path, undefined, signal);
  const meta = obj.metadata;
  if (meta && typeof meta === 'object') {
    const { managedFields: _m, resourceVersion: _r, ...rest } = meta as Record<string, unknown>;
    return { ...obj, metadata: rest };
  }
  return obj;
}
