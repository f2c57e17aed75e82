/**
 * Access reviews, whoami and impersonation, the same on every backend: SubjectAccessReview reasons
 * (allowed by which binding, denied with unresolvable bindings), their 422s, the
 * LocalSubjectAccessReview namespace rule, SelfSubjectRulesReview `incomplete`/`evaluationError`,
 * SelfSubjectReview for a token and a user, and the Impersonate-* headers with their 400 and 403s
 * (constrained impersonation modes before legacy `impersonate`, kube-apiserver v1.35+).
 */
import * as assert from 'node:assert/strict';
import * as k from '../../src/kube/index';
import { forEachBackend } from './env';

const GROUP = 'rbac.authorization.k8s.io';
const SSR = '/apis/authentication.k8s.io/v1/selfsubjectreviews';

interface UserInfo {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** The items of `<prefix>[a, b]` (an aggregate of several errors), sorted. */
function bracketList(text: string, prefix: string): string[] {
  assert.ok(text.startsWith(`${prefix}[`) && text.endsWith(']'), text);
  return text.slice(prefix.length + 1, -1).split(', ').sort();
}

forEachBackend('access reviews, whoami and impersonation', (env) => {
  const user = `diff-rev-${k.randomSuffix(4)}`;
  const rbac = (): string => `/apis/${GROUP}/v1/namespaces/${env.ns}`;
  const bind = (name: string, roleRef: { kind: string; name: string }, subject: Record<string, unknown>) =>
    env.admin.request({ method: 'POST', path: `${rbac()}/rolebindings`, body: { apiVersion: `${GROUP}/v1`, kind: 'RoleBinding', metadata: { name }, roleRef: { apiGroup: GROUP, ...roleRef }, subjects: [subject] } });
  const sar = (spec: Record<string, unknown>) => env.admin.request<{ status: { allowed: boolean; reason?: string } }>({ method: 'POST', path: '/apis/authorization.k8s.io/v1/subjectaccessreviews', body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec } });
  const whoami = (client: k.ContextClient, headers: Record<string, string | string[]> = {}) =>
    client.request<{ metadata: { creationTimestamp?: string }; status: { userInfo: UserInfo } }>({ method: 'POST', path: SSR, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }, headers });
  const invalid = (message: string) => (e: unknown) => {
    assert.ok(k.KubeError.is(e, 'invalid'), String(e));
    assert.equal(e.message, message);
    return true;
  };

  before(async () => {
    await env.serviceAccount('reviewed');
    await bind('edit-user', { kind: 'ClusterRole', name: 'edit' }, { apiGroup: GROUP, kind: 'User', name: user });
    await bind('dangling-role', { kind: 'Role', name: 'missing' }, { apiGroup: GROUP, kind: 'User', name: user });
    await bind('dangling-clusterrole', { kind: 'ClusterRole', name: `missing-${env.ns}` }, { apiGroup: GROUP, kind: 'User', name: user });
  });

  it('says which binding allowed a SubjectAccessReview, and which bindings could not be resolved when it denies', async () => {
    const allowed = await sar({ user, resourceAttributes: { namespace: env.ns, verb: 'list', resource: 'configmaps' } });
    assert.deepEqual(allowed.body.status, { allowed: true, reason: `RBAC: allowed by RoleBinding "edit-user/${env.ns}" of ClusterRole "edit" to User "${user}"` });
    // The RBAC authorizer lists unresolvable bindings in the order its informer hands them out (any);
    // the union of authorizers prefixes the reason with the authorizer's name.
    const denied = await sar({ user, resourceAttributes: { namespace: env.ns, verb: 'list', resource: 'nodes' } });
    assert.equal(denied.body.status.allowed, false);
    assert.deepEqual(bracketList(denied.body.status.reason ?? '', 'rbac: RBAC: '), [`clusterrole.${GROUP} "missing-${env.ns}" not found`, `role.${GROUP} "missing" not found`]);
    const plain = await sar({ user: 'nobody', groups: ['dev'], resourceAttributes: { verb: 'list', resource: 'nodes' } });
    assert.deepEqual(plain.body.status, { allowed: false });
    const nonResource = await sar({ user: 'nobody', groups: ['system:authenticated'], nonResourceAttributes: { verb: 'get', path: '/apis' } });
    assert.deepEqual(nonResource.body.status, { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"' });
  });

  it('refuses malformed access reviews with 422', async () => {
    await assert.rejects(sar({ user }), invalid('.authorization.k8s.io "" is invalid: spec: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified'));
    await assert.rejects(sar({ resourceAttributes: { verb: 'get' } }), invalid('.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified'));
    const lsar = (resourceAttributes: Record<string, unknown>) =>
      env.admin.request({ method: 'POST', path: `/apis/authorization.k8s.io/v1/namespaces/${env.ns}/localsubjectaccessreviews`, body: { apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', spec: { user, resourceAttributes } } });
    await assert.rejects(lsar({ verb: 'get', resource: 'pods' }), invalid('.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "": must match metadata.namespace'));
    const ok = await lsar({ namespace: env.ns, verb: 'get', resource: 'pods' });
    assert.equal((ok.body as { status: { allowed: boolean } }).status.allowed, true);
  });

  it('lists the rules of a user with incomplete=false and the unresolvable bindings in evaluationError', async () => {
    const res = await env.admin.request<{ status: { incomplete: boolean; evaluationError?: string; resourceRules: { verbs: string[]; resources?: string[] }[] } }>({
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: env.ns } },
      impersonate: { user },
    });
    assert.equal(res.body.status.incomplete, false);
    assert.deepEqual(bracketList(res.body.status.evaluationError ?? '', ''), [`clusterrole.${GROUP} "missing-${env.ns}" not found`, `role.${GROUP} "missing" not found`]);
    assert.ok(res.body.status.resourceRules.some((r) => r.verbs.includes('create') && r.resources?.includes('serviceaccounts/token')), 'edit grants minting');
    await assert.rejects(
      env.admin.request({ method: 'POST', path: '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: {} } }),
      (e: unknown) => k.KubeError.is(e, 'badRequest') && e.message === 'no namespace on request',
    );
  });

  it('answers whoami for a ServiceAccount token with its uid and credential id, and for a user with its groups', async () => {
    const { token } = await k.requestToken(env.admin, { namespace: env.ns, serviceAccount: 'reviewed' });
    const asSa = await whoami(env.admin.withBearerToken(token));
    assert.ok(asSa.body.metadata.creationTimestamp, 'a SelfSubjectReview carries its creationTimestamp');
    const info = asSa.body.status.userInfo;
    assert.equal(info.username, `system:serviceaccount:${env.ns}:reviewed`);
    assert.deepEqual(info.groups, ['system:serviceaccounts', `system:serviceaccounts:${env.ns}`, 'system:authenticated']);
    assert.deepEqual(Object.keys(info.extra ?? {}), ['authentication.kubernetes.io/credential-id']);
    assert.match(info.extra?.['authentication.kubernetes.io/credential-id'][0] ?? '', /^JTI=[0-9a-f-]{36}$/);
    const asUser = await whoami(env.client({ contextName: 'rev-user', user: { name: user, groups: ['dev', 'ops'] } }));
    assert.deepEqual([asUser.body.status.userInfo.username, asUser.body.status.userInfo.groups], [user, ['dev', 'ops', 'system:authenticated']]);
  });

  it('impersonates a user with groups, uid and extras, and a ServiceAccount with its groups', async () => {
    const res = await whoami(env.admin, { 'impersonate-user': 'jane', 'impersonate-group': ['dev', 'ops'], 'impersonate-uid': 'u-1', 'impersonate-extra-scopes': ['a', 'b'], 'impersonate-extra-reason%2Fwhy': 'x' });
    assert.deepEqual(res.body.status.userInfo, { username: 'jane', uid: 'u-1', groups: ['dev', 'ops', 'system:authenticated'], extra: { 'reason/why': ['x'], scopes: ['a', 'b'] } });
    const sa = await whoami(env.admin, { 'impersonate-user': `system:serviceaccount:${env.ns}:reviewed` });
    assert.deepEqual(sa.body.status.userInfo, { username: `system:serviceaccount:${env.ns}:reviewed`, groups: ['system:serviceaccounts', `system:serviceaccounts:${env.ns}`, 'system:authenticated'] });
  });

  it('refuses impersonation: 400 without a user name, 403 for the first mode tried, legacy groups for a namespace admin', async () => {
    await assert.rejects(whoami(env.admin, { 'impersonate-group': 'dev' }), (e: unknown) => {
      assert.ok(k.KubeError.is(e, 'badRequest'), String(e));
      assert.equal(e.message, 'requested &user.DefaultInfo{Name:"", UID:"", Groups:[]string{"dev"}, Extra:map[string][]string(nil)} without impersonating a user name');
      return true;
    });
    const stranger = env.client({ contextName: 'rev-stranger', user: { name: `${user}-stranger` } });
    await assert.rejects(whoami(stranger, { 'impersonate-user': 'jane' }), (e: unknown) => {
      assert.ok(k.KubeError.is(e, 'forbidden'), String(e));
      assert.equal(e.message, `selfsubjectreviews.authentication.k8s.io is forbidden: User "${user}-stranger" cannot impersonate-on:user-info:create resource "selfsubjectreviews" in API group "authentication.k8s.io" at the cluster scope`);
      return true;
    });
    // edit (within admin) grants `impersonate` on ServiceAccounts of the namespace: legacy impersonation.
    const editor = env.client({ contextName: 'rev-editor', user: { name: user } });
    const saName = `system:serviceaccount:${env.ns}:reviewed`;
    await env.eventually(() => whoami(editor, { 'impersonate-user': saName }).then(() => true, () => false), 'the editor may impersonate the ServiceAccount');
    await assert.rejects(whoami(editor, { 'impersonate-user': saName, 'impersonate-group': 'system:masters' }), (e: unknown) => {
      assert.ok(k.KubeError.is(e, 'forbidden'), String(e));
      assert.equal(e.message, `groups "system:masters" is forbidden: User "${user}" cannot impersonate resource "groups" in API group "" at the cluster scope`);
      return true;
    });
  });
});
