/**
 * Authentication and authorization reviews: TokenReview, SelfSubjectReview, SubjectAccessReview,
 * SelfSubjectAccessReview and SelfSubjectRulesReview, with typed results.
 */
import { clusterText } from '../errors/kubeError';
import type { ContextClient } from './http';

export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface TokenReviewResult {
  authenticated: boolean;
  user: UserInfo;
  audiences: string[];
  /** The server's reason, e.g. `[invalid bearer token, service account token has expired]`. */
  error?: string;
}

/** POST tokenreviews. Needs `create tokenreviews.authentication.k8s.io` (e.g. system:auth-delegator). */
export async function tokenReview(client: ContextClient, token: string, audiences: string[] = [], signal?: AbortSignal): Promise<TokenReviewResult> {
  const res = await client.request<{ status?: { authenticated?: boolean; user?: UserInfo; audiences?: string[]; error?: string } }>({
    method: 'POST',
    path: '/apis/authentication.k8s.io/v1/tokenreviews',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences } },
    signal,
  });
  const s = res.body.status ?? {};
  // The reasons below are shown in the doctor's report and notification: bounded like any cluster text.
  return { authenticated: s.authenticated === true, user: s.user ?? {}, audiences: s.audiences ?? [], error: clusterText(s.error) };
}

/** Who the client is (`kubectl auth whoami`). */
export async function selfSubjectReview(client: ContextClient, signal?: AbortSignal): Promise<UserInfo> {
  const res = await client.request<{ status?: { userInfo?: UserInfo } }>({
    method: 'POST',
    path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    signal,
  });
  return res.body.status?.userInfo ?? {};
}

export interface ResourceAttributes {
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface AccessResult {
  allowed: boolean;
  denied?: boolean;
  /** On allow, the RBAC reason names the binding, e.g. `RBAC: allowed by RoleBinding "x/ns" of Role "y" to ServiceAccount "sa/ns"`. */
  reason?: string;
  evaluationError?: string;
}

/** The groups kube-apiserver gives every ServiceAccount; a SubjectAccessReview must send them itself. */
export function serviceAccountGroups(namespace: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'];
}

export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/**
 * SubjectAccessReview for a ServiceAccount. Needs `create subjectaccessreviews` (cluster-wide), or with
 * `local` (and a namespace in `attrs`) a LocalSubjectAccessReview in that namespace, which ClusterRole
 * `admin` grants (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go): a namespace admin may
 * ask what a ServiceAccount may do in their namespace, but not cluster-wide.
 */
export async function serviceAccountAccessReview(
  client: ContextClient,
  sa: { namespace: string; name: string; uid?: string },
  attrs: ResourceAttributes,
  signal?: AbortSignal,
  local = false,
): Promise<AccessResult> {
  const spec = { user: serviceAccountUser(sa.namespace, sa.name), groups: serviceAccountGroups(sa.namespace), uid: sa.uid, resourceAttributes: { ...attrs, group: attrs.group ?? '' } };
  const ns = local ? attrs.namespace : undefined;
  const res = await client.request<{ status?: AccessResult }>({
    method: 'POST',
    path: ns ? `/apis/authorization.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/localsubjectaccessreviews` : '/apis/authorization.k8s.io/v1/subjectaccessreviews',
    body: ns
      ? { apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', metadata: { namespace: ns }, spec }
      : { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec },
    signal,
  });
  return { allowed: res.body.status?.allowed === true, denied: res.body.status?.denied, reason: clusterText(res.body.status?.reason), evaluationError: clusterText(res.body.status?.evaluationError) };
}

/** SelfSubjectAccessReview: may the client do this? */
export async function selfAccessReview(client: ContextClient, attrs: ResourceAttributes, signal?: AbortSignal): Promise<AccessResult> {
  const res = await client.request<{ status?: AccessResult }>({
    method: 'POST',
    path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { ...attrs, group: attrs.group ?? '' } } },
    signal,
  });
  return { allowed: res.body.status?.allowed === true, denied: res.body.status?.denied, reason: clusterText(res.body.status?.reason), evaluationError: clusterText(res.body.status?.evaluationError) };
}

export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}
export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}
/**
 * What a rules review says, read as kube-apiserver means it (pkg/registry/authorization/
 * selfsubjectrulesreview/rest.go, staging/.../authorization/union/union.go):
 *   - `incomplete`: some authorizer in the chain cannot list rules (a webhook, the Node authorizer
 *     for node users), so the lists may miss permissions it would grant. RBAC never sets it.
 *   - `evaluationError`: errors while resolving rules, e.g. RBAC's "clusterrole... not found" for a
 *     binding whose role does not exist (plugin/pkg/auth/authorizer/rbac/rbac.go RulesFor returns
 *     incomplete=false with the error). The rules listed are still valid; that binding grants nothing.
 */
export interface RulesResult {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  incomplete: boolean;
  evaluationError?: string;
}

/**
 * SelfSubjectRulesReview in `namespace`, optionally as a ServiceAccount through impersonation
 * (needs `impersonate serviceaccounts`), as `kubectl auth can-i --list --as=…` does.
 */
export async function rulesReview(
  client: ContextClient,
  namespace: string,
  as?: { namespace: string; name: string },
  signal?: AbortSignal,
): Promise<RulesResult> {
  const res = await client.request<{ status?: Partial<RulesResult> }>({
    method: 'POST',
    path: '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } },
    impersonate: as ? { user: serviceAccountUser(as.namespace, as.name) } : undefined,
    signal,
  });
  const s = res.body.status ?? {};
  return { resourceRules: s.resourceRules ?? [], nonResourceRules: s.nonResourceRules ?? [], incomplete: s.incomplete === true, evaluationError: clusterText(s.evaluationError) };
}
