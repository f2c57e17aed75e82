/**
 * TokenRequest behaviour that depends on the server's flags (productionLikeOptions(): 24 h max,
 * extension on, several API audiences) and on bound objects, the same on every backend.
 */
import * as assert from 'node:assert/strict';
import * as k from '../../src/kube/index';
import { claimsOf } from '../server/kube-fixture';
import { forEachBackend } from './env';

/** kube-apiserver's pkg/serviceaccount/claims.go: the extended lifetime of a pod-bound 3607 s token. */
const EXTENDED_SECONDS = 365 * 24 * 60 * 60;

interface BoundClaims {
  pod?: { name: string; uid: string };
  node?: { name: string; uid: string };
  warnafter?: number;
}

forEachBackend('TokenRequest flags and bound objects', (env) => {
  const sa = 'minted';
  const node = `k8s-tokens-diff-node-${k.randomSuffix(6)}`;

  before(async () => {
    await env.serviceAccount(sa);
  });

  after(async () => {
    await env.admin.request({ method: 'DELETE', path: `/api/v1/nodes/${node}` }).catch(() => undefined);
  });

  it('clamps a request above --service-account-max-token-expiration and says so in a Warning header', async () => {
    const max = env.cluster.maxTokenExpirationSeconds;
    assert.ok(max > 0, 'the differential backends run with a max expiration');
    const res = await k.requestToken(env.admin, { namespace: env.ns, serviceAccount: sa, expirationSeconds: max + 3600 });
    assert.equal(res.grantedSeconds, max);
    assert.deepEqual(res.warnings, [`requested expiration of ${max + 3600} seconds shortened to ${max} seconds`]);
    const claims = claimsOf(res.token);
    assert.equal(claims.exp - claims.iat, max);
  });

  it('defaults the audiences to --api-audiences, in their order', async () => {
    const res = await k.requestToken(env.admin, { namespace: env.ns, serviceAccount: sa });
    assert.deepEqual(res.audiences, env.cluster.apiAudiences);
    assert.deepEqual(claimsOf(res.token).aud, env.cluster.apiAudiences);
  });

  it('binds a token to a Pod on a Node: pod and node in the claims, and a 3607 s request extended to a year', async () => {
    const nodeObj = await env.admin.request<{ metadata: { uid: string } }>({ method: 'POST', path: '/api/v1/nodes', body: { apiVersion: 'v1', kind: 'Node', metadata: { name: node } } });
    const pod = await env.admin.request<{ metadata: { uid: string } }>({
      method: 'POST',
      path: `/api/v1/namespaces/${env.ns}/pods`,
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bound' }, spec: { serviceAccountName: sa, nodeName: node, containers: [{ name: 'app', image: 'registry.example/app:1' }] } },
    });
    const res = await k.requestToken(env.admin, { namespace: env.ns, serviceAccount: sa, expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', name: 'bound', uid: pod.body.metadata.uid } });
    // The status shows the requested 3607 s; only the JWT carries the extension.
    assert.equal(res.grantedSeconds, 3607);
    const claims = claimsOf(res.token);
    const kio = claims['kubernetes.io'] as BoundClaims;
    assert.deepEqual(kio.pod, { name: 'bound', uid: pod.body.metadata.uid });
    assert.deepEqual(kio.node, { name: node, uid: nodeObj.body.metadata.uid });
    assert.equal(claims.exp - claims.iat, EXTENDED_SECONDS);
    assert.equal(kio.warnafter, claims.iat + 3607);
    assert.equal((await k.tokenReview(env.admin, res.token)).authenticated, true);
  });

  it('refuses to bind to a Pod of another ServiceAccount with 400 and the API server message', async () => {
    await env.serviceAccount('other');
    await env.admin.request({
      method: 'POST',
      path: `/api/v1/namespaces/${env.ns}/pods`,
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'others' }, spec: { serviceAccountName: 'other', containers: [{ name: 'app', image: 'registry.example/app:1' }] } },
    });
    await assert.rejects(k.requestToken(env.admin, { namespace: env.ns, serviceAccount: sa, boundObjectRef: { kind: 'Pod', name: 'others' } }), (e: unknown) => {
      assert.ok(k.KubeError.is(e), String(e));
      assert.equal(e.status, 400);
      assert.match(e.message, /cannot bind token for serviceaccount "minted" to pod running with different serviceaccount name\./);
      return true;
    });
  });

  it('binds a token to a Secret and to a Node, with their names and uids in the claims', async () => {
    const secret = await k.createRevocableSecret(env.admin, env.ns, sa);
    const secretUid = (await k.secretUid(env.admin, env.ns, secret.name)) as string;
    const bySecret = claimsOf((await k.requestToken(env.admin, { namespace: env.ns, serviceAccount: sa, boundObjectRef: { kind: 'Secret', name: secret.name, uid: secretUid } })).token);
    assert.deepEqual((bySecret['kubernetes.io'] as { secret?: unknown }).secret, { name: secret.name, uid: secretUid });
    const nodeUid = (await env.admin.get<{ metadata: { uid: string } }>(`/api/v1/nodes/${node}`)).metadata.uid;
    const byNode = await k.requestToken(env.admin, { namespace: env.ns, serviceAccount: sa, expirationSeconds: 3607, boundObjectRef: { kind: 'Node', name: node } });
    const claims = claimsOf(byNode.token);
    assert.deepEqual((claims['kubernetes.io'] as BoundClaims).node, { name: node, uid: nodeUid });
    // Only a Pod-bound 3607 s token is extended.
    assert.equal(claims.exp - claims.iat, 3607);
    assert.equal((await k.tokenReview(env.admin, byNode.token)).authenticated, true);
  });

  it('does not extend a pod-bound 3607 s token that asks for other audiences', async () => {
    const pod = await env.admin.get<{ metadata: { uid: string } }>(`/api/v1/namespaces/${env.ns}/pods/bound`);
    const res = await k.requestToken(env.admin, { namespace: env.ns, serviceAccount: sa, expirationSeconds: 3607, audiences: ['vault', 'other.example'], boundObjectRef: { kind: 'Pod', name: 'bound', uid: pod.metadata.uid } });
    const claims = claimsOf(res.token);
    assert.deepEqual(claims.aud, ['vault', 'other.example']);
    assert.equal(claims.exp - claims.iat, 3607);
    assert.equal((claims['kubernetes.io'] as BoundClaims).warnafter, undefined);
  });

  it('refuses bound objects that are missing, recreated or of a kind that cannot be bound, and durations above 2^32 s', async () => {
    const raw = (spec: Record<string, unknown>) =>
      env.admin.request({ method: 'POST', path: `/api/v1/namespaces/${env.ns}/serviceaccounts/${sa}/token`, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec } });
    const fails = async (spec: Record<string, unknown>, status: number, message: string): Promise<void> => {
      await assert.rejects(raw(spec), (e: unknown) => {
        assert.ok(k.KubeError.is(e), String(e));
        assert.deepEqual([e.status, e.message], [status, message]);
        return true;
      }, JSON.stringify(spec));
    };
    await fails({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'ghost' } }, 404, 'pods "ghost" not found');
    await fails({ boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'ghost' } }, 404, 'secrets "ghost" not found');
    await fails({ boundObjectRef: { kind: 'Node', apiVersion: 'v1', name: `${node}-ghost` } }, 404, `nodes "${node}-ghost" not found`);
    await fails(
      { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'bound', uid: 'not-the-uid' } },
      409,
      'Operation cannot be fulfilled on Pod "bound": the UID in the bound object reference (not-the-uid) does not match the UID in record. The object might have been deleted and then recreated',
    );
    await fails({ boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'kube-root-ca.crt' } }, 400, 'cannot bind token to object of type /v1, Kind=ConfigMap');
    await fails({ boundObjectRef: { kind: 'Pod', apiVersion: 'apps/v1', name: 'bound' } }, 400, 'cannot bind token to object of type apps/v1, Kind=Pod');
    await fails({ expirationSeconds: 2 ** 32 + 1 }, 422, `TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: ${2 ** 32 + 1}: may not specify a duration larger than 2^32 seconds`);
  });
});

