/**
 * TokenReview outcomes and issuer discovery, the same on every backend: the exact error texts the
 * doctor shows (bad signature, unknown kid, expired, not yet valid, wrong audience, another issuer,
 * a ServiceAccount or bound object that is gone or was recreated), tokens signed by the second
 * trusted key, and the discovery document and JWKS listing both keys.
 * Forged tokens are signed with the backend's own keys (`serviceAccountKeys`).
 */
import * as assert from 'node:assert/strict';
import * as k from '../../src/kube/index';
import type { ServiceAccountKeys } from '../../testserver/api';
import { keyId, signingKeyFromPem, signJwt } from '../../testserver/jwt';
import { claimsOf } from '../server/kube-fixture';
import { forEachBackend } from './env';

type Claims = Record<string, unknown> & { 'kubernetes.io': Record<string, unknown> };

forEachBackend(
  'TokenReview outcomes and issuer discovery',
  (env) => {
    const sa = 'reviewed';
    const node = `k8s-tokens-diff-node-${k.randomSuffix(6)}`;
    let saUid: string;
    let claims: Claims;
    let keys: ServiceAccountKeys;
    const sign = (which: keyof ServiceAccountKeys, payload: Record<string, unknown>): string => signJwt(signingKeyFromPem(keys[which].privateKeyPem), payload);
    const withRef = (ref: Record<string, unknown>): Claims => ({ ...claims, 'kubernetes.io': { ...claims['kubernetes.io'], ...ref } });
    const reviewError = async (token: string, audiences?: string[]): Promise<string | undefined> => {
      const r = await k.tokenReview(env.admin, token, audiences);
      assert.equal(r.authenticated, false, 'the token must not authenticate');
      return r.error;
    };

    before(async () => {
      keys = env.cluster.serviceAccountKeys as ServiceAccountKeys;
      saUid = await env.serviceAccount(sa);
      claims = claimsOf((await k.requestToken(env.admin, { namespace: env.ns, serviceAccount: sa })).token) as Claims;
      await env.admin.request({ method: 'POST', path: '/api/v1/nodes', body: { apiVersion: 'v1', kind: 'Node', metadata: { name: node } } });
    });

    after(async () => {
      await env.admin.request({ method: 'DELETE', path: `/api/v1/nodes/${node}` }).catch(() => undefined);
    });

    it('accepts a token signed by the second trusted key, and refuses a bad signature and an unknown kid', async () => {
      const trusted = await k.tokenReview(env.admin, sign('trusted', claims));
      assert.equal(trusted.authenticated, true, trusted.error);
      assert.deepEqual([trusted.user.username, trusted.user.uid], [`system:serviceaccount:${env.ns}:${sa}`, saUid]);
      const good = sign('signing', claims);
      const [h, p] = good.split('.');
      assert.equal(await reviewError(`${h}.${p}.${Buffer.alloc(256, 7).toString('base64url')}`), '[invalid bearer token, go-jose/go-jose: error in cryptographic primitive]');
      assert.equal(await reviewError(sign('unknown', claims)), '[invalid bearer token, invalid signature, no keys found]');
    });

    it('says why the times are wrong: expired, not yet valid, issued in the future', async () => {
      const now = Math.floor(Date.now() / 1000);
      assert.equal(await reviewError(sign('signing', { ...claims, iat: now - 7200, nbf: now - 7200, exp: now - 3600 })), '[invalid bearer token, service account token has expired]');
      assert.equal(await reviewError(sign('signing', { ...claims, iat: now + 7200, nbf: now + 7200, exp: now + 9000 })), '[invalid bearer token, service account token is not valid yet]');
      assert.equal(await reviewError(sign('signing', { ...claims, iat: now + 7200, nbf: now - 10, exp: now + 9000 })), '[invalid bearer token, service account token is issued in the future]');
    });

    it('names the audiences that do not match, and knows nothing of another issuer or of non-JWT text', async () => {
      const audiences = (claims.aud as string[]).map((a) => JSON.stringify(a)).join(' ');
      assert.equal(await reviewError(sign('signing', claims), ['other']), `[invalid bearer token, token audiences [${audiences}] is invalid for the target audiences ["other"]]`);
      assert.equal(await reviewError(sign('signing', { ...claims, iss: 'https://other.example' })), 'invalid bearer token');
      assert.equal(await reviewError('not-a-jwt'), 'invalid bearer token');
    });

    it('checks the ServiceAccount and the bound objects: gone, another UID', async () => {
      const zero = '00000000-0000-0000-0000-000000000000';
      assert.equal(await reviewError(sign('signing', withRef({ serviceaccount: { name: sa, uid: zero } }))), `[invalid bearer token, service account UID (${saUid}) does not match claim (${zero})]`);
      assert.equal(await reviewError(sign('signing', withRef({ serviceaccount: { name: 'ghost', uid: zero } }))), '[invalid bearer token, serviceaccounts "ghost" not found]');
      for (const ref of [{ secret: { name: 'ghost', uid: zero } }, { pod: { name: 'ghost', uid: zero } }, { node: { name: 'ghost', uid: zero } }]) {
        assert.equal(await reviewError(sign('signing', withRef(ref))), '[invalid bearer token, service account token has been invalidated]', JSON.stringify(ref));
      }
      const nodeUid = (await env.admin.get<{ metadata: { uid: string } }>(`/api/v1/nodes/${node}`)).metadata.uid;
      assert.equal(await reviewError(sign('signing', withRef({ node: { name: node, uid: zero } }))), `[invalid bearer token, node UID (${nodeUid}) does not match service account node ref claim (${zero})]`);
    });

    it('stops authenticating when the ServiceAccount is deleted, and a recreated one has another UID', async () => {
      await env.serviceAccount('recreated');
      const { token } = await k.requestToken(env.admin, { namespace: env.ns, serviceAccount: 'recreated' });
      await env.admin.request({ method: 'DELETE', path: `/api/v1/namespaces/${env.ns}/serviceaccounts/recreated` });
      await env.eventually(async () => (await k.tokenReview(env.admin, token)).error === '[invalid bearer token, serviceaccounts "recreated" not found]', 'the token of a deleted ServiceAccount is refused');
      const uid = await env.serviceAccount('recreated');
      const oldUid = ((claimsOf(token)['kubernetes.io'] as { serviceaccount: { uid: string } }).serviceaccount).uid;
      assert.equal(await reviewError(token), `[invalid bearer token, service account UID (${uid}) does not match claim (${oldUid})]`);
    });

    it('publishes both verifying keys in the JWKS, and a discovery document naming the issuer and its algorithms', async () => {
      const jwks = await env.admin.request<{ keys: { kid: string; kty: string; alg: string; use: string }[] }>({ method: 'GET', path: '/openid/v1/jwks', headers: { accept: 'application/jwk-set+json' } });
      const kid = (pem: string): string => keyId(signingKeyFromPem(pem).publicKey);
      assert.deepEqual(jwks.body.keys.map((j) => j.kid).sort(), [kid(keys.signing.privateKeyPem), kid(keys.trusted.privateKeyPem)].sort());
      assert.ok(jwks.body.keys.every((j) => j.use === 'sig' && j.kty === 'RSA' && j.alg === 'RS256'));
      const discovery = await env.admin.get<Record<string, unknown>>('/.well-known/openid-configuration');
      assert.deepEqual(
        { ...discovery, jwks_uri: undefined },
        { issuer: env.cluster.issuer, jwks_uri: undefined, response_types_supported: ['id_token'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] },
      );
      assert.match(String(discovery.jwks_uri), /^https:\/\/.+\/openid\/v1\/jwks$/);
      const verified = await k.verifyWithCluster(env.admin, sign('trusted', claims), { cache: new k.ClusterKeyCache() });
      assert.equal(verified.signature.status, 'verified');
    });

    it('serves the resources the extension writes in discovery, with the same kinds, scopes and verbs', async () => {
      const wanted = ['serviceaccounts', 'serviceaccounts/token', 'secrets', 'pods', 'configmaps', 'namespaces', 'nodes', 'roles', 'rolebindings', 'clusterroles', 'clusterrolebindings', 'deployments', 'jobs', 'cronjobs', 'networkpolicies', 'tokenreviews', 'subjectaccessreviews', 'selfsubjectrulesreviews'];
      const resources = await k.listApiResources(env.admin);
      const seen = wanted.map((name) => {
        const r = resources.find((x) => x.resource === name);
        return r && `${r.group}/${r.version} ${r.resource} ${r.kind} ${r.namespaced ? 'namespaced' : 'cluster'} [${[...r.verbs].sort().join(' ')}]`;
      });
      assert.deepEqual(seen, [
        '/v1 serviceaccounts ServiceAccount namespaced [create delete deletecollection get list patch update watch]',
        '/v1 serviceaccounts/token TokenRequest namespaced [create]',
        '/v1 secrets Secret namespaced [create delete deletecollection get list patch update watch]',
        '/v1 pods Pod namespaced [create delete deletecollection get list patch update watch]',
        '/v1 configmaps ConfigMap namespaced [create delete deletecollection get list patch update watch]',
        '/v1 namespaces Namespace cluster [create delete get list patch update watch]',
        '/v1 nodes Node cluster [create delete deletecollection get list patch update watch]',
        'rbac.authorization.k8s.io/v1 roles Role namespaced [create delete deletecollection get list patch update watch]',
        'rbac.authorization.k8s.io/v1 rolebindings RoleBinding namespaced [create delete deletecollection get list patch update watch]',
        'rbac.authorization.k8s.io/v1 clusterroles ClusterRole cluster [create delete deletecollection get list patch update watch]',
        'rbac.authorization.k8s.io/v1 clusterrolebindings ClusterRoleBinding cluster [create delete deletecollection get list patch update watch]',
        'apps/v1 deployments Deployment namespaced [create delete deletecollection get list patch update watch]',
        'batch/v1 jobs Job namespaced [create delete deletecollection get list patch update watch]',
        'batch/v1 cronjobs CronJob namespaced [create delete deletecollection get list patch update watch]',
        'networking.k8s.io/v1 networkpolicies NetworkPolicy namespaced [create delete deletecollection get list patch update watch]',
        'authentication.k8s.io/v1 tokenreviews TokenReview cluster [create]',
        'authorization.k8s.io/v1 subjectaccessreviews SubjectAccessReview cluster [create]',
        'authorization.k8s.io/v1 selfsubjectrulesreviews SelfSubjectRulesReview cluster [create]',
      ]);
    });
  },
  { only: ['testserver', 'kube-apiserver'] },
);
