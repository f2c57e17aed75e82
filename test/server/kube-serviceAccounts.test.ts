import * as assert from 'node:assert/strict';
import { getRole, listBindingsFor } from '../../src/kube/bindings';
import type { ContextClient } from '../../src/kube/http';
import {
  getNamespace,
  listAll,
  listNamespaces,
  listNodes,
  listPods,
  listSecrets,
  listServiceAccounts,
  listTokenSecrets,
} from '../../src/kube/serviceAccounts';
import { KubeError } from '../../src/errors/kubeError';
import { startTestCluster } from '../../testserver/index';
import type { TestCluster } from '../../testserver/api';
import { ClientFactory } from './kube-fixture';

describe('kube layer: listing ServiceAccounts and what surrounds them', () => {
  let cluster: TestCluster;
  let clients: ClientFactory;
  let admin: ContextClient;

  before(async () => {
    cluster = await startTestCluster({ bulk: { namespaces: 25, serviceAccountsPerNamespace: 12 } });
    clients = new ClientFactory(cluster);
    admin = clients.client();
  });
  after(async () => {
    clients.dispose();
    await cluster.close();
  });

  it('pages namespaces with limit/continue and sees each exactly once', async () => {
    const seen: string[] = [];
    let continueToken: string | undefined;
    let pages = 0;
    do {
      const page = await listNamespaces(admin, { limit: 10, continueToken });
      assert.ok(page.items.length <= 10);
      seen.push(...page.items.map((n) => n.name));
      continueToken = page.continueToken;
      pages++;
    } while (continueToken);
    assert.ok(pages >= 4, `expected several pages, got ${pages}`);
    assert.equal(new Set(seen).size, seen.length);
    for (const ns of ['default', 'demo', 'payments', 'monitoring', 'bulk-0000', 'bulk-0024']) assert.ok(seen.includes(ns), ns);
    assert.deepEqual(await getNamespace(admin, 'demo').then((n) => [n.name, n.terminating]), ['demo', false]);
  });

  it('pages ServiceAccounts of a namespace', async () => {
    const first = await listServiceAccounts(admin, 'bulk-0003', { limit: 5 });
    assert.equal(first.items.length, 5);
    assert.ok(first.continueToken);
    const rest = await listServiceAccounts(admin, 'bulk-0003', { limit: 100, continueToken: first.continueToken });
    assert.equal(rest.continueToken, undefined);
    const names = [...first.items, ...rest.items].map((s) => s.name);
    assert.ok(names.includes('sa-00') && names.includes('sa-11'));
    assert.ok(first.items.every((s) => s.uid.length > 0 && s.namespace === 'bulk-0003'));
    const all = await listAll<unknown>(admin, '/api/v1/namespaces/bulk-0003/serviceaccounts', undefined, undefined, 4);
    assert.equal(all.length, names.length);
  });

  it('lists legacy token Secrets with their tracking labels, and no data', async () => {
    const demo = await listTokenSecrets(admin, 'demo');
    const reader = demo.find((s) => s.name === 'reader-token');
    assert.equal(reader?.serviceAccount, 'reader');
    assert.equal(reader?.hasToken, true);
    assert.match(reader?.lastUsed ?? '', /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(reader?.invalidSince, undefined);
    assert.equal((reader as unknown as Record<string, unknown>).data, undefined);
    const api = (await listTokenSecrets(admin, 'payments')).find((s) => s.name === 'api-legacy-token');
    assert.match(api?.invalidSince ?? '', /^\d{4}-\d{2}-\d{2}$/);
  });

  it('lists pods, secrets and nodes for the binding pickers', async () => {
    const pods = await listPods(admin, 'demo');
    const web = pods.find((p) => p.name === 'web-0');
    assert.equal(web?.serviceAccountName, 'ci-deployer');
    assert.equal(web?.nodeName, 'node-1');
    assert.ok((await listSecrets(admin, 'demo')).some((s) => s.name === 'reader-token' && s.type === 'kubernetes.io/service-account-token'));
    assert.ok((await listNodes(admin)).some((n) => n.name === 'node-1' && n.uid.length > 0));
  });

  it('finds the bindings that apply to a ServiceAccount, directly and through groups', async () => {
    cluster.store.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'all-sas-in-demo', namespace: 'payments' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts:demo' }],
    });
    const r = await listBindingsFor(admin, { namespace: 'demo', name: 'ci-deployer' });
    assert.equal(r.roleBindingsNamespaceOnly, false);
    const direct = r.bindings.find((b) => b.name === 'ci-deployer');
    assert.deepEqual(direct, { kind: 'RoleBinding', name: 'ci-deployer', namespace: 'demo', roleRef: { kind: 'Role', name: 'ci-deployer' }, match: { via: 'serviceAccount' } });
    const viaGroup = r.bindings.find((b) => b.name === 'all-sas-in-demo');
    assert.deepEqual(viaGroup?.match, { via: 'group', group: 'system:serviceaccounts:demo' });
    assert.equal(viaGroup?.namespace, 'payments');
    assert.ok(!r.bindings.some((b) => b.name === 'jane-view'), 'a User binding for someone else does not apply');
    assert.ok(r.bindings.some((b) => b.kind === 'ClusterRoleBinding' && b.name === 'system:service-account-issuer-discovery'), 'bootstrap binding to system:serviceaccounts');
    assert.equal(r.bindings[0].match.via, 'serviceAccount', 'direct grants come first');

    const prom = await listBindingsFor(admin, { namespace: 'monitoring', name: 'prometheus' });
    assert.ok(prom.bindings.some((b) => b.kind === 'ClusterRoleBinding' && b.name === 'prometheus-view' && b.roleRef.name === 'view'));
  });

  it('falls back to the own namespace when RoleBindings cannot be listed cluster-wide', async () => {
    const rbac = 'rbac.authorization.k8s.io';
    cluster.store.create({ apiVersion: `${rbac}/v1`, kind: 'Role', metadata: { name: 'rb-reader', namespace: 'demo' }, rules: [{ apiGroups: [rbac], resources: ['rolebindings'], verbs: ['list'] }] });
    cluster.store.create({
      apiVersion: `${rbac}/v1`,
      kind: 'RoleBinding',
      metadata: { name: 'sam-rb-reader', namespace: 'demo' },
      roleRef: { apiGroup: rbac, kind: 'Role', name: 'rb-reader' },
      subjects: [{ apiGroup: rbac, kind: 'User', name: 'sam' }],
    });
    const sam = clients.client({ token: cluster.userToken('sam') });
    const r = await listBindingsFor(sam, { namespace: 'demo', name: 'ci-deployer' });
    assert.equal(r.roleBindingsNamespaceOnly, true);
    assert.ok(r.bindings.some((b) => b.name === 'ci-deployer'));
    assert.ok(!r.bindings.some((b) => b.namespace === 'payments'));
    assert.equal(r.clusterBindingsError?.kind, 'forbidden');
    assert.equal(r.clusterBindingsError?.permission?.resource, 'clusterrolebindings');

    // Without even that, the 403 names the namespaced permission.
    const nobody = clients.client({ token: cluster.userToken('nobody') });
    const e = await listBindingsFor(nobody, { namespace: 'demo', name: 'ci-deployer' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(KubeError.is(e, 'forbidden'));
    assert.equal(e.permission?.resource, 'rolebindings');
    assert.equal(e.permission?.namespace, 'demo');
  });

  it('reads a Role and a ClusterRole without server bookkeeping', async () => {
    const role = await getRole(admin, { kind: 'Role', name: 'ci-deployer' }, 'demo');
    assert.equal(role.kind, 'Role');
    assert.equal((role.metadata as Record<string, unknown>).resourceVersion, undefined);
    assert.ok(Array.isArray(role.rules));
    const view = await getRole(admin, { kind: 'ClusterRole', name: 'view' }, undefined);
    assert.equal(view.kind, 'ClusterRole');
  });
});
