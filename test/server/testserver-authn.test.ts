/**
 * Authentication of the tokens the test server issued: TokenReview results and error strings (§2.5, §4),
 * 401s, and the legacy Secret token controller and tracking labels (§3).
 */
import * as assert from 'node:assert/strict';
import type { KObject, TestCluster } from '../../testserver/api';
import { startTestCluster } from '../../testserver/index';
import { call, decodePart, mint, rawPart, tokenReview } from './testserver-helpers';

const kubeAudience = 'https://kubernetes.default.svc.cluster.local';

function status(res: { body: Record<string, unknown> }): Record<string, unknown> {
  return res.body.status as Record<string, unknown>;
}

async function until<T>(probe: () => T | undefined, ms = 2000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('test server: TokenReview and authentication', () => {
  let cluster: TestCluster;
  let clockOffsetMs = 0;
  before(async () => {
    cluster = await startTestCluster({ now: () => Date.now() + clockOffsetMs, legacyTokenControllerDelayMs: 20 });
  });
  after(() => cluster.close());
  afterEach(() => {
    clockOffsetMs = 0;
  });

  it('authenticates a pod-bound token: 201, user, ordered groups, sorted extra, audiences', async () => {
    const token = await mint(cluster, 'demo', 'ci-deployer', { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-0' } });
    const res = await tokenReview(cluster, token);
    assert.equal(res.status, 201);
    const pod = cluster.store.get('v1', 'Pod', 'web-0', 'demo');
    const node = cluster.store.get('v1', 'Node', 'node-1');
    const sa = cluster.store.get('v1', 'ServiceAccount', 'ci-deployer', 'demo');
    assert.deepEqual(status(res), {
      authenticated: true,
      user: {
        username: 'system:serviceaccount:demo:ci-deployer',
        uid: sa?.metadata.uid,
        groups: ['system:serviceaccounts', 'system:serviceaccounts:demo', 'system:authenticated'],
        extra: {
          'authentication.kubernetes.io/credential-id': [`JTI=${String(decodePart(token, 1).jti)}`],
          'authentication.kubernetes.io/node-name': ['node-1'],
          'authentication.kubernetes.io/node-uid': [node?.metadata.uid],
          'authentication.kubernetes.io/pod-name': ['web-0'],
          'authentication.kubernetes.io/pod-uid': [pod?.metadata.uid],
        },
      },
      audiences: [kubeAudience],
    });
    assert.deepEqual(res.body.metadata, {});
    assert.deepEqual(res.body.spec, { token });
  });

  it('reports failures with the aggregated error and the {"user":{}} body shape', async () => {
    const res = await tokenReview(cluster, 'not-a-jwt');
    assert.equal(res.status, 201);
    assert.match(res.text, /"status":\{"user":\{\},"error":"invalid bearer token"\}\}$/);
    const empty = await tokenReview(cluster, '');
    assert.equal(empty.status, 400);
    assert.equal(empty.body.message, 'token is required for TokenReview in authentication');
  });

  it('checks audiences: wrong audience fails, a matching spec.audiences succeeds', async () => {
    const token = await mint(cluster, 'demo', 'reader', { audiences: ['vault'] });
    assert.equal(status(await tokenReview(cluster, token)).error, `[invalid bearer token, token audiences ["vault"] is invalid for the target audiences ["${kubeAudience}"]]`);
    const ok = await tokenReview(cluster, token, ['vault', 'other']);
    assert.equal(status(ok).authenticated, true);
    assert.deepEqual(status(ok).audiences, ['vault']);
    const two = await mint(cluster, 'demo', 'reader', { audiences: ['a', 'b'] });
    assert.equal(status(await tokenReview(cluster, two, ['c'])).error, '[invalid bearer token, token audiences ["a" "b"] is invalid for the target audiences ["c"]]');
  });

  it('expires tokens after exp plus one minute of leeway (clock option)', async () => {
    const token = await mint(cluster, 'demo', 'reader', { expirationSeconds: 600 });
    clockOffsetMs = (600 + 50) * 1000;
    assert.equal(status(await tokenReview(cluster, token)).authenticated, true);
    clockOffsetMs = (600 + 62) * 1000;
    assert.equal(status(await tokenReview(cluster, token)).error, '[invalid bearer token, service account token has expired]');
    const api = await call(cluster, 'GET', '/api/v1/namespaces/demo/pods', { token });
    assert.equal(api.status, 401);
    assert.equal(api.text, '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}');
  });

  it('rejects tokens of a deleted and of a recreated ServiceAccount', async () => {
    cluster.store.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'short-lived', namespace: 'demo' } });
    const token = await mint(cluster, 'demo', 'short-lived');
    const oldUid = String((decodePart(token, 1)['kubernetes.io'] as { serviceaccount: { uid: string } }).serviceaccount.uid);
    assert.equal(cluster.store.delete('v1', 'ServiceAccount', 'short-lived', 'demo'), true);
    assert.equal(status(await tokenReview(cluster, token)).error, '[invalid bearer token, serviceaccounts "short-lived" not found]');
    const again = cluster.store.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'short-lived', namespace: 'demo' } });
    assert.equal(status(await tokenReview(cluster, token)).error, `[invalid bearer token, service account UID (${again.metadata.uid}) does not match claim (${oldUid})]`);
  });

  it('invalidates tokens bound to a deleted Secret, a deleted Pod and a recreated Pod', async () => {
    const secret = cluster.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'binder', namespace: 'demo' }, type: 'Opaque' });
    const secretBound = await mint(cluster, 'demo', 'reader', { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'binder', uid: secret.metadata.uid } });
    assert.equal(status(await tokenReview(cluster, secretBound)).authenticated, true);
    cluster.store.delete('v1', 'Secret', 'binder', 'demo');
    assert.equal(status(await tokenReview(cluster, secretBound)).error, '[invalid bearer token, service account token has been invalidated]');

    const podSpec = { serviceAccountName: 'reader', containers: [{ name: 'c', image: 'busybox' }] };
    const pod = cluster.store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'job-pod', namespace: 'demo' }, spec: podSpec });
    const podBound = await mint(cluster, 'demo', 'reader', { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'job-pod' } });
    cluster.store.delete('v1', 'Pod', 'job-pod', 'demo');
    assert.equal(status(await tokenReview(cluster, podBound)).error, '[invalid bearer token, service account token has been invalidated]');
    const recreated = cluster.store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'job-pod', namespace: 'demo' }, spec: podSpec });
    assert.equal(
      status(await tokenReview(cluster, podBound)).error,
      `[invalid bearer token, pod UID (${recreated.metadata.uid}) does not match service account pod ref claim (${pod.metadata.uid})]`,
    );
  });

  it('rejects a token signed by another key (kid not found)', async () => {
    const other = await startTestCluster({ seed: 'empty' });
    try {
      const foreign = await mint(other, 'default', 'default');
      assert.equal(status(await tokenReview(cluster, foreign)).error, '[invalid bearer token, invalid signature, no keys found]');
    } finally {
      await other.close();
    }
  });

  it('authenticates static user tokens and the admin (system:masters)', async () => {
    const jane = await tokenReview(cluster, cluster.userToken('jane', ['devs']));
    assert.deepEqual((status(jane).user as Record<string, unknown>).groups, ['devs', 'system:authenticated']);
    const whoami = await call(cluster, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    assert.equal(whoami.status, 201);
    assert.deepEqual(whoami.body.status, { userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] } });
  });
});

describe('test server: token success cache', () => {
  it('keeps a token working for the cache TTL after its ServiceAccount is deleted', async () => {
    let offset = 0;
    const cluster = await startTestCluster({ seed: 'empty', tokenSuccessCacheTtlMs: 10_000, now: () => Date.now() + offset });
    try {
      cluster.store.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'cached', namespace: 'default' } });
      const token = await mint(cluster, 'default', 'cached');
      assert.equal(status(await tokenReview(cluster, token)).authenticated, true);
      cluster.store.delete('v1', 'ServiceAccount', 'cached', 'default');
      assert.equal(status(await tokenReview(cluster, token)).authenticated, true);
      offset = 11_000;
      assert.equal(status(await tokenReview(cluster, token)).error, '[invalid bearer token, serviceaccounts "cached" not found]');
    } finally {
      await cluster.close();
    }
  });
});

describe('test server: legacy Secret tokens', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ legacyTokenControllerDelayMs: 20 });
  });
  after(() => cluster.close());

  const createSecret = (ns: string, name: string, sa: string | undefined): Promise<{ status: number; body: Record<string, unknown> }> =>
    call(cluster, 'POST', `/api/v1/namespaces/${ns}/secrets`, {
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name, annotations: sa ? { 'kubernetes.io/service-account.name': sa } : {} }, type: 'kubernetes.io/service-account-token' },
    });
  const tokenOf = (s: KObject): string => Buffer.from(String((s.data as Record<string, string>).token), 'base64').toString('utf8');
  const filled = (ns: string, name: string): Promise<KObject> =>
    until(() => {
      const s = cluster.store.get('v1', 'Secret', name, ns);
      return s && (s.data as Record<string, string> | undefined)?.token ? s : undefined;
    });

  it('requires the service-account.name annotation (422)', async () => {
    const res = await createSecret('demo', 'no-annotation', undefined);
    assert.equal(res.status, 422);
    assert.equal(res.body.message, 'Secret "no-annotation" is invalid: metadata.annotations[kubernetes.io/service-account.name]: Required value');
  });

  it('fills the Secret asynchronously: token, ca.crt, namespace and the uid annotation', async () => {
    const res = await createSecret('demo', 'reader-legacy', 'reader');
    assert.equal(res.status, 201);
    assert.equal(res.body.data, undefined);
    const secret = await filled('demo', 'reader-legacy');
    const data = secret.data as Record<string, string>;
    assert.equal(Buffer.from(data['ca.crt'], 'base64').toString(), cluster.caPem);
    assert.equal(Buffer.from(data.namespace, 'base64').toString(), 'demo');
    const sa = cluster.store.get('v1', 'ServiceAccount', 'reader', 'demo');
    assert.equal(secret.metadata.annotations?.['kubernetes.io/service-account.uid'], sa?.metadata.uid);
    const token = tokenOf(secret);
    assert.match(rawPart(token, 1), /^\{"iss":"kubernetes\/serviceaccount","kubernetes\.io\/serviceaccount\/namespace":"demo","kubernetes\.io\/serviceaccount\/secret\.name":"reader-legacy","kubernetes\.io\/serviceaccount\/service-account\.name":"reader","kubernetes\.io\/serviceaccount\/service-account\.uid":"[0-9a-f-]{36}","sub":"system:serviceaccount:demo:reader"\}$/);
  });

  it('authenticates the legacy token without extra and sets the last-used label', async () => {
    const token = tokenOf(await filled('demo', 'reader-legacy'));
    const review = await tokenReview(cluster, token);
    const user = status(review).user as Record<string, unknown>;
    assert.equal(user.username, 'system:serviceaccount:demo:reader');
    assert.equal(user.extra, undefined);
    const today = new Date().toISOString().slice(0, 10);
    assert.equal(cluster.store.get('v1', 'Secret', 'reader-legacy', 'demo')?.metadata.labels?.['kubernetes.io/legacy-token-last-used'], today);
    const mismatch = await tokenReview(cluster, token, ['vault']);
    assert.equal(status(mismatch).error, `[invalid bearer token, token audiences ["${kubeAudience}"] is invalid for the target audiences ["vault"]]`);
  });

  it('fails with the exact message when the Secret carries the invalid-since label', async () => {
    const seeded = cluster.store.get('v1', 'Secret', 'api-legacy-token', 'payments');
    assert.ok(seeded);
    const res = await call(cluster, 'GET', '/api/v1/namespaces/payments/pods', { token: tokenOf(seeded) });
    assert.equal(res.status, 401);
    assert.equal(
      status(await tokenReview(cluster, tokenOf(seeded))).error,
      "[invalid bearer token, the token in secret payments/api-legacy-token for service account payments/api has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the 'kubernetes.io/legacy-token-invalid-since' label from the secret to temporarily allow use of this token]",
    );
  });

  it('invalidates the token when the Secret is deleted or its data no longer matches', async () => {
    await createSecret('demo', 'throwaway', 'reader');
    const secret = await filled('demo', 'throwaway');
    const token = tokenOf(secret);
    const tampered = structuredClone(secret);
    (tampered.data as Record<string, string>).token = Buffer.from('other').toString('base64');
    const put = await call(cluster, 'PUT', '/api/v1/namespaces/demo/secrets/throwaway', { body: tampered });
    assert.equal(put.status, 200);
    assert.equal(status(await tokenReview(cluster, token)).error, "[invalid bearer token, Token does not match server's copy]");
    await call(cluster, 'DELETE', '/api/v1/namespaces/demo/secrets/throwaway');
    assert.equal(status(await tokenReview(cluster, token)).error, '[invalid bearer token, Token has been invalidated]');
  });

  it('deletes token Secrets of a missing ServiceAccount and of a deleted one', async () => {
    await createSecret('demo', 'orphan', 'nobody');
    await until(() => (cluster.store.get('v1', 'Secret', 'orphan', 'demo') ? undefined : true));
    cluster.store.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'temp', namespace: 'demo' } });
    await createSecret('demo', 'temp-token', 'temp');
    await filled('demo', 'temp-token');
    const del = await call(cluster, 'DELETE', '/api/v1/namespaces/demo/serviceaccounts/temp');
    assert.equal(del.status, 200);
    assert.equal(cluster.store.get('v1', 'Secret', 'temp-token', 'demo'), undefined);
  });
});
