/**
 * Users that are not ServiceAccounts (`kubeconfig({ user })`: a client certificate on the real server,
 * a static token on the test server) with RBAC bindings made by the test, the same on every backend.
 */
import * as assert from 'node:assert/strict';
import * as k from '../../src/kube/index';
import { forEachBackend } from './env';

forEachBackend('users and RBAC', (env) => {
  const name = `diff-ns-admin-${k.randomSuffix(4)}`;
  let nsAdmin: k.ContextClient;

  before(async () => {
    await env.serviceAccount('worker');
    await env.admin.request({
      method: 'POST',
      path: `/apis/rbac.authorization.k8s.io/v1/namespaces/${env.ns}/rolebindings`,
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'ns-admin' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name }],
      },
    });
    nsAdmin = env.client({ contextName: 'ns-admin', user: { name, groups: ['diff-team'] } });
  });

  it('authenticates the user with its groups (SelfSubjectReview)', async () => {
    const who = await k.selfSubjectReview(nsAdmin);
    assert.equal(who.username, name);
    assert.deepEqual([...(who.groups ?? [])].sort(), ['diff-team', 'system:authenticated']);
  });

  it('lets a namespace admin mint tokens in its namespace, and names the missing permission elsewhere', async () => {
    await env.eventually(
      () => k.requestToken(nsAdmin, { namespace: env.ns, serviceAccount: 'worker' }).then(() => true, () => false),
      'the RoleBinding lets the namespace admin mint',
    );
    await assert.rejects(k.requestToken(nsAdmin, { namespace: 'default', serviceAccount: 'default' }), (e: unknown) => {
      assert.ok(k.KubeError.is(e, 'forbidden'), String(e));
      assert.deepEqual(
        { verb: e.permission?.verb, resource: e.permission?.resource, subresource: e.permission?.subresource, namespace: e.permission?.namespace },
        { verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'default' },
      );
      assert.match(e.message, new RegExp(`User "${name}" cannot create resource "serviceaccounts/token" in API group "" in the namespace "default"`));
      return true;
    });
  });
});
