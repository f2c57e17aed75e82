/**
 * Server-side apply and the other patch types, the same on every backend: managedFields ownership,
 * conflicts with their managers, force, pruning, dry run, the typed-conversion error for unknown
 * fields, strategic merge of associative lists, and field validation of patches.
 */
import * as assert from 'node:assert/strict';
import * as k from '../../src/kube/index';
import { forEachBackend } from './env';

const APPLY = 'application/apply-patch+yaml';

interface Managed {
  manager: string;
  operation: string;
  apiVersion: string;
  time?: string;
  fieldsType: string;
  fieldsV1: Record<string, unknown>;
}
interface Obj {
  metadata: { name: string; resourceVersion?: string; labels?: Record<string, string>; managedFields?: Managed[] };
  data?: Record<string, string>;
  [k: string]: unknown;
}

/** managedFields without their times (the clock differs), in order. */
const owners = (o: Obj): Omit<Managed, 'time'>[] => (o.metadata.managedFields ?? []).map(({ time: _t, ...rest }) => rest);

forEachBackend('server-side apply and patches', (env) => {
  const cm = (name: string): string => `/api/v1/namespaces/${env.ns}/configmaps/${name}`;
  const apply = (path: string, manager: string | undefined, body: Record<string, unknown>, query: Record<string, string> = {}) =>
    env.admin.request<Obj>({ method: 'PATCH', path, query: { ...(manager ? { fieldManager: manager } : {}), ...query }, body, headers: { 'content-type': APPLY } });
  const configMap = (name: string, data: Record<string, string>, labels?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: labels ? { name, labels } : { name }, data });
  const rejects409 = async (p: Promise<unknown>, message: string, causes: { reason: string; message: string; field: string }[]): Promise<void> => {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(k.KubeError.is(e, 'conflict'), String(e));
      assert.equal(e.message, message);
      assert.deepEqual(e.body?.details?.causes, causes);
      return true;
    });
  };

  it('creates an object with 201 and owns exactly the applied fields (operation Apply)', async () => {
    const res = await apply(cm('owned'), 'alpha', configMap('owned', { k: 'v', x: '1' }, { a: '1' }));
    assert.equal(res.status, 201);
    assert.deepEqual(res.body.data, { k: 'v', x: '1' });
    assert.deepEqual(owners(res.body), [{ manager: 'alpha', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:k': {}, 'f:x': {} }, 'f:metadata': { 'f:labels': { 'f:a': {} } } } }]);
    assert.ok(res.body.metadata.managedFields?.[0].time, 'an apply that changed the object records its time');
  });

  it('refuses another manager changing owned fields with 409 and one cause per field, then takes them with force=true', async () => {
    await apply(cm('contested'), 'alpha', configMap('contested', { k: 'v', x: '1' }, { a: '1' }));
    await rejects409(apply(cm('contested'), 'beta', configMap('contested', { k: 'other', x: '2', y: '3' })), 'Apply failed with 2 conflicts: conflicts with "alpha":\n- .data.k\n- .data.x', [
      { reason: 'FieldManagerConflict', message: 'conflict with "alpha"', field: '.data.k' },
      { reason: 'FieldManagerConflict', message: 'conflict with "alpha"', field: '.data.x' },
    ]);
    const forced = await apply(cm('contested'), 'beta', configMap('contested', { k: 'other', y: '3' }), { force: 'true' });
    assert.equal(forced.status, 200);
    assert.deepEqual(forced.body.data, { k: 'other', x: '1', y: '3' });
    assert.deepEqual(
      owners(forced.body).map((m) => [m.manager, m.fieldsV1]),
      [
        ['alpha', { 'f:data': { 'f:x': {} }, 'f:metadata': { 'f:labels': { 'f:a': {} } } }],
        ['beta', { 'f:data': { 'f:k': {}, 'f:y': {} } }],
      ],
    );
    // alpha applies again without its fields: what only it owned is pruned, and it owns nothing.
    const pruned = await apply(cm('contested'), 'alpha', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'contested' } });
    assert.deepEqual(pruned.body.data, { k: 'other', y: '3' });
    assert.equal(pruned.body.metadata.labels, undefined);
    assert.deepEqual(owners(pruned.body).map((m) => m.manager), ['beta']);
  });

  it('names an Update manager with its apiVersion in a conflict, and shares a field applied with the same value', async () => {
    await env.admin.request({ method: 'POST', path: `/api/v1/namespaces/${env.ns}/configmaps`, query: { fieldManager: 'kubectl-create' }, body: configMap('created', { k: 'v' }) });
    const created = await env.admin.get<Obj>(cm('created'));
    assert.deepEqual(owners(created), [{ manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:k': {} } } }]);
    await rejects409(apply(cm('created'), 'k8s-sa-tokens', configMap('created', { k: 'w' })), 'Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .data.k', [
      { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-create" using v1', field: '.data.k' },
    ]);
    const shared = await apply(cm('created'), 'k8s-sa-tokens', configMap('created', { k: 'v' }));
    assert.deepEqual(
      shared.body.metadata.managedFields?.map((m) => [m.manager, m.operation, m.time === undefined, m.fieldsV1]),
      [
        // Nothing changed, so the new applier gets no time.
        ['k8s-sa-tokens', 'Apply', true, { 'f:data': { 'f:k': {} } }],
        ['kubectl-create', 'Update', false, { 'f:data': { '.': {}, 'f:k': {} } }],
      ],
    );
  });

  it('requires a fieldManager (422 on PatchOptions)', async () => {
    await assert.rejects(apply(cm('nameless'), undefined, configMap('nameless', { k: 'v' })), (e: unknown) => {
      assert.ok(k.KubeError.is(e, 'invalid'), String(e));
      assert.equal(e.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
      return true;
    });
  });

  it('answers a dry-run apply like a create without storing anything', async () => {
    const res = await apply(cm('dry-apply'), 'k8s-sa-tokens', configMap('dry-apply', { k: 'v' }), { dryRun: 'All' });
    assert.equal(res.status, 201);
    assert.equal(res.body.metadata.resourceVersion, undefined);
    assert.deepEqual(owners(res.body).map((m) => [m.manager, m.fieldsV1]), [['k8s-sa-tokens', { 'f:data': { 'f:k': {} } }]]);
    await assert.rejects(env.admin.get(cm('dry-apply')), (e: unknown) => k.KubeError.is(e, 'notFound'));
  });

  it('fails the typed conversion of an unknown field with 500, whatever fieldValidation says', async () => {
    for (const fieldValidation of ['Ignore', 'Warn', 'Strict']) {
      await assert.rejects(apply(cm('typo'), 'k8s-sa-tokens', { ...configMap('typo', { k: 'v' }), extra: 1 }, { fieldValidation }), (e: unknown) => {
        assert.ok(k.KubeError.is(e, 'server'), String(e));
        assert.equal(e.message, 'failed to create typed patch object (/typo; /v1, Kind=ConfigMap): .extra: field not declared in schema');
        return true;
      });
    }
  });

  it('applies RBAC objects with their atomic lists and maps (rules, subjects, roleRef)', async () => {
    const rbac = `/apis/rbac.authorization.k8s.io/v1/namespaces/${env.ns}`;
    const role = await apply(`${rbac}/roles/applied`, 'k8s-sa-tokens', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'applied' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
    });
    assert.deepEqual(owners(role.body)[0].fieldsV1, { 'f:rules': {} });
    const binding = await apply(`${rbac}/rolebindings/applied`, 'k8s-sa-tokens', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'applied' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'applied' },
      subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: env.ns }],
    });
    assert.equal(binding.status, 201);
    assert.deepEqual(owners(binding.body)[0].fieldsV1, { 'f:roleRef': {}, 'f:subjects': {} });
  });

  it('merges associative lists by key: two managers each own their container', async () => {
    const deployment = (name: string, container: { name: string; image: string }) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [container] } } },
    });
    const path = `/apis/apps/v1/namespaces/${env.ns}/deployments/web`;
    await apply(path, 'team-app', deployment('web', { name: 'app', image: 'registry.example/app:1' }));
    const res = await apply(path, 'team-mesh', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'registry.example/mesh:1' }] } } } });
    const spec = res.body.spec as { template: { spec: { containers: { name: string }[] } } };
    assert.deepEqual(spec.template.spec.containers.map((c) => c.name), ['app', 'sidecar']);
    const mesh = owners(res.body).find((m) => m.manager === 'team-mesh');
    assert.deepEqual(mesh?.fieldsV1, { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"sidecar"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } } });
  });

  it('patches a container by its merge key with a strategic merge patch, keeping the others', async () => {
    const path = `/apis/apps/v1/namespaces/${env.ns}/deployments/smp`;
    await apply(path, 'team-app', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'smp' },
      spec: { selector: { matchLabels: { app: 'smp' } }, template: { metadata: { labels: { app: 'smp' } }, spec: { containers: [{ name: 'app', image: 'a:1' }, { name: 'log', image: 'l:1' }] } } },
    });
    const res = await env.admin.request<Obj>({ method: 'PATCH', path, body: { spec: { template: { spec: { containers: [{ name: 'log', image: 'l:2' }] } } } }, headers: { 'content-type': 'application/strategic-merge-patch+json' } });
    const spec = res.body.spec as { template: { spec: { containers: { name: string; image: string }[] } } };
    assert.deepEqual(spec.template.spec.containers.map((c) => [c.name, c.image]), [['app', 'a:1'], ['log', 'l:2']]);
  });

  it('warns about unknown fields of a merge or JSON patch, refuses them with Strict, and answers 415 to an unknown patch type', async () => {
    await env.admin.request({ method: 'POST', path: `/api/v1/namespaces/${env.ns}/configmaps`, body: configMap('patched', { k: 'v' }) });
    const merge = await env.admin.request({ method: 'PATCH', path: cm('patched'), body: { metadata: { bogus: 1 }, extra: 2 }, headers: { 'content-type': 'application/merge-patch+json' } });
    assert.deepEqual(merge.warnings, ['unknown field "extra"', 'unknown field "metadata.bogus"']);
    const jsonPatch = await env.admin.request({ method: 'PATCH', path: cm('patched'), body: [{ op: 'add', path: '/extra', value: 2 }], headers: { 'content-type': 'application/json-patch+json' } });
    assert.deepEqual(jsonPatch.warnings, ['unknown field "extra"']);
    await assert.rejects(
      env.admin.request({ method: 'PATCH', path: cm('patched'), query: { fieldValidation: 'Strict' }, body: { extra: 2 }, headers: { 'content-type': 'application/strategic-merge-patch+json' } }),
      (e: unknown) => {
        assert.ok(k.KubeError.is(e, 'invalid'), String(e));
        assert.equal(e.message, ' "" is invalid: patch: Invalid value: "map[extra:2]": strict decoding error: unknown field "extra"');
        return true;
      },
    );
    await assert.rejects(env.admin.request({ method: 'PATCH', path: cm('patched'), body: { data: { a: 'b' } }, headers: { 'content-type': 'application/json' } }), (e: unknown) => {
      assert.ok(k.KubeError.is(e), String(e));
      assert.equal(e.status, 415);
      assert.equal(e.message, '415: Unsupported Media Type');
      return true;
    });
  });
});
