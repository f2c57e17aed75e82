/**
 * RBAC escalation prevention and bind checks (pkg/registry/rbac/*policybased), the same on every
 * backend: a namespace admin (ClusterRole `admin` bound in one namespace, no `escalate`/`bind`)
 * writing Roles and RoleBindings by create, dry run, update and server-side apply.
 */
import * as assert from 'node:assert/strict';
import * as k from '../../src/kube/index';
import { forEachBackend } from './env';

const GROUP = 'rbac.authorization.k8s.io';

forEachBackend('RBAC escalation and bind checks', (env) => {
  const user = `diff-esc-${k.randomSuffix(4)}`;
  let nsAdmin: k.ContextClient;
  const rbac = (): string => `/apis/${GROUP}/v1/namespaces/${env.ns}`;
  const role = (name: string, rules: Record<string, unknown>[]) => ({ apiVersion: `${GROUP}/v1`, kind: 'Role', metadata: { name }, rules });
  const binding = (name: string, roleRef: { kind: string; name: string }) => ({
    apiVersion: `${GROUP}/v1`,
    kind: 'RoleBinding',
    metadata: { name },
    roleRef: { apiGroup: GROUP, ...roleRef },
    subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: env.ns }],
  });
  const nodesRule = { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] };
  const configMapsRule = { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] };
  const notHeld = (what: string, lines: string[]): string =>
    `${what} is forbidden: user "${user}" (groups=["diff-esc" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
  const forbidden = (message: string) => (e: unknown) => {
    assert.ok(k.KubeError.is(e, 'forbidden'), String(e));
    assert.equal(e.message, message);
    return true;
  };

  before(async () => {
    await env.admin.request({ method: 'POST', path: `${rbac()}/rolebindings`, body: { ...binding('ns-admin', { kind: 'ClusterRole', name: 'admin' }), subjects: [{ apiGroup: GROUP, kind: 'User', name: user }] } });
    nsAdmin = env.client({ contextName: 'esc-admin', user: { name: user, groups: ['diff-esc'] } });
    await env.eventually(
      () => nsAdmin.request({ method: 'POST', path: `${rbac()}/roles`, query: { dryRun: 'All' }, body: role('probe', [configMapsRule]) }).then(() => true, () => false),
      'the namespace admin may create Roles',
    );
  });

  it('refuses a Role granting what the writer does not hold, naming only what is missing', async () => {
    await assert.rejects(nsAdmin.request({ method: 'POST', path: `${rbac()}/roles`, body: role('too-much', [nodesRule, configMapsRule]) }), forbidden(notHeld(`roles.${GROUP} "too-much"`, ['{APIGroups:[""], Resources:["nodes"], Verbs:["get" "list"]}'])));
    const ok = await nsAdmin.request({ method: 'POST', path: `${rbac()}/roles`, body: role('held', [configMapsRule]) });
    assert.equal(ok.status, 201);
  });

  it('resolves the roleRef of a dry-run RoleBinding: a Role that was only dry-run created is 404, named after rolebindings', async () => {
    await nsAdmin.request({ method: 'POST', path: `${rbac()}/roles`, query: { dryRun: 'All' }, body: role('dry-only', [configMapsRule]) });
    await assert.rejects(nsAdmin.request({ method: 'POST', path: `${rbac()}/rolebindings`, query: { dryRun: 'All' }, body: binding('dry-only', { kind: 'Role', name: 'dry-only' }) }), (e: unknown) => {
      assert.ok(k.KubeError.is(e, 'notFound'), String(e));
      assert.equal(e.message, `rolebindings.${GROUP} "dry-only" not found`);
      assert.deepEqual(e.body?.details, { name: 'dry-only', group: GROUP, kind: 'rolebindings' });
      return true;
    });
  });

  it('lets the namespace admin bind what it holds (a held Role, ClusterRole admin) but not cluster-admin', async () => {
    await env.admin.request({ method: 'POST', path: `${rbac()}/roles`, body: role('bindable', [configMapsRule]) });
    assert.equal((await nsAdmin.request({ method: 'POST', path: `${rbac()}/rolebindings`, body: binding('bind-held', { kind: 'Role', name: 'bindable' }) })).status, 201);
    assert.equal((await nsAdmin.request({ method: 'POST', path: `${rbac()}/rolebindings`, body: binding('bind-admin', { kind: 'ClusterRole', name: 'admin' }) })).status, 201);
    await assert.rejects(
      nsAdmin.request({ method: 'POST', path: `${rbac()}/rolebindings`, body: binding('bind-cluster-admin', { kind: 'ClusterRole', name: 'cluster-admin' }) }),
      forbidden(notHeld(`rolebindings.${GROUP} "bind-cluster-admin"`, ['{APIGroups:["*"], Resources:["*"], Verbs:["*"]}', '{NonResourceURLs:["*"], Verbs:["*"]}'])),
    );
  });

  it('checks updates and server-side apply the same way', async () => {
    await nsAdmin.request({ method: 'POST', path: `${rbac()}/roles`, body: role('grows', [configMapsRule]) });
    await assert.rejects(
      nsAdmin.request({ method: 'PATCH', path: `${rbac()}/roles/grows`, body: { rules: [configMapsRule, nodesRule] }, headers: { 'content-type': 'application/merge-patch+json' } }),
      forbidden(notHeld(`roles.${GROUP} "grows"`, ['{APIGroups:[""], Resources:["nodes"], Verbs:["get" "list"]}'])),
    );
    await assert.rejects(
      nsAdmin.request({ method: 'PATCH', path: `${rbac()}/roles/applied`, query: { fieldManager: 'k8s-sa-tokens' }, body: role('applied', [{ apiGroups: [''], resources: ['secrets', 'nodes'], verbs: ['get'] }]), headers: { 'content-type': 'application/apply-patch+yaml' } }),
      forbidden(notHeld(`roles.${GROUP} "applied"`, ['{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}'])),
    );
  });

  it('lets `escalate` and `bind` through, and a cluster admin bind a Role that does not exist', async () => {
    await env.admin.request({
      method: 'POST',
      path: `${rbac()}/roles`,
      body: role('delegate', [
        { apiGroups: [GROUP], resources: ['roles'], verbs: ['escalate'] },
        { apiGroups: [GROUP], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['cluster-admin'] },
      ]),
    });
    await env.admin.request({ method: 'POST', path: `${rbac()}/rolebindings`, body: { ...binding('delegate', { kind: 'Role', name: 'delegate' }), subjects: [{ apiGroup: GROUP, kind: 'User', name: user }] } });
    await env.eventually(
      () => nsAdmin.request({ method: 'POST', path: `${rbac()}/roles`, query: { dryRun: 'All' }, body: role('escalated', [nodesRule]) }).then(() => true, () => false),
      'escalate lets the Role through',
    );
    assert.equal((await nsAdmin.request({ method: 'POST', path: `${rbac()}/rolebindings`, body: binding('bound-cluster-admin', { kind: 'ClusterRole', name: 'cluster-admin' }) })).status, 201);
    assert.equal((await env.admin.request({ method: 'POST', path: `${rbac()}/rolebindings`, body: binding('dangling', { kind: 'Role', name: 'no-such-role' }) })).status, 201);
  });
});
