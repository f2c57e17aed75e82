/**
 * The extension's cluster layer (src/kube) against each backend (env.ts, backends.ts), asserting only
 * documented kube-apiserver behaviour: the test server in the unit tier, the real kube-apiserver in
 * `npm run test:real`, or any cluster with `K8S_TOKENS_CLUSTER_KUBECONFIG=~/.kube/config npm run
 * test:cluster` (admin-like rights; `kubectl` on PATH checks the exported kubeconfig).
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as k from '../../src/kube/index';
import { buildKubeconfig } from '../../src/tokens/kubeconfigExport';
import { claimsOf } from '../server/kube-fixture';
import { forEachBackend } from './env';

const execFileP = promisify(execFile);

forEachBackend('cluster conformance', (env) => {
  const sa = 'conformance';
  let ns: string;
  let admin: k.ContextClient;
  let saUid: string;

  before(async () => {
    ns = env.ns;
    admin = env.admin;
    saUid = await env.serviceAccount(sa);
  });

  it('pages through namespaces with limit/continue and finds the scratch namespace', async () => {
    const names = (await k.listAll<{ metadata: { name: string } }>(admin, '/api/v1/namespaces', undefined, undefined, 1)).map((n) => n.metadata.name);
    assert.ok(names.includes(ns), `${ns} not in ${names.length} namespaces`);
    assert.equal(new Set(names).size, names.length, 'a namespace was listed twice across pages');
  });

  it('mints a token whose claims name the ServiceAccount, granted as long as asked (default 1 h)', async () => {
    const res = await k.requestToken(admin, { namespace: ns, serviceAccount: sa });
    const claims = claimsOf(res.token);
    assert.equal(claims.sub, `system:serviceaccount:${ns}:${sa}`);
    const kio = claims['kubernetes.io'] as { namespace: string; serviceaccount: { name: string; uid: string } };
    assert.deepEqual([kio.namespace, kio.serviceaccount.name, kio.serviceaccount.uid], [ns, sa, saUid]);
    assert.equal(claims.exp - claims.iat, res.grantedSeconds);
    assert.ok(res.grantedSeconds > 0 && res.grantedSeconds <= 3600, `granted ${res.grantedSeconds} s`);
    assert.ok(res.audiences.length > 0, 'the server filled in its own audiences');
  });

  it('refuses less than 10 minutes with 422 and the API server message', async () => {
    await assert.rejects(k.requestToken(admin, { namespace: ns, serviceAccount: sa, expirationSeconds: 599 }), (e: unknown) => {
      assert.ok(k.KubeError.is(e, 'invalid'), String(e));
      assert.match(e.message, /spec\.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes/);
      return true;
    });
  });

  it('says 404 for a ServiceAccount that does not exist', async () => {
    await assert.rejects(k.requestToken(admin, { namespace: ns, serviceAccount: 'no-such-sa' }), (e: unknown) => k.KubeError.is(e, 'notFound'));
  });

  it('verifies the signature with the cluster JWKS and the issuer with its discovery document', async () => {
    const { token } = await k.requestToken(admin, { namespace: ns, serviceAccount: sa });
    const check = await k.verifyWithCluster(admin, token, { cache: new k.ClusterKeyCache() });
    assert.equal(check.signature.status, 'verified');
    assert.equal(claimsOf(token).iss, check.discovery.issuer);
  });

  it('authenticates the token through TokenReview, and only for its own audience when it has one', async () => {
    const plain = await k.requestToken(admin, { namespace: ns, serviceAccount: sa });
    const review = await k.tokenReview(admin, plain.token);
    assert.equal(review.authenticated, true, review.error);
    assert.equal(review.user.username, `system:serviceaccount:${ns}:${sa}`);
    assert.equal(review.user.uid, saUid);

    const custom = await k.requestToken(admin, { namespace: ns, serviceAccount: sa, audiences: ['conformance.example.com'] });
    const wrong = await k.tokenReview(admin, custom.token);
    assert.equal(wrong.authenticated, false);
    assert.match(wrong.error ?? '', /audience/);
    assert.equal((await k.tokenReview(admin, custom.token, ['conformance.example.com'])).authenticated, true);
  });

  it('stops authenticating a Secret-bound token once its Secret is deleted (the revocable token flow)', async () => {
    const secret = await k.createRevocableSecret(admin, ns, sa);
    const uid = await k.secretUid(admin, ns, secret.name);
    const res = await k.requestToken(admin, { namespace: ns, serviceAccount: sa, boundObjectRef: { kind: 'Secret', name: secret.name, uid } });
    assert.equal((claimsOf(res.token)['kubernetes.io'] as { secret: { name: string } }).secret.name, secret.name);
    assert.equal((await k.tokenReview(admin, res.token)).authenticated, true);
    assert.equal(await k.deleteSecret(admin, ns, secret.name), true);
    await env.eventually(async () => !(await k.tokenReview(admin, res.token)).authenticated, 'the bound token is rejected');
  });

  it('exports a kubeconfig that kubectl accepts as the ServiceAccount', async () => {
    const { token } = await k.requestToken(admin, { namespace: ns, serviceAccount: sa });
    const info = admin.clusterInfo();
    const file = path.join(env.dir, 'exported');
    const text = buildKubeconfig({ clusterName: 'conformance', server: info.server, caPem: admin.caData(), tlsServerName: info.tlsServerName, insecureSkipTlsVerify: info.skipTLSVerify, sourceContext: admin.context, namespace: ns, serviceAccount: sa, token });
    fs.writeFileSync(file, text, { mode: 0o600 });
    const { stdout } = await execFileP('kubectl', ['--kubeconfig', file, 'auth', 'whoami', '-o', 'json'], { timeout: 30_000 });
    const who = JSON.parse(stdout) as { status: { userInfo: { username: string } } };
    assert.equal(who.status.userInfo.username, `system:serviceaccount:${ns}:${sa}`);
  });

  it('grants a permission through a RoleBinding, as SubjectAccessReview and the token itself see it', async () => {
    const attrs = { namespace: ns, verb: 'list', resource: 'configmaps' };
    assert.equal((await k.serviceAccountAccessReview(admin, { namespace: ns, name: sa }, attrs)).allowed, false);
    const { token } = await k.requestToken(admin, { namespace: ns, serviceAccount: sa });
    const asSa = admin.withBearerToken(token);
    await assert.rejects(asSa.get(`/api/v1/namespaces/${ns}/configmaps`), (e: unknown) => {
      assert.ok(k.KubeError.is(e, 'forbidden'), String(e));
      assert.deepEqual({ verb: e.permission?.verb, resource: e.permission?.resource }, { verb: 'list', resource: 'configmaps' });
      return true;
    });

    const rbac = `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}`;
    await admin.request({ method: 'POST', path: `${rbac}/roles`, body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'read-configmaps' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }] } });
    await admin.request({
      method: 'POST',
      path: `${rbac}/rolebindings`,
      body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'read-configmaps' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-configmaps' }, subjects: [{ kind: 'ServiceAccount', name: sa, namespace: ns }] },
    });
    await env.eventually(async () => (await k.serviceAccountAccessReview(admin, { namespace: ns, name: sa }, attrs)).allowed, 'the SubjectAccessReview allows list configmaps');
    await env.eventually(async () => (await asSa.get(`/api/v1/namespaces/${ns}/configmaps`).then(() => true, () => false)), 'the token may list configmaps');
    assert.equal((await k.serviceAccountAccessReview(admin, { namespace: ns, name: sa }, { ...attrs, verb: 'delete' })).allowed, false);
    const bindings = await k.listBindingsFor(admin, { namespace: ns, name: sa });
    assert.ok(bindings.bindings.some((b) => b.name === 'read-configmaps'), 'the RoleBinding is found for the ServiceAccount');
  });

  it('names the missing permission when a token may not mint tokens', async () => {
    const { token } = await k.requestToken(admin, { namespace: ns, serviceAccount: sa });
    await assert.rejects(k.requestToken(admin.withBearerToken(token), { namespace: ns, serviceAccount: sa }), (e: unknown) => {
      assert.ok(k.KubeError.is(e, 'forbidden'), String(e));
      assert.deepEqual(
        { verb: e.permission?.verb, resource: e.permission?.resource, subresource: e.permission?.subresource, namespace: e.permission?.namespace },
        { verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: ns },
      );
      return true;
    });
  });
});
