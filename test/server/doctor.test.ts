/**
 * The token doctor against the test API server in plain Node: issuer discovery and JWKS (cached),
 * jose signature checks, TokenReview reasons translated, the ServiceAccount and bound object, and
 * what the token may do. Tokens are minted through the TokenRequest endpoint.
 */
import * as assert from 'node:assert/strict';
import { decodeJwt } from '../../src/jwt/decode';
import { diagnoseToken, doctorTarget } from '../../src/doctor/doctorFindings';
import type { DoctorReport, Finding } from '../../src/doctor/findings';
import { explainJwt } from '../../src/jwt/explain';
import { gatherTokenFacts, type TokenClusterFacts } from '../../src/kube/doctor';
import type { ContextClient } from '../../src/kube/http';
import { ClusterKeyCache, fetchDiscovery, verifyWithCluster } from '../../src/kube/oidc';
import { createRevocableSecret, deleteSecret, getSecretToken } from '../../src/kube/secrets';
import { getObjectUid, recreateServiceAccount } from '../../src/kube/serviceAccounts';
import { requestToken, type TokenRequestInput } from '../../src/kube/tokenRequest';
import type { TestCluster } from '../../testserver/api';
import { startTestCluster } from '../../testserver/index';
import { ClientFactory } from './kube-fixture';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';

describe('Token doctor against the test cluster', () => {
  let offsetMs = 0;
  const clock = (): number => Date.now() + offsetMs;
  let cluster: TestCluster;
  let other: TestCluster; // same issuer, its own key
  let foreign: TestCluster; // another issuer
  let clients: ClientFactory;
  let otherClients: ClientFactory;
  let foreignClients: ClientFactory;
  let admin: ContextClient;
  let cache: ClusterKeyCache;

  before(async () => {
    [cluster, other, foreign] = await Promise.all([
      startTestCluster({ now: clock }),
      startTestCluster({ seed: 'demo' }),
      startTestCluster({ issuers: ['https://oidc.other.example/cluster-b'] }),
    ]);
    clients = new ClientFactory(cluster);
    otherClients = new ClientFactory(other);
    foreignClients = new ClientFactory(foreign);
    admin = clients.client();
  });
  after(async () => {
    for (const c of [clients, otherClients, foreignClients]) c.dispose();
    await Promise.all([cluster.close(), other.close(), foreign.close()]);
  });
  beforeEach(() => {
    offsetMs = 0;
    cache = new ClusterKeyCache();
  });

  async function mint(input: Partial<TokenRequestInput> = {}, client = admin): Promise<string> {
    return (await requestToken(client, { namespace: 'demo', serviceAccount: 'ci-deployer', ...input })).token;
  }

  async function check(token: string, client = admin): Promise<{ report: DoctorReport; facts: TokenClusterFacts }> {
    const decoded = decodeJwt(token);
    assert.ok(decoded.ok, 'the token decodes');
    const explanation = explainJwt(decoded, { now: clock() });
    const facts = await gatherTokenFacts(client, token, doctorTarget(explanation.claims), { cache });
    return { report: diagnoseToken(explanation, facts), facts };
  }

  const codes = (r: DoctorReport): string[] => r.findings.map((f) => f.code);
  function finding(r: DoctorReport, code: string): Finding {
    const f = r.findings.find((x) => x.code === code);
    assert.ok(f, `no ${code} finding in ${JSON.stringify(r.findings, null, 1)}`);
    return f;
  }
  const errors = (r: DoctorReport): string[] => r.findings.filter((f) => f.severity === 'error').map((f) => f.code);

  it('reads the discovery document and verifies a fresh token with the cluster JWKS', async () => {
    const d = await fetchDiscovery(admin);
    assert.equal(d.issuer, ISSUER);
    assert.deepEqual(d.algorithms, ['RS256']);
    const r = await verifyWithCluster(admin, await mint(), { cache });
    assert.equal(r.signature.status, 'verified');
    assert.equal(r.keyCount, 1);
    assert.equal(r.refreshed, false);
  });

  it('accepts a valid token and says what it may do in its namespace', async () => {
    const { report, facts } = await check(await mint({ expirationSeconds: 7200 }));
    assert.equal(report.verdict, 'accepted');
    assert.deepEqual(errors(report), []);
    for (const c of ['accepted', 'signatureVerified', 'serviceAccountOk', 'permissions']) assert.ok(codes(report).includes(c), c);
    assert.match(finding(report, 'accepted').detail, /system:serviceaccount:demo:ci-deployer.*system:serviceaccounts:demo.*credential-id=JTI=/);
    const perms = finding(report, 'permissions');
    assert.equal(perms.title, 'In namespace demo it may:');
    assert.match(perms.detail, /create serviceaccounts\/token/);
    assert.match(perms.detail, /deployments\.apps/);
    assert.doesNotMatch(perms.detail, /selfsubject/, 'rules everyone has are left out');
    assert.ok(facts.rules?.ok);
  });

  it('fetches discovery and JWKS once per context while the cache is fresh', async () => {
    const before = cluster.requestCounts().get('GET /openid/v1/jwks') ?? 0;
    await check(await mint());
    await check(await mint());
    assert.equal((cluster.requestCounts().get('GET /openid/v1/jwks') ?? 0) - before, 1);
  });

  it('explains an expired token with the fix, once', async () => {
    const token = await mint({ expirationSeconds: 600 });
    offsetMs = 2 * 3600_000;
    const { report } = await check(token);
    assert.equal(report.verdict, 'rejected');
    const f = finding(report, 'rejected.expired');
    assert.match(f.fix ?? '', /kubectl create token ci-deployer -n demo/);
    assert.ok(!codes(report).includes('expired'), 'the local expiry finding is covered by the cluster\'s answer');
    assert.ok(codes(report).includes('signatureVerified'));
  });

  it('names the right audience for a token minted for another service', async () => {
    const { report } = await check(await mint({ audiences: ['vault'] }));
    assert.equal(report.verdict, 'rejected');
    const f = finding(report, 'rejected.audience');
    assert.match(f.detail, /The token is for vault, but the API server only accepts https:\/\/kubernetes\.default\.svc\.cluster\.local/);
    assert.match(f.fix ?? '', /--audience https:\/\/kubernetes\.default\.svc\.cluster\.local/);
    assert.ok(codes(report).includes('ownAudienceAccepted'), 'for its own audience it is valid');
    assert.ok(!codes(report).includes('audienceMismatch'), 'one audience finding, not two');
  });

  it('says a token of another cluster with the same issuer has a kid this cluster lacks', async () => {
    await check(await mint()); // warms the key cache
    const { report, facts } = await check(await mint({}, otherClients.client()));
    assert.equal(report.verdict, 'rejected');
    const f = finding(report, 'unknownKid');
    assert.match(f.detail, /issued by another cluster, or the cluster rotated its signing key/);
    assert.ok(facts.signature.ok && facts.signature.value.refreshed, 'cached keys are refreshed once before blaming the kid');
    // The real cause first; the TokenReview's generic "invalid signature" is not a second error with a
    // second fix, its words are in the cause's detail (issue 12: the real cause first, each fix once).
    assert.equal(report.findings[0].code, 'unknownKid');
    assert.ok(!codes(report).includes('rejected.signature'), codes(report).join(', '));
    assert.match(f.detail, /The cluster's own answer agrees: Rejected: the signature does not verify/);
  });

  it('says a token of a cluster with another issuer does not cross clusters', async () => {
    const { report } = await check(await mint({}, foreignClients.client()));
    const f = finding(report, 'issuerMismatch');
    assert.match(f.detail, /https:\/\/oidc\.other\.example\/cluster-b.*Tokens do not cross clusters/);
    // Another issuer explains the unknown kid and the cluster's "invalid bearer token": one error, first.
    // Its demo/ci-deployer is not this cluster's: no "was recreated" for a namesake.
    assert.equal(report.findings[0].code, 'issuerMismatch');
    for (const redundant of ['unknownKid', 'rejected.unrecognised', 'rejected.signature', 'audienceMismatch', 'serviceAccountRecreated']) assert.ok(!codes(report).includes(redundant), `${redundant} in ${codes(report).join(', ')}`);
    assert.match(f.detail, /The cluster's own answer agrees: Rejected: the cluster does not recognise this token/);
    assert.deepEqual(f.action, { kind: 'crossClusterTrust', issuer: 'https://oidc.other.example/cluster-b' });
    assert.equal(report.findings.filter((x) => x.severity === 'error').length, 1, JSON.stringify(report.findings, null, 1));
  });

  it('shows what the rules review could not resolve (evaluationError), not only that it may be incomplete', async () => {
    const sa = `doctor-dangling-${Date.now().toString(36)}`;
    await admin.request({ method: 'POST', path: '/api/v1/namespaces/demo/serviceaccounts', body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa } } });
    await admin.request({
      method: 'POST',
      path: '/apis/rbac.authorization.k8s.io/v1/namespaces/demo/rolebindings',
      body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: sa }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'no-such-role' }, subjects: [{ kind: 'ServiceAccount', name: sa, namespace: 'demo' }] },
    });
    const { report, facts } = await check(await mint({ serviceAccount: sa }));
    assert.ok(facts.rules?.ok && facts.rules.value.evaluationError, JSON.stringify(facts.rules));
    assert.match(finding(report, 'permissions').detail, /Some of its bindings could not be resolved and grant nothing: .*no-such-role/);
  });

  it('detects an altered token', async () => {
    const [h, p, s] = (await mint()).split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    claims.sub = 'system:serviceaccount:kube-system:admin';
    const { report } = await check(`${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`);
    assert.ok(codes(report).includes('badSignature'));
    assert.equal(report.verdict, 'rejected');
  });

  it('explains a deleted ServiceAccount and how to recreate it', async () => {
    await admin.request({ method: 'POST', path: '/api/v1/namespaces/demo/serviceaccounts', body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'doomed' } } });
    const token = await mint({ serviceAccount: 'doomed' });
    assert.ok(cluster.store.delete('v1', 'ServiceAccount', 'doomed', 'demo'));
    const { report, facts } = await check(token);
    const f = finding(report, 'rejected.saDeleted');
    assert.match(f.fix ?? '', /kubectl create serviceaccount doomed -n demo/);
    assert.equal(facts.serviceAccount?.ok, false);
    assert.ok(!codes(report).includes('serviceAccountDeleted'), 'covered by the TokenReview finding');
  });

  it('explains a recreated ServiceAccount (uid mismatch)', async () => {
    await admin.request({ method: 'POST', path: '/api/v1/namespaces/demo/serviceaccounts', body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'phoenix' } } });
    const token = await mint({ serviceAccount: 'phoenix' });
    const renewed = await recreateServiceAccount(admin, 'demo', 'phoenix');
    const { report, facts } = await check(token);
    const f = finding(report, 'rejected.saRecreated');
    assert.ok(f.detail.includes(renewed.uid));
    assert.ok(facts.serviceAccount?.ok && facts.serviceAccount.value.uid === renewed.uid);
  });

  it('follows a Secret-bound token from accepted to revoked when the Secret is deleted', async () => {
    const secret = await createRevocableSecret(admin, 'demo', 'reader');
    const token = await mint({ serviceAccount: 'reader', boundObjectRef: { kind: 'Secret', name: secret.name, uid: secret.uid } });
    const first = await check(token);
    assert.equal(first.report.verdict, 'accepted');
    assert.ok(codes(first.report).includes('boundObjectOk'));
    await deleteSecret(admin, 'demo', secret.name);
    const { report, facts } = await check(token);
    const f = finding(report, 'rejected.invalidated');
    assert.match(f.detail, new RegExp(`bound Secret "${secret.name}" was deleted`));
    assert.equal(facts.boundObject?.ok, false);
  });

  it('says a token just accepted from the authentication cache is rejected once its Secret is gone, as kube-apiserver will', async () => {
    // kube-apiserver caches a successful authentication for 10 s: right after the deletion its TokenReview still says authenticated.
    const cached = await startTestCluster({ tokenSuccessCacheTtlMs: 10_000 });
    const factory = new ClientFactory(cached);
    try {
      const client = factory.client();
      const secret = await createRevocableSecret(client, 'demo', 'reader');
      const token = await mint({ serviceAccount: 'reader', boundObjectRef: { kind: 'Secret', name: secret.name, uid: secret.uid } }, client);
      assert.equal((await check(token, client)).report.verdict, 'accepted');
      await deleteSecret(client, 'demo', secret.name);
      const { report, facts } = await check(token, client);
      assert.equal(facts.tokenReview.ok && facts.tokenReview.value.authenticated, true, 'the review still accepts it from the cache');
      assert.equal(report.verdict, 'rejected');
      assert.match(finding(report, 'rejected.invalidated').detail, new RegExp(`bound Secret "${secret.name}" was deleted`));
      assert.match(finding(report, 'acceptedFromCache').detail, /remembers a successful authentication for 10 s.*service account token has been invalidated/);
      assert.ok(!codes(report).includes('accepted'));
    } finally {
      factory.dispose();
      await cached.close();
    }
  });

  it('checks a Pod-bound token against the Pod it names', async () => {
    const uid = await getObjectUid(admin, 'Pod', 'web-0', 'demo');
    const { report } = await check(await mint({ boundObjectRef: { kind: 'Pod', name: 'web-0', uid } }));
    assert.equal(report.verdict, 'accepted');
    assert.match(finding(report, 'boundObjectOk').detail, new RegExp(uid));
  });

  it('names the missing TokenReview permission, and still asks with the token itself', async () => {
    const jane = clients.client({ token: cluster.userToken('jane'), contextName: 'jane' });
    const { report } = await check(await mint(), jane);
    const f = finding(report, 'tokenReviewForbidden');
    assert.match(f.detail, /jane may not create tokenreviews/);
    assert.match(f.fix ?? '', /--clusterrole=system:auth-delegator --user=jane/);
    assert.ok(codes(report).includes('discoveryForbidden'), 'issuer discovery is for ServiceAccounts only by default');
    assert.ok(codes(report).includes('selfReviewAccepted'));
    assert.equal(report.verdict, 'accepted');
  });

  it('flags a legacy Secret token: accepted, never expires, last used', async () => {
    const token = await getSecretToken(admin, 'demo', 'reader-token');
    assert.ok(token);
    const { report } = await check(token);
    assert.equal(report.verdict, 'accepted');
    assert.ok(codes(report).includes('legacy'));
    assert.ok(codes(report).includes('legacyLastUsed'));
    assert.ok(codes(report).includes('signatureVerified'));
    assert.ok(!codes(report).includes('issuerMismatch'), 'legacy tokens have their own issuer');
  });

  it('explains a legacy token the cleaner marked invalid', async () => {
    const token = await getSecretToken(admin, 'payments', 'api-legacy-token');
    assert.ok(token);
    const { report } = await check(token);
    assert.equal(report.verdict, 'rejected');
    assert.match(finding(report, 'rejected.legacyInvalidSince').fix ?? '', /remove the kubernetes\.io\/legacy-token-invalid-since label/);
  });
});
