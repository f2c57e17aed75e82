import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContextClient } from '../../src/kube/http';
import { selfSubjectReview, tokenReview } from '../../src/kube/reviews';
import { createLegacyTokenSecret, createRevocableSecret, deleteSecret, readRootCa, REVOCABLE_LABEL, waitForSecretToken } from '../../src/kube/secrets';
import { getServiceAccount, recreateServiceAccount } from '../../src/kube/serviceAccounts';
import { requestToken } from '../../src/kube/tokenRequest';
import { explainGrant } from '../../src/tokens/grant';
import { buildKubeconfig, exportedContextName } from '../../src/tokens/kubeconfigExport';
import { startTestCluster } from '../../testserver/index';
import type { TestCluster } from '../../testserver/api';
import { claimsOf, ClientFactory, rejection } from './kube-fixture';


describe('kube layer: TokenRequest, revocable tokens, legacy Secrets, export', () => {
  let cluster: TestCluster;
  let clients: ClientFactory;
  let admin: ContextClient;

  before(async () => {
    cluster = await startTestCluster({ legacyTokenControllerDelayMs: 100 });
    clients = new ClientFactory(cluster);
    admin = clients.client();
  });
  after(async () => {
    clients.dispose();
    await cluster.close();
  });
  afterEach(() => cluster.configure({ maxTokenExpirationSeconds: 0, extendTokenExpiration: true }));

  it('mints a token with the requested lifetime and the default audiences', async () => {
    const r = await requestToken(admin, { namespace: 'demo', serviceAccount: 'ci-deployer', expirationSeconds: 7200 });
    assert.equal(r.grantedSeconds, 7200);
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.audiences, ['https://kubernetes.default.svc.cluster.local']);
    assert.equal(r.boundObjectRef, undefined);
    const c = claimsOf(r.token);
    assert.equal(c.sub, 'system:serviceaccount:demo:ci-deployer');
    assert.equal(c.exp - c.iat, 7200);
    assert.equal(Date.parse(r.expirationTimestamp) / 1000, c.exp);
    const who = await selfSubjectReview(admin.withBearerToken(r.token));
    assert.equal(who.username, 'system:serviceaccount:demo:ci-deployer');
  });

  it('sends requested audiences, and the server default lifetime when none is given', async () => {
    const r = await requestToken(admin, { namespace: 'demo', serviceAccount: 'reader', audiences: ['vault'] });
    assert.deepEqual(r.audiences, ['vault']);
    assert.equal(r.grantedSeconds, 3600);
    assert.deepEqual(claimsOf(r.token).aud, ['vault']);
  });

  it('reports the max-expiration clamp through the Warning header', async () => {
    cluster.configure({ maxTokenExpirationSeconds: 86400 });
    const r = await requestToken(admin, { namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 172800 });
    assert.equal(r.grantedSeconds, 86400);
    assert.deepEqual(r.warnings, ['requested expiration of 172800 seconds shortened to 86400 seconds']);
    const report = explainGrant({ requestedSeconds: 172800, grantedSeconds: r.grantedSeconds, expirationTimestamp: r.expirationTimestamp, warnings: r.warnings, claims: claimsOf(r.token), now: Date.now() });
    assert.equal(report.clamp?.kind, 'maxExpiration');
    assert.equal(Math.round((report.expiresAt - report.issuedAt) / 1000), 86400);
  });

  it('extends a Pod-bound 3607 s token to 365 days while the status says 3607 s', async () => {
    const r = await requestToken(admin, { namespace: 'demo', serviceAccount: 'ci-deployer', expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', name: 'web-0' } });
    const c = claimsOf(r.token);
    assert.equal(r.grantedSeconds, 3607);
    assert.equal(c.exp - c.iat, 31536000);
    assert.equal((c['kubernetes.io']?.warnafter as number) - c.iat, 3607);
    assert.equal(Date.parse(r.expirationTimestamp) / 1000 - c.iat, 3607);
    assert.equal(r.boundObjectRef?.kind, 'Pod');
    const report = explainGrant({ requestedSeconds: 3607, grantedSeconds: r.grantedSeconds, expirationTimestamp: r.expirationTimestamp, warnings: r.warnings, boundKind: 'Pod', claims: c, now: Date.now() });
    assert.equal(report.extended, true);

    cluster.configure({ extendTokenExpiration: false });
    const plain = claimsOf((await requestToken(admin, { namespace: 'demo', serviceAccount: 'ci-deployer', expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', name: 'web-0' } })).token);
    assert.equal(plain.exp - plain.iat, 3607);
  });

  it('binds to a Node or a Secret and pins the uid; a stale uid is a 409', async () => {
    const node = cluster.store.get('v1', 'Node', 'node-1');
    const r = await requestToken(admin, { namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 3600, boundObjectRef: { kind: 'Node', name: 'node-1', uid: node?.metadata.uid } });
    assert.deepEqual(claimsOf(r.token)['kubernetes.io']?.node, { name: 'node-1', uid: node?.metadata.uid });
    const secret = cluster.store.get('v1', 'Secret', 'reader-token', 'demo');
    const s = await requestToken(admin, { namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 3600, boundObjectRef: { kind: 'Secret', name: 'reader-token' } });
    assert.deepEqual(claimsOf(s.token)['kubernetes.io']?.secret, { name: 'reader-token', uid: secret?.metadata.uid });
    const e = await rejection(requestToken(admin, { namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 3600, boundObjectRef: { kind: 'Node', name: 'node-1', uid: 'stale' } }));
    assert.equal(e.kind, 'conflict');
    assert.match(e.message, /does not match the UID in record/);
  });

  it('gets 422 for less than 10 minutes, with the server message', async () => {
    const e = await rejection(requestToken(admin, { namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 60 }));
    assert.equal(e.kind, 'invalid');
    assert.equal(e.message, 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
  });

  it('tells a missing ServiceAccount from a missing namespace (404)', async () => {
    const sa = await rejection(requestToken(admin, { namespace: 'demo', serviceAccount: 'ghost', expirationSeconds: 3600 }));
    assert.equal(sa.kind, 'notFound');
    assert.equal(sa.body?.details?.kind, 'serviceaccounts');
    const ns = await rejection(requestToken(admin, { namespace: 'nowhere', serviceAccount: 'default', expirationSeconds: 3600 }));
    assert.equal(ns.kind, 'notFound');
    assert.equal(ns.body?.details?.kind, 'namespaces');
  });

  it('names the missing permission on 403', async () => {
    const jane = clients.client({ token: cluster.userToken('jane') });
    const e = await rejection(requestToken(jane, { namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 3600 }));
    assert.equal(e.kind, 'forbidden');
    assert.deepEqual(e.permission, { user: 'jane', verb: 'create', resource: 'serviceaccounts', subresource: 'token', group: '', namespace: 'demo' });
  });

  it('classifies a cluster without TokenRequest as unsupported', async () => {
    cluster.setFault({ kind: 'tokenRequest404' });
    try {
      const e = await rejection(requestToken(admin, { namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 3600 }));
      assert.equal(e.kind, 'unsupported');
    } finally {
      cluster.setFault(undefined);
    }
  });

  it('refuses to bind to a Pod of another ServiceAccount (400)', async () => {
    const e = await rejection(requestToken(admin, { namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', name: 'web-0' } }));
    assert.equal(e.kind, 'badRequest');
    assert.match(e.message, /different serviceaccount name\.$/);
  });

  it('revocable flow: a token bound to its own Secret stops authenticating once the Secret is deleted', async () => {
    const secret = await createRevocableSecret(admin, 'demo', 'reader');
    assert.match(secret.name, /^reader-revocable-[bcdfghj-np-tvwxz24-9]{5}$/);
    const stored = cluster.store.get('v1', 'Secret', secret.name, 'demo');
    assert.equal(stored?.type, 'Opaque');
    assert.equal(stored?.metadata.labels?.[REVOCABLE_LABEL], 'reader');
    const r = await requestToken(admin, { namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 3600, boundObjectRef: { kind: 'Secret', name: secret.name, uid: secret.uid } });
    assert.deepEqual(claimsOf(r.token)['kubernetes.io']?.secret, { name: secret.name, uid: secret.uid });
    assert.equal((await tokenReview(admin, r.token)).authenticated, true);
    assert.equal(await deleteSecret(admin, 'demo', secret.name), true);
    assert.equal(await deleteSecret(admin, 'demo', secret.name), false, 'already gone');
    const after = await tokenReview(admin, r.token);
    assert.equal(after.authenticated, false);
    assert.match(after.error ?? '', /service account token has been invalidated/);
    const e = await rejection(selfSubjectReview(admin.withBearerToken(r.token)));
    assert.equal(e.kind, 'unauthorized');
  });

  it('recreating a ServiceAccount invalidates its unbound tokens', async () => {
    const before = await getServiceAccount(admin, 'payments', 'worker');
    const r = await requestToken(admin, { namespace: 'payments', serviceAccount: 'worker', expirationSeconds: 3600 });
    const recreated = await recreateServiceAccount(admin, 'payments', 'worker');
    assert.notEqual(recreated.uid, before.uid);
    const review = await tokenReview(admin, r.token);
    assert.equal(review.authenticated, false);
  });

  it('creates a legacy token Secret and waits for the controller to fill it', async () => {
    const created = await createLegacyTokenSecret(admin, 'demo', 'reader');
    const { token, secret } = await waitForSecretToken(admin, 'demo', created.name, { timeoutMs: 5000, pollMs: 50 });
    assert.equal(secret.serviceAccount, 'reader');
    assert.equal(claimsOf(token).iss, 'kubernetes/serviceaccount');
    assert.equal((await selfSubjectReview(admin.withBearerToken(token))).username, 'system:serviceaccount:demo:reader');

    // The controller deletes a Secret whose ServiceAccount does not exist.
    const orphan = await createLegacyTokenSecret(admin, 'demo', 'ghost');
    const e = await rejection(waitForSecretToken(admin, 'demo', orphan.name, { timeoutMs: 5000, pollMs: 50 }));
    assert.equal(e.kind, 'notFound');
  });

  it('gives up waiting for the token controller after the timeout', async () => {
    cluster.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'plain', namespace: 'demo' }, type: 'Opaque' });
    const e = await rejection(waitForSecretToken(admin, 'demo', 'plain', { timeoutMs: 200, pollMs: 50 }));
    assert.equal(e.kind, 'timeout');
  });

  it('exports a kubeconfig that works as the ServiceAccount', async () => {
    const r = await requestToken(admin, { namespace: 'demo', serviceAccount: 'ci-deployer', expirationSeconds: 3600 });
    const ca = await readRootCa(admin, 'demo');
    assert.equal(ca, cluster.caPem, 'kube-root-ca.crt holds the cluster CA');
    const text = buildKubeconfig({ clusterName: 'test-admin', server: admin.server, caPem: admin.caData(), sourceContext: 'test-admin', namespace: 'demo', serviceAccount: 'ci-deployer', token: r.token });
    const file = path.join(clients.dir, 'exported');
    fs.writeFileSync(file, text, { mode: 0o600 });
    const asSa = clients.fromFile(file, exportedContextName({ serviceAccount: 'ci-deployer', namespace: 'demo', sourceContext: 'test-admin' }));
    const who = await selfSubjectReview(asSa);
    assert.equal(who.username, 'system:serviceaccount:demo:ci-deployer');
    assert.deepEqual(who.groups, ['system:serviceaccounts', 'system:serviceaccounts:demo', 'system:authenticated']);
  });
});
