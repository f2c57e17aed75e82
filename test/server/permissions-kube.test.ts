/**
 * The permissions feature against the test API server: how a rules review's `incomplete` and
 * `evaluationError` are read, the all-namespaces matrix, and who-can from the cluster's RBAC objects
 * (seeded: RoleBinding demo/ci-deployer → Role ci-deployer, which may create serviceaccounts/token).
 */
import * as assert from 'node:assert/strict';
import type { ContextClient } from '../../src/kube/http';
import * as kube from '../../src/kube/index';
import { collectPermissions } from '../../src/permissions/collect';
import { cellState, type PermissionMatrix } from '../../src/permissions/matrix';
import { matrixNotices } from '../../src/permissions/present';
import { whoCan, type WhoCanPath } from '../../src/permissions/whoCan';
import { startTestCluster } from '../../testserver/index';
import type { TestCluster } from '../../testserver/api';
import { ClientFactory } from './kube-fixture';

const rbacV1 = 'rbac.authorization.k8s.io/v1';
const cell = (m: PermissionMatrix, resource: string, verb: string, group = '') => m.rows.find((r) => r.resource === resource && r.group === group)?.cells[verb];
const describePath = (p: WhoCanPath): string =>
  `${p.subject.kind} ${p.subject.namespace ? `${p.subject.namespace}/` : ''}${p.subject.name} ← ${p.binding.kind} ${p.binding.namespace ? `${p.binding.namespace}/` : ''}${p.binding.name} → ${p.role.kind} ${p.role.name}`;

describe('permissions against the test API server', () => {
  let cluster: TestCluster;
  let clients: ClientFactory;
  let admin: ContextClient;
  const target = { context: 'test-admin', namespace: 'demo', name: 'ci-deployer' };

  before(async () => {
    cluster = await startTestCluster({ seed: 'demo' });
    clients = new ClientFactory(cluster);
    admin = clients.client();
  });
  after(async () => {
    clients.dispose();
    await cluster.close();
  });

  it('reads a rules review as kube-apiserver means it: a dangling binding is an evaluationError, not incompleteness', async () => {
    const name = `dangling-${Date.now()}`;
    cluster.store.create({
      apiVersion: rbacV1,
      kind: 'RoleBinding',
      metadata: { name, namespace: 'demo' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'no-such-role' },
      subjects: [{ kind: 'ServiceAccount', name: 'ci-deployer', namespace: 'demo' }],
    });
    try {
      const raw = await kube.rulesReview(admin, 'demo', { namespace: 'demo', name: 'ci-deployer' });
      assert.equal(raw.incomplete, false, 'RBAC can always list its rules');
      assert.match(raw.evaluationError ?? '', /role\.rbac\.authorization\.k8s\.io "no-such-role" not found/);
      const m = await collectPermissions(kube, admin, target);
      assert.equal(m.method, 'rulesReview');
      assert.equal(m.incomplete, false);
      assert.match(m.evaluationError ?? '', /no-such-role/);
      assert.ok(matrixNotices(m).some((n) => /^Some bindings could not be resolved: .*no-such-role/.test(n)), matrixNotices(m).join(' | '));
      // The rules that were resolved still count, and a denied cell is denied, not unknown.
      assert.equal(cellState(m, cell(m, 'serviceaccounts/token', 'create')), 'allowed');
      assert.equal(cellState(m, cell(m, 'pods', 'delete')), 'denied');
    } finally {
      cluster.store.delete(rbacV1, 'RoleBinding', name, 'demo');
    }
    const clean = await collectPermissions(kube, admin, target);
    assert.equal(clean.evaluationError, undefined);
  });

  it('merges repeated non-resource rules so each URL is listed once', async () => {
    const m = await collectPermissions(kube, admin, target);
    const urls = m.nonResource.flatMap((n) => n.urls);
    assert.equal(new Set(urls).size, urls.length, JSON.stringify(m.nonResource));
    assert.ok(urls.includes('/healthz') && urls.includes('/openid/v1/jwks'), urls.join(' '));
  });

  it('evaluates all namespaces from the RBAC objects, marking what only some namespaces allow', async () => {
    const m = await collectPermissions(kube, admin, { ...target, inNamespace: '' });
    assert.equal(m.namespace, '');
    assert.equal(m.method, 'rbacObjects');
    const token = cell(m, 'serviceaccounts/token', 'create');
    assert.deepEqual(token?.namespaces, ['demo']);
    assert.equal(cellState(m, token), 'limited');
    assert.equal(token?.grants[0]?.bindingName, 'ci-deployer');
    assert.equal(cellState(m, cell(m, 'pods', 'delete')), 'denied');
  });

  it('answers who can create serviceaccounts/token in demo, with the binding path', async () => {
    const snap = await kube.readRbacSnapshot(admin, 'demo');
    const answer = whoCan(snap, { verb: 'create', group: '', resource: 'serviceaccounts', subresource: 'token', namespace: 'demo' });
    const paths = answer.paths.map(describePath);
    assert.ok(paths.includes('ServiceAccount demo/ci-deployer ← RoleBinding demo/ci-deployer → Role ci-deployer'), paths.join('\n'));
    assert.ok(paths.includes('Group system:masters ← ClusterRoleBinding cluster-admin → ClusterRole cluster-admin'), paths.join('\n'));
    assert.ok(!paths.some((p) => p.includes('jane')), 'view does not mint tokens');
    // In payments nobody but the cluster admins may.
    const payments = whoCan(await kube.readRbacSnapshot(admin, 'payments'), { verb: 'create', group: '', resource: 'serviceaccounts', subresource: 'token', namespace: 'payments' });
    assert.deepEqual(payments.paths.map((p) => p.subject.name), ['system:masters']);
  });

  it('reads aggregated ClusterRoles: rules the controller filled name their origin, unfilled ones are flagged', async () => {
    const id = Date.now();
    const label = `example.com/aggregate-to-tokens-${id}`;
    const source = `token-minter-${id}`;
    const filled = `tokens-filled-${id}`;
    const unfilled = `tokens-unfilled-${id}`;
    const tokenRule = { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] };
    cluster.store.create({ apiVersion: rbacV1, kind: 'ClusterRole', metadata: { name: source, labels: { [label]: 'true' } }, rules: [tokenRule] });
    const aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [label]: 'true' } }] };
    // What the clusterrole-aggregation controller writes on a real cluster; the test server runs no such controller.
    cluster.store.create({ apiVersion: rbacV1, kind: 'ClusterRole', metadata: { name: filled }, aggregationRule, rules: [tokenRule] });
    cluster.store.create({ apiVersion: rbacV1, kind: 'ClusterRole', metadata: { name: unfilled }, aggregationRule, rules: [] });
    for (const [binding, role] of [[filled, filled], [unfilled, unfilled]]) {
      cluster.store.create({
        apiVersion: rbacV1,
        kind: 'RoleBinding',
        metadata: { name: binding, namespace: 'payments' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ kind: 'Group', name: 'system:serviceaccounts:payments' }],
      });
    }
    try {
      const snap = await kube.readRbacSnapshot(admin, 'payments');
      const answer = whoCan(snap, { verb: 'create', group: '', resource: 'serviceaccounts', subresource: 'token', namespace: 'payments' });
      const viaFilled = answer.paths.find((p) => p.role.name === filled);
      assert.ok(viaFilled, answer.paths.map(describePath).join('\n'));
      assert.deepEqual(viaFilled.aggregatedFrom, [source]);
      assert.deepEqual(viaFilled.subject, { kind: 'Group', name: 'system:serviceaccounts:payments' });
      assert.equal(answer.paths.some((p) => p.role.name === unfilled), false, 'the authorizer reads rules only');
      assert.deepEqual(
        answer.notes.filter((n) => n.kind === 'pendingAggregation').map((n) => [n.role, n.detail]),
        [[unfilled, source]],
      );
      // The server agrees: payments/api may mint through the filled role only.
      const sar = await kube.serviceAccountAccessReview(admin, { namespace: 'payments', name: 'api' }, { verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'payments' });
      assert.equal(sar.allowed, true);
      assert.match(sar.reason ?? '', new RegExp(`RoleBinding "${filled}/payments"`));
    } finally {
      for (const n of [filled, unfilled]) cluster.store.delete(rbacV1, 'RoleBinding', n, 'payments');
      for (const n of [source, filled, unfilled]) cluster.store.delete(rbacV1, 'ClusterRole', n);
    }
  });
});
