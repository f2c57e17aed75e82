/**
 * Cluster reads behind the permissions matrix: the RBAC objects that can grant in a namespace
 * (each list may be forbidden on its own), and batches of SubjectAccessReviews for a ServiceAccount.
 */
import { KubeError } from '../errors/kubeError';
import type { ContextClient } from './http';
import { serviceAccountAccessReview, type AccessResult, type ResourceAttributes } from './reviews';
import { listAll } from './serviceAccounts';

export interface RbacRuleObject {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface RbacRoleObject {
  kind: 'Role' | 'ClusterRole';
  name: string;
  namespace?: string;
  rules: RbacRuleObject[];
  labels?: Record<string, string>;
  /** ClusterRoles: the selectors the clusterrole-aggregation controller copies rules from (into `rules`). */
  aggregationRule?: { clusterRoleSelectors?: LabelSelectorObject[] };
}

export interface RbacBindingObject {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  namespace?: string;
  roleRef: { kind: string; name: string };
  subjects: { kind: string; name: string; namespace?: string }[];
}

export interface RbacSnapshot {
  roles: RbacRoleObject[];
  clusterRoles: RbacRoleObject[];
  roleBindings: RbacBindingObject[];
  clusterRoleBindings: RbacBindingObject[];
  /** Lists that could not be read (403), so the snapshot may miss grants. */
  forbidden: KubeError[];
}

interface RawRole {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  rules?: RbacRuleObject[] | null;
  aggregationRule?: { clusterRoleSelectors?: LabelSelectorObject[] | null } | null;
}
interface RawBinding {
  metadata?: { name?: string; namespace?: string };
  roleRef?: { kind?: string; name?: string };
  subjects?: { kind: string; name: string; namespace?: string }[] | null;
}

const RBAC = '/apis/rbac.authorization.k8s.io/v1';

const toRole = (kind: RbacRoleObject['kind'], r: RawRole): RbacRoleObject => ({
  kind,
  name: r.metadata?.name ?? '',
  namespace: kind === 'Role' ? r.metadata?.namespace : undefined,
  rules: (r.rules ?? []).map((rule) => ({ ...rule, verbs: rule.verbs ?? [] })),
  ...(r.metadata?.labels ? { labels: r.metadata.labels } : {}),
  ...(kind === 'ClusterRole' && r.aggregationRule ? { aggregationRule: { clusterRoleSelectors: r.aggregationRule.clusterRoleSelectors ?? [] } } : {}),
});
const toBinding = (kind: RbacBindingObject['kind'], b: RawBinding): RbacBindingObject => ({
  kind,
  name: b.metadata?.name ?? '',
  namespace: kind === 'RoleBinding' ? b.metadata?.namespace : undefined,
  roleRef: { kind: b.roleRef?.kind ?? '', name: b.roleRef?.name ?? '' },
  subjects: b.subjects ?? [],
});

/**
 * Roles and RoleBindings of `namespace` plus every ClusterRole and ClusterRoleBinding: all the RBAC
 * authorizer consults for a request in that namespace. Without a namespace (or with '', all
 * namespaces) the Roles and RoleBindings of every namespace. A forbidden list is left empty and reported.
 */
export async function readRbacSnapshot(client: ContextClient, namespace: string | undefined, signal?: AbortSignal): Promise<RbacSnapshot> {
  const forbidden: KubeError[] = [];
  const read = async <R>(path: string): Promise<R[]> => {
    try {
      return await listAll<R>(client, path, signal);
    } catch (e) {
      if (!KubeError.is(e, 'forbidden')) throw e;
      forbidden.push(e);
      return [];
    }
  };
  const scope = namespace ? `${RBAC}/namespaces/${encodeURIComponent(namespace)}` : RBAC;
  const [roles, roleBindings, clusterRoles, clusterRoleBindings] = await Promise.all([
    read<RawRole>(`${scope}/roles`),
    read<RawBinding>(`${scope}/rolebindings`),
    read<RawRole>(`${RBAC}/clusterroles`),
    read<RawBinding>(`${RBAC}/clusterrolebindings`),
  ]);
  return {
    roles: roles.map((r) => toRole('Role', r)),
    roleBindings: roleBindings.map((b) => toBinding('RoleBinding', b)),
    clusterRoles: clusterRoles.map((r) => toRole('ClusterRole', r)),
    clusterRoleBindings: clusterRoleBindings.map((b) => toBinding('ClusterRoleBinding', b)),
    forbidden,
  };
}

/**
 * One SubjectAccessReview per attribute set, `concurrency` at a time, results in input order.
 * The first failure (e.g. 403: the caller may not create subjectaccessreviews) rejects the batch.
 * `local`: LocalSubjectAccessReviews in each attribute set's namespace (see serviceAccountAccessReview).
 */
export async function serviceAccountAccessReviews(
  client: ContextClient,
  sa: { namespace: string; name: string },
  attrs: readonly ResourceAttributes[],
  options: { concurrency?: number; signal?: AbortSignal; local?: boolean } = {},
): Promise<AccessResult[]> {
  const results: AccessResult[] = new Array<AccessResult>(attrs.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < attrs.length) {
      const i = next++;
      try {
        results[i] = await serviceAccountAccessReview(client, sa, attrs[i], options.signal, options.local);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 8, attrs.length)) }, worker);
  await Promise.all(workers);
  return results;
}
