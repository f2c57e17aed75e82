/**
 * What the extension's generators write (src/scaffold/generators.ts, src/rbac/rbacYaml.ts), applied
 * the way Apply sends it (server-side apply, a dry run first) by a namespace admin, the same on every
 * backend: each object passes validation and admission, and the dry run of a binding whose Role was
 * only dry-run created fails with 404, so a real apply has to create the Role first.
 */
import * as assert from 'node:assert/strict';
import * as k from '../../src/kube/index';
import { rbacObjects } from '../../src/rbac/rbacYaml';
import { projectedPodObject, rotationCronJobObjects } from '../../src/scaffold/generators';
import { forEachBackend } from './env';

type Manifest = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
/** The generators' objects, typed as what they are. */
const manifests = (objects: readonly Record<string, unknown>[]): Manifest[] => objects as unknown as Manifest[];

forEachBackend('generated manifests applied by a namespace admin', (env) => {
  const user = `diff-gen-${k.randomSuffix(4)}`;
  let nsAdmin: k.ContextClient;
  let resources: k.ApiResourceInfo[];

  const apply = (obj: Manifest, dryRun: boolean) => {
    const resource = k.resourceForKind(resources, obj.apiVersion, obj.kind) as k.ApiResourceInfo;
    return nsAdmin.request({
      method: 'PATCH',
      path: `${k.collectionPath(resource, env.ns)}/${obj.metadata.name}`,
      query: { fieldManager: 'k8s-sa-tokens', fieldValidation: 'Strict', ...(dryRun ? { dryRun: 'All' } : {}) },
      body: obj,
      headers: { 'content-type': 'application/apply-patch+yaml' },
    });
  };

  before(async () => {
    await env.serviceAccount('app');
    const rbac = `/apis/rbac.authorization.k8s.io/v1/namespaces/${env.ns}`;
    await env.admin.request({
      method: 'POST',
      path: `${rbac}/rolebindings`,
      body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'ns-admin' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }] },
    });
    nsAdmin = env.client({ contextName: 'gen-admin', user: { name: user } });
    resources = await k.listApiResources(env.admin);
    await env.eventually(() => nsAdmin.get(`/api/v1/namespaces/${env.ns}/serviceaccounts`).then(() => true, () => false), 'the namespace admin may read its namespace');
  });

  it('dry-runs and applies the rotation CronJob with its ServiceAccount, Role and RoleBinding, the Role first', async () => {
    const objects = manifests(rotationCronJobObjects({ serviceAccount: { namespace: env.ns, name: 'app' } }));
    const [sa, role, binding, cronJob] = objects;
    for (const obj of [sa, role, cronJob]) assert.equal((await apply(obj, true)).status, 201, `dry run of ${obj.kind}`);
    await assert.rejects(apply(binding, true), (e: unknown) => {
      assert.ok(k.KubeError.is(e, 'notFound'), String(e));
      assert.equal(e.message, `rolebindings.rbac.authorization.k8s.io "${role.metadata.name}" not found`);
      return true;
    });
    for (const obj of objects) {
      const res = await apply(obj, false);
      assert.deepEqual([res.status, res.warnings], [201, []], `${obj.kind} ${obj.metadata.name}`);
    }
    assert.equal((await apply(binding, false)).status, 200, 'a second apply changes nothing');
  });

  it('applies the projected-token Pod and an RBAC pair for the ServiceAccount, and refuses rules the admin does not hold', async () => {
    const [pod] = manifests([projectedPodObject({ serviceAccount: { namespace: env.ns, name: 'app' }, audience: 'vault', expirationSeconds: 7200 })]);
    assert.deepEqual([(await apply(pod, true)).status, (await apply(pod, false)).status], [201, 201]);
    const [role, binding] = manifests(rbacObjects({ name: 'app-reader', namespace: env.ns, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }], subject: { kind: 'ServiceAccount', name: 'app', namespace: env.ns } }));
    assert.equal((await apply(role, false)).status, 201);
    assert.equal((await apply(binding, false)).status, 201);
    const [nodesRole] = manifests(rbacObjects({ name: 'app-nodes', namespace: env.ns, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }], subject: { kind: 'ServiceAccount', name: 'app', namespace: env.ns } }));
    await assert.rejects(apply(nodesRole, true), (e: unknown) => {
      assert.ok(k.KubeError.is(e, 'forbidden'), String(e));
      assert.match(e.message, /is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["nodes"\], Verbs:\["get"\]\}$/);
      return true;
    });
  });
});
