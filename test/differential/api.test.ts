/**
 * Generic API machinery the extension relies on (paging, field validation, dry run, issuer discovery
 * content negotiation), the same on every backend.
 */
import * as assert from 'node:assert/strict';
import * as k from '../../src/kube/index';
import { forEachBackend } from './env';

interface ListBody {
  metadata: { continue?: string; remainingItemCount?: number };
  items: { metadata: { name: string } }[];
}

forEachBackend('API machinery', (env) => {
  const configMaps = (): string => `/api/v1/namespaces/${env.ns}/configmaps`;
  const configMap = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' }, ...extra });

  it('pages a list with limit/continue: full pages, remainingItemCount, no continue on the last page', async () => {
    const names = ['page-a', 'page-b', 'page-c', 'page-d', 'page-e'];
    for (const name of names) await env.admin.request({ method: 'POST', path: configMaps(), body: configMap(name) });
    const pages: ListBody[] = [];
    let next: string | undefined;
    do {
      const page = await env.admin.get<ListBody>(configMaps(), { limit: 2, continue: next });
      pages.push(page);
      next = page.metadata.continue || undefined;
    } while (next);
    // kube-root-ca.crt is published into every namespace by the root-ca-certificate-publisher (real) / the
    // namespace controller (test server), so it is listed with ours, in key order.
    const listed = pages.flatMap((p) => p.items.map((i) => i.metadata.name));
    assert.deepEqual(listed, ['kube-root-ca.crt', ...names].sort());
    assert.deepEqual(
      pages.map((p) => p.items.length),
      [2, 2, 2],
    );
    assert.deepEqual(
      pages.map((p) => p.metadata.remainingItemCount),
      [4, 2, undefined],
    );
  });

  it('warns about an unknown field (fieldValidation=Warn, the default) and refuses it with fieldValidation=Strict', async () => {
    const warned = await env.admin.request({ method: 'POST', path: configMaps(), body: configMap('unknown-field', { bogus: 1 }) });
    assert.equal(warned.status, 201);
    assert.deepEqual(warned.warnings, ['unknown field "bogus"']);
    await assert.rejects(env.admin.request({ method: 'POST', path: configMaps(), query: { fieldValidation: 'Strict' }, body: configMap('strict-field', { bogus: 1 }) }), (e: unknown) => {
      assert.ok(k.KubeError.is(e), String(e));
      assert.equal(e.status, 400);
      assert.match(e.message, /strict decoding error: unknown field "bogus"/);
      return true;
    });
  });

  it('creates nothing on a dry run, yet answers with the object as it would be stored', async () => {
    const res = await env.admin.request<{ metadata: { name: string; creationTimestamp?: string } }>({ method: 'POST', path: configMaps(), query: { dryRun: 'All' }, body: configMap('dry') });
    assert.equal(res.status, 201);
    assert.equal(res.body.metadata.name, 'dry');
    assert.ok(res.body.metadata.creationTimestamp, 'the answer is defaulted as a real create would be');
    await assert.rejects(env.admin.get(`${configMaps()}/dry`), (e: unknown) => k.KubeError.is(e, 'notFound'));
  });

  it('validates RBAC objects with 422: hand-written checks first, then those declarative validation owns, without detail', async () => {
    const rbac = `/apis/rbac.authorization.k8s.io/v1/namespaces/${env.ns}`;
    const invalid = (message: string) => (e: unknown) => {
      assert.ok(k.KubeError.is(e, 'invalid'), String(e));
      assert.equal(e.message, message);
      return true;
    };
    const role = (name: string, rules: unknown[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name }, rules });
    await assert.rejects(env.admin.request({ method: 'POST', path: `${rbac}/roles`, body: role('no-verbs', [{ apiGroups: [''], resources: ['pods'] }]) }), invalid('Role.rbac.authorization.k8s.io "no-verbs" is invalid: rules[0].verbs: Required value'));
    await assert.rejects(
      env.admin.request({ method: 'POST', path: `${rbac}/roles`, body: role('mixed', [{ verbs: ['get'], resources: ['pods'] }, { verbs: ['get'], nonResourceURLs: ['/x'] }]) }),
      invalid('Role.rbac.authorization.k8s.io "mixed" is invalid: [rules[0].apiGroups: Required value: resource rules must supply at least one api group, rules[1].nonResourceURLs: Invalid value: ["/x"]: namespaced rules cannot apply to non-resource URLs]'),
    );
    const binding = (name: string, roleRef: Record<string, unknown>, subjects: unknown[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name }, roleRef, subjects });
    await assert.rejects(
      env.admin.request({ method: 'POST', path: `${rbac}/rolebindings`, body: binding('subjects', { kind: 'Role', name: 'x' }, [{ kind: 'ServiceAccount', name: 'x' }, { kind: 'User', name: '' }, { kind: 'Robot', name: 'r' }]) }),
      invalid('RoleBinding.rbac.authorization.k8s.io "subjects" is invalid: [subjects[2].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group", subjects[1].name: Required value]'),
    );
    // roleRef.apiGroup and a User's apiGroup are defaulted; roleRef cannot change afterwards.
    const created = await env.admin.request<{ roleRef: Record<string, string>; subjects: Record<string, string>[] }>({ method: 'POST', path: `${rbac}/rolebindings`, body: binding('fixed', { kind: 'Role', name: 'x' }, [{ kind: 'User', name: 'jane' }]) });
    assert.deepEqual([created.body.roleRef.apiGroup, created.body.subjects[0].apiGroup], ['rbac.authorization.k8s.io', 'rbac.authorization.k8s.io']);
    await assert.rejects(
      env.admin.request({ method: 'PATCH', path: `${rbac}/rolebindings/fixed`, body: { roleRef: { name: 'y' } }, headers: { 'content-type': 'application/merge-patch+json' } }),
      invalid('RoleBinding.rbac.authorization.k8s.io "fixed" is invalid: roleRef: Invalid value: {"APIGroup":"rbac.authorization.k8s.io","Kind":"Role","Name":"y"}: field is immutable'),
    );
    await assert.rejects(
      env.admin.request({ method: 'POST', path: `${rbac}/roles`, query: { fieldValidation: 'Strict' }, body: role('typo', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'], verbz: ['get'] }]) }),
      (e: unknown) => k.KubeError.is(e, 'badRequest') && e.message === 'Role in version "v1" cannot be handled as a Role: strict decoding error: unknown field "rules[0].verbz"',
    );
  });

  it('dry-runs updates and deletes without changing anything, and still answers 409 for a name in use', async () => {
    await env.admin.request({ method: 'POST', path: configMaps(), body: configMap('kept') });
    const updated = await env.admin.request<{ data: Record<string, string> }>({ method: 'PUT', path: `${configMaps()}/kept`, query: { dryRun: 'All' }, body: configMap('kept', { data: { k: 'changed' } }) });
    assert.deepEqual(updated.body.data, { k: 'changed' });
    await env.admin.request({ method: 'DELETE', path: `${configMaps()}/kept`, query: { dryRun: 'All' } });
    assert.deepEqual((await env.admin.get<{ data: Record<string, string> }>(`${configMaps()}/kept`)).data, { k: 'v' });
    await assert.rejects(env.admin.request({ method: 'POST', path: configMaps(), query: { dryRun: 'All' }, body: configMap('kept') }), (e: unknown) => {
      assert.ok(k.KubeError.is(e, 'conflict'), String(e));
      assert.equal(e.message, 'configmaps "kept" already exists');
      return true;
    });
  });

  it('serves the JWKS only to an Accept naming application/jwk-set+json (406 to application/json)', async () => {
    await assert.rejects(env.admin.request({ method: 'GET', path: '/openid/v1/jwks', headers: { accept: 'application/json' } }), (e: unknown) => {
      assert.ok(k.KubeError.is(e), String(e));
      assert.equal(e.status, 406);
      assert.match(e.message, /Available representations: application\/jwk-set\+json/);
      return true;
    });
    const ok = await env.admin.request<{ keys: unknown[] }>({ method: 'GET', path: '/openid/v1/jwks', headers: { accept: 'application/jwk-set+json' } });
    assert.equal(ok.headers['content-type'], 'application/jwk-set+json');
    assert.ok(ok.body.keys.length >= 1);
  });
});

forEachBackend(
  'list paging after compaction',
  (env) => {
    it('answers a continue token from before a compaction with 410 Expired and a fresh token that lists the rest', async () => {
      const secrets = `/api/v1/namespaces/${env.ns}/secrets`;
      for (const name of ['pg-1', 'pg-2', 'pg-3', 'pg-4']) await env.admin.request({ method: 'POST', path: secrets, body: { apiVersion: 'v1', kind: 'Secret', metadata: { name } } });
      const first = await env.admin.get<ListBody>(secrets, { limit: 2 });
      const stale = first.metadata.continue ?? '';
      assert.deepEqual(first.items.map((i) => i.metadata.name), ['pg-1', 'pg-2']);
      // A change after the first page, then compaction of every revision so far.
      await env.admin.request({ method: 'POST', path: secrets, body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pg-5' } } });
      await env.compactStorage();
      let expired: k.KubeError | undefined;
      // kube-apiserver serves the page from its watch cache until the cache learns of the compaction (up to 15 s).
      await env.eventually(async () => {
        expired = await env.admin.get(secrets, { limit: 2, continue: stale }).then(() => undefined, (e: unknown) => (k.KubeError.is(e) ? e : undefined));
        return expired !== undefined;
      }, 'the old continue token expires');
      const e = expired as k.KubeError;
      assert.equal(e.status, 410);
      assert.equal(e.body?.reason, 'Expired');
      assert.match(e.message, /^The provided continue parameter is too old to display a consistent list result\. You can start a new list without the continue parameter, or use the continue token in this response/);
      const fresh = (e.body as { metadata?: { continue?: string } }).metadata?.continue;
      assert.ok(fresh, 'the Status carries a fresh continue token');
      const rest = await env.admin.get<ListBody>(secrets, { limit: 10, continue: fresh });
      assert.deepEqual(rest.items.map((i) => i.metadata.name), ['pg-3', 'pg-4', 'pg-5'], 'the fresh token continues after the last item seen, at the latest state');
    });
  },
  { only: ['testserver', 'kube-apiserver'] },
);
