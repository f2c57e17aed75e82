/**
 * The test server's REST surface: discovery, issuer discovery RBAC, access reviews, impersonation,
 * CRUD semantics, validation messages and watch.
 */
import * as assert from 'node:assert/strict';
import { request } from 'node:https';
import type { TestCluster } from '../../testserver/api';
import { startTestCluster } from '../../testserver/index';
import { call, JWKS_ACCEPT, mint, tokenRequest } from './testserver-helpers';

const rbacGroup = 'rbac.authorization.k8s.io';

function ssar(cluster: TestCluster, spec: Record<string, unknown>, opts: { token?: string; headers?: Record<string, string> } = {}): ReturnType<typeof call> {
  return call(cluster, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { ...opts, body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec } });
}

describe('test server: discovery and issuer discovery', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(() => cluster.close());

  it('lists serviceaccounts/token in /api/v1 exactly like kube-apiserver', async () => {
    const res = await call(cluster, 'GET', '/api/v1');
    assert.equal(res.body.kind, 'APIResourceList');
    const entries = res.body.resources as Record<string, unknown>[];
    const token = entries.find((r) => r.name === 'serviceaccounts/token');
    assert.equal(
      JSON.stringify(token),
      '{"name":"serviceaccounts/token","singularName":"","namespaced":true,"group":"authentication.k8s.io","version":"v1","kind":"TokenRequest","verbs":["create"]}',
    );
    const groups = await call(cluster, 'GET', '/apis');
    assert.ok((groups.body.groups as { name: string }[]).some((g) => g.name === rbacGroup));
    const rbac = await call(cluster, 'GET', `/apis/${rbacGroup}/v1`);
    assert.deepEqual((rbac.body.resources as { name: string }[]).map((r) => r.name).sort(), ['clusterrolebindings', 'clusterroles', 'rolebindings', 'roles']);
  });

  it('answers the aggregated discovery Accept with apidiscovery.k8s.io/v2', async () => {
    const res = await call(cluster, 'GET', '/api', { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' } });
    assert.equal(res.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const versions = (res.body.items as { versions: { resources: Record<string, unknown>[] }[] }[])[0].versions;
    const sa = versions[0].resources.find((r) => r.resource === 'serviceaccounts');
    assert.deepEqual(sa?.subresources, [{ subresource: 'token', responseKind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, verbs: ['create'] }]);
  });

  it('serves /version and 404s unknown paths as plain text', async () => {
    assert.equal((await call(cluster, 'GET', '/version')).body.gitVersion, 'v1.34.1');
    const missing = await call(cluster, 'GET', '/.well-known');
    assert.equal(missing.status, 404);
    assert.equal(missing.text, '404 page not found\n');
    assert.equal((await call(cluster, 'GET', '/openid/v1/jwks/foo')).status, 404);
  });

  it('protects OIDC discovery: anonymous 403, ServiceAccounts allowed, headers per the reference', async () => {
    const anon = await call(cluster, 'GET', '/.well-known/openid-configuration', { token: null });
    assert.equal(anon.status, 403);
    assert.equal(anon.text, '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User \\"system:anonymous\\" cannot get path \\"/.well-known/openid-configuration\\"","reason":"Forbidden","details":{},"code":403}');
    const saToken = await mint(cluster, 'payments', 'worker');
    const config = await call(cluster, 'GET', '/.well-known/openid-configuration?x=1', { token: saToken });
    assert.equal(config.status, 200);
    assert.equal(config.headers['content-type'], 'application/json');
    assert.equal(config.headers['cache-control'], 'public, max-age=3600');
    const asJson = await call(cluster, 'GET', '/openid/v1/jwks', { token: saToken });
    assert.equal(asJson.status, 406);
    assert.equal(asJson.text, '406: Not Acceptable\n\nAvailable representations: application/jwk-set+json');
    const jwks = await call(cluster, 'GET', '/openid/v1/jwks', { token: saToken, headers: JWKS_ACCEPT });
    assert.equal(jwks.status, 200);
    assert.equal(jwks.headers['content-type'], 'application/jwk-set+json');
    assert.equal(jwks.headers['cache-control'], 'public, max-age=3600');
    const jane = await call(cluster, 'GET', '/openid/v1/jwks', { token: cluster.userToken('jane'), headers: JWKS_ACCEPT });
    assert.equal(jane.status, 403);
  });
});

describe('test server: access reviews and impersonation', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(() => cluster.close());

  it('explains allows with the RBAC reason strings', async () => {
    const rb = await ssar(cluster, { resourceAttributes: { namespace: 'demo', verb: 'create', resource: 'serviceaccounts', subresource: 'token' } }, { headers: { 'Impersonate-User': 'system:serviceaccount:demo:ci-deployer' } });
    assert.equal(rb.status, 201);
    assert.deepEqual(rb.body.status, { allowed: true, reason: 'RBAC: allowed by RoleBinding "ci-deployer/demo" of Role "ci-deployer" to ServiceAccount "ci-deployer/demo"' });
    const crb = await ssar(cluster, { resourceAttributes: { namespace: 'payments', verb: 'list', resource: 'pods' } }, { headers: { 'Impersonate-User': 'system:serviceaccount:monitoring:prometheus' } });
    assert.deepEqual(crb.body.status, { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "prometheus-view" of ClusterRole "view" to ServiceAccount "prometheus/monitoring"' });
    const denied = await ssar(cluster, { resourceAttributes: { namespace: 'demo', verb: 'get', resource: 'secrets' } }, { token: cluster.userToken('jane') });
    assert.deepEqual(denied.body.status, { allowed: false });
    const nonResource = await ssar(cluster, { nonResourceAttributes: { path: '/openid/v1/jwks', verb: 'get' } }, { headers: { 'Impersonate-User': 'system:serviceaccount:demo:reader' } });
    assert.equal((nonResource.body.status as { reason: string }).reason, 'RBAC: allowed by ClusterRoleBinding "system:service-account-issuer-discovery" of ClusterRole "system:service-account-issuer-discovery" to Group "system:serviceaccounts"');
  });

  it('validates that exactly one attribute block is sent', async () => {
    const res = await ssar(cluster, {});
    assert.equal(res.status, 422);
    // v1.37 reports the union on `spec`, under the Kind the decoded object no longer has (NewInvalid(Kind(""), ...)).
    assert.equal(res.body.message, '.authorization.k8s.io "" is invalid: spec: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified');
  });

  it('SubjectAccessReview does not derive groups from a ServiceAccount username', async () => {
    const sar = (spec: Record<string, unknown>): ReturnType<typeof call> =>
      call(cluster, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec } });
    const attrs = { nonResourceAttributes: { path: '/.well-known/openid-configuration', verb: 'get' } };
    const bare = await sar({ ...attrs, user: 'system:serviceaccount:demo:reader' });
    assert.equal((bare.body.status as { allowed: boolean }).allowed, false);
    const withGroups = await sar({ ...attrs, user: 'system:serviceaccount:demo:reader', groups: ['system:serviceaccounts', 'system:serviceaccounts:demo', 'system:authenticated'] });
    assert.equal((withGroups.body.status as { allowed: boolean }).allowed, true);
    const none = await sar(attrs);
    assert.equal(none.body.message, '.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
    const jane = await call(cluster, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { token: cluster.userToken('jane'), body: { spec: { ...attrs, user: 'x' } } });
    assert.equal(jane.body.message, 'subjectaccessreviews.authorization.k8s.io is forbidden: User "jane" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope');
  });

  it('LocalSubjectAccessReview needs the namespace of the path in its resource attributes', async () => {
    // ValidateLocalSubjectAccessReview compares spec.resourceAttributes.namespace with the path's
    // namespace as is: an empty one is refused, not filled in (checked against kube-apiserver v1.37).
    const lsar = (resourceAttributes: Record<string, unknown>): ReturnType<typeof call> =>
      call(cluster, 'POST', '/apis/authorization.k8s.io/v1/namespaces/demo/localsubjectaccessreviews', {
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', spec: { user: 'jane', resourceAttributes } },
      });
    const res = await lsar({ namespace: 'demo', verb: 'list', resource: 'pods' });
    assert.equal(res.status, 201);
    assert.equal((res.body.status as { allowed: boolean }).allowed, true);
    const missing = await lsar({ verb: 'list', resource: 'pods' });
    assert.equal(missing.status, 422);
    assert.equal(missing.body.message, '.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "": must match metadata.namespace');
  });

  it('SelfSubjectRulesReview needs a namespace and lists the rules', async () => {
    const missing = await call(cluster, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { body: { spec: {} } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.message, 'no namespace on request');
    const res = await call(cluster, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { token: cluster.userToken('jane'), body: { spec: { namespace: 'demo' } } });
    assert.deepEqual(res.body.spec, {});
    const st = res.body.status as { resourceRules: { resources?: string[] }[]; incomplete: boolean };
    assert.equal(st.incomplete, false);
    assert.ok(st.resourceRules.some((r) => r.resources?.includes('pods')));
    assert.ok(st.resourceRules.some((r) => r.resources?.includes('selfsubjectaccessreviews')));
  });

  it('impersonates ServiceAccounts with their groups, users with system:authenticated, and rejects groups alone', async () => {
    const review = (headers: Record<string, string | string[]>, token?: string): ReturnType<typeof call> =>
      call(cluster, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { headers, token, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    const sa = await review({ 'Impersonate-User': 'system:serviceaccount:demo:anything' });
    assert.deepEqual(sa.body.status, { userInfo: { username: 'system:serviceaccount:demo:anything', groups: ['system:serviceaccounts', 'system:serviceaccounts:demo', 'system:authenticated'] } });
    const user = await review({ 'Impersonate-User': 'bob', 'Impersonate-Group': ['team-a', 'team-b'], 'Impersonate-Uid': 'u-1' });
    assert.deepEqual(user.body.status, { userInfo: { username: 'bob', uid: 'u-1', groups: ['team-a', 'team-b', 'system:authenticated'] } });
    const groupsOnly = await review({ 'Impersonate-Group': 'team-a' });
    assert.equal(groupsOnly.status, 400);
    assert.equal(groupsOnly.body.message, 'requested &user.DefaultInfo{Name:"", UID:"", Groups:[]string{"team-a"}, Extra:map[string][]string(nil)} without impersonating a user name');
    // v1.35+ constrained impersonation: the user-info mode is tried first and its refusal is the answer.
    const denied = await review({ 'Impersonate-User': 'admin' }, cluster.userToken('jane'));
    assert.equal(denied.body.message, 'selfsubjectreviews.authentication.k8s.io is forbidden: User "jane" cannot impersonate-on:user-info:create resource "selfsubjectreviews" in API group "authentication.k8s.io" at the cluster scope');
  });
});

describe('test server: objects', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(() => cluster.close());

  const sa = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, ...extra } });

  it('creates with 201, refuses duplicates with 409 and reports 404s', async () => {
    const created = await call(cluster, 'POST', '/api/v1/namespaces/demo/serviceaccounts', { body: sa('builder') });
    assert.equal(created.status, 201);
    const dup = await call(cluster, 'POST', '/api/v1/namespaces/demo/serviceaccounts', { body: sa('builder') });
    assert.equal(dup.text, '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"serviceaccounts \\"builder\\" already exists","reason":"AlreadyExists","details":{"name":"builder","kind":"serviceaccounts"},"code":409}');
    const role = { apiVersion: `${rbacGroup}/v1`, kind: 'Role', metadata: { name: 'r' }, rules: [] };
    await call(cluster, 'POST', `/apis/${rbacGroup}/v1/namespaces/demo/roles`, { body: role });
    const dupRole = await call(cluster, 'POST', `/apis/${rbacGroup}/v1/namespaces/demo/roles`, { body: role });
    assert.deepEqual(dupRole.body.details, { name: 'r', group: rbacGroup, kind: 'roles' });
    assert.equal(dupRole.body.message, 'roles.rbac.authorization.k8s.io "r" already exists');
    const missing = await call(cluster, 'GET', '/api/v1/namespaces/demo/serviceaccounts/none');
    assert.equal(missing.body.message, 'serviceaccounts "none" not found');
    const noNs = await call(cluster, 'POST', '/api/v1/namespaces/ghost/serviceaccounts', { body: sa('x') });
    assert.equal(noNs.status, 404);
    assert.equal(noNs.body.message, 'namespaces "ghost" not found');
    const badName = await call(cluster, 'POST', '/api/v1/namespaces/demo/serviceaccounts', { body: sa('Bad_Name') });
    assert.equal(badName.status, 422);
    assert.match(String(badName.body.message), /^ServiceAccount "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
  });

  it('dryRun=All validates and authorizes without persisting', async () => {
    const res = await call(cluster, 'POST', '/api/v1/namespaces/demo/serviceaccounts?dryRun=All', { body: sa('dry') });
    assert.equal(res.status, 201);
    assert.ok((res.body.metadata as { uid: string }).uid);
    assert.equal(cluster.store.get('v1', 'ServiceAccount', 'dry', 'demo'), undefined);
    const forbidden = await call(cluster, 'POST', '/api/v1/namespaces/demo/serviceaccounts?dryRun=All', { body: sa('dry'), token: cluster.userToken('jane') });
    assert.equal(forbidden.status, 403);
  });

  it('updates with resourceVersion preconditions and patches (merge and JSON patch)', async () => {
    const current = (await call(cluster, 'GET', '/api/v1/namespaces/demo/serviceaccounts/reader')).body as { metadata: { resourceVersion: string; labels?: Record<string, string> } };
    const stale = { ...current, metadata: { ...current.metadata, resourceVersion: '1' } };
    const conflict = await call(cluster, 'PUT', '/api/v1/namespaces/demo/serviceaccounts/reader', { body: stale });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.message, 'Operation cannot be fulfilled on serviceaccounts "reader": the object has been modified; please apply your changes to the latest version and try again');
    const merged = await call(cluster, 'PATCH', '/api/v1/namespaces/demo/serviceaccounts/reader', { body: { metadata: { labels: { team: 'a' } } }, headers: { 'Content-Type': 'application/merge-patch+json' } });
    assert.equal(merged.status, 200);
    assert.deepEqual((merged.body.metadata as { labels: Record<string, string> }).labels, { team: 'a' });
    assert.notEqual((merged.body.metadata as { resourceVersion: string }).resourceVersion, current.metadata.resourceVersion);
    const jsonPatch = await call(cluster, 'PATCH', '/api/v1/namespaces/demo/serviceaccounts/reader', {
      body: [{ op: 'add', path: '/metadata/annotations', value: { note: 'x' } }, { op: 'remove', path: '/metadata/labels/team' }],
      headers: { 'Content-Type': 'application/json-patch+json' },
    });
    assert.equal(jsonPatch.status, 200);
    assert.deepEqual((jsonPatch.body.metadata as { annotations: Record<string, string> }).annotations, { note: 'x' });
  });

  it('gives every new namespace kube-root-ca.crt and a default ServiceAccount; deleting it removes the contents', async () => {
    const ns = await call(cluster, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh' } } });
    assert.equal(ns.status, 201);
    assert.deepEqual(ns.body.status, { phase: 'Active' });
    const cm = cluster.store.get('v1', 'ConfigMap', 'kube-root-ca.crt', 'fresh');
    assert.equal((cm?.data as Record<string, string>)['ca.crt'], cluster.caPem);
    assert.ok(cluster.store.get('v1', 'ServiceAccount', 'default', 'fresh'));
    const del = await call(cluster, 'DELETE', '/api/v1/namespaces/fresh');
    assert.equal((del.body.status as { phase: string }).phase, 'Terminating');
    assert.equal(cluster.store.list('v1', 'ServiceAccount', 'fresh').length, 0);
    assert.equal((await tokenRequest(cluster, 'fresh', 'default')).body.message, 'namespaces "fresh" not found');
  });

  it('validates projected serviceAccountToken volumes with the reference messages', async () => {
    const pod = (sources: unknown[]): Record<string, unknown> => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { serviceAccountName: 'reader', containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'tok', projected: { sources } }] },
    });
    const short = await call(cluster, 'POST', '/api/v1/namespaces/demo/pods', { body: pod([{ serviceAccountToken: { path: 'token', expirationSeconds: 60 } }]) });
    assert.equal(short.status, 422);
    assert.equal(short.body.message, 'Pod "p" is invalid: spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
    const noPath = await call(cluster, 'POST', '/api/v1/namespaces/demo/pods', { body: pod([{ serviceAccountToken: { audience: 'vault' } }]) });
    assert.equal(noPath.body.message, 'Pod "p" is invalid: spec.volumes[0].projected.path: Required value');
    const abs = await call(cluster, 'POST', '/api/v1/namespaces/demo/pods', { body: pod([{ serviceAccountToken: { path: '/etc/token' } }]) });
    assert.equal(abs.body.message, 'Pod "p" is invalid: spec.volumes[0].projected.path: Invalid value: "/etc/token": must be a relative path');
    const ok = await call(cluster, 'POST', '/api/v1/namespaces/demo/pods', { body: pod([{ serviceAccountToken: { path: 'token', audience: 'vault' } }]) });
    assert.equal(ok.status, 201);
    const volumes = (ok.body.spec as { volumes: { name: string; projected: { defaultMode: number; sources: { serviceAccountToken?: { expirationSeconds: number } }[] } }[] }).volumes;
    assert.equal(volumes[0].projected.sources[0].serviceAccountToken?.expirationSeconds, 3600);
    assert.equal(volumes[0].projected.defaultMode, 420);
    assert.match(volumes[1].name, /^kube-api-access-[bcdfghj-np-tvwxz24-9]{5}$/);
    const noSa = await call(cluster, 'POST', '/api/v1/namespaces/demo/pods', { body: { ...pod([]), metadata: { name: 'q' }, spec: { serviceAccountName: 'ghost', containers: [] } } });
    assert.equal(noSa.body.message, 'pods "q" is forbidden: error looking up service account demo/ghost: serviceaccount "ghost" not found');
  });

  it('streams watch events from a resourceVersion', async () => {
    const list = await call(cluster, 'GET', '/api/v1/namespaces/demo/serviceaccounts');
    const rv = String((list.body.metadata as { resourceVersion: string }).resourceVersion);
    const lines: { type: string; object: { metadata: { name: string } } }[] = [];
    const req = request(new URL(`/api/v1/namespaces/demo/serviceaccounts?watch=true&resourceVersion=${rv}`, cluster.url), { ca: cluster.caPem, headers: { Authorization: `Bearer ${cluster.adminToken}` } });
    let gotTwo: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (gotTwo = resolve));
    // The server subscribes before it sends the response head, so changes made after it arrives are seen.
    const subscribed = new Promise<void>((resolve, reject) => {
      req.on('error', reject);
      req.on('response', (res) => {
        resolve();
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString();
          for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
            lines.push(JSON.parse(buf.slice(0, i)));
            buf = buf.slice(i + 1);
          }
          if (lines.length >= 2) gotTwo();
        });
      });
    });
    req.end();
    try {
      await subscribed;
      cluster.store.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'watched', namespace: 'demo' } });
      cluster.store.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'elsewhere', namespace: 'payments' } });
      cluster.store.delete('v1', 'ServiceAccount', 'watched', 'demo');
      await done;
    } finally {
      req.destroy();
    }
    assert.deepEqual(lines.map((l) => `${l.type} ${l.object.metadata.name}`), ['ADDED watched', 'DELETED watched']);
  });

  it('stores Jobs, CronJobs, Deployments and NetworkPolicies generically', async () => {
    for (const [path, kind, apiVersion] of [
      ['/apis/batch/v1/namespaces/demo/jobs', 'Job', 'batch/v1'],
      ['/apis/batch/v1/namespaces/demo/cronjobs', 'CronJob', 'batch/v1'],
      ['/apis/apps/v1/namespaces/demo/deployments', 'Deployment', 'apps/v1'],
      ['/apis/networking.k8s.io/v1/namespaces/demo/networkpolicies', 'NetworkPolicy', 'networking.k8s.io/v1'],
    ]) {
      const res = await call(cluster, 'POST', path, { body: { apiVersion, kind, metadata: { name: 'x' }, spec: { any: 'thing' } } });
      assert.equal(res.status, 201, `${kind}: ${res.text}`);
      assert.deepEqual(res.body.spec, { any: 'thing' });
      assert.equal(((await call(cluster, 'GET', path)).body.items as unknown[]).length, 1);
    }
  });
});
