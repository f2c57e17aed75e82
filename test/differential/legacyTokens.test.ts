/**
 * Legacy (Secret-based) ServiceAccount tokens, the same on every backend: the tokens controller
 * fills a `kubernetes.io/service-account-token` Secret, the token authenticates and marks the Secret
 * `kubernetes.io/legacy-token-last-used` (a UTC date), `kubernetes.io/legacy-token-invalid-since`
 * refuses it with the API server's text, and deleting the Secret revokes it.
 */
import * as assert from 'node:assert/strict';
import * as k from '../../src/kube/index';
import { claimsOf } from '../server/kube-fixture';
import { forEachBackend } from './env';

interface SecretBody {
  type: string;
  metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
}

const LAST_USED = 'kubernetes.io/legacy-token-last-used';
const INVALID_SINCE = 'kubernetes.io/legacy-token-invalid-since';

forEachBackend('legacy token Secrets', (env) => {
  const sa = 'legacy';
  let saUid: string;
  const secretPath = (name: string): string => `/api/v1/namespaces/${env.ns}/secrets/${name}`;
  const filled = async (name: string): Promise<SecretBody> => {
    let secret: SecretBody | undefined;
    await env.eventually(async () => {
      secret = await env.admin.get<SecretBody>(secretPath(name));
      return Boolean(secret.data?.token);
    }, `the tokens controller fills ${name}`);
    return secret as SecretBody;
  };
  const decode = (b64: string | undefined): string => Buffer.from(b64 ?? '', 'base64').toString('utf8');

  before(async () => {
    saUid = await env.serviceAccount(sa);
  });

  it('fills a token Secret with token, ca.crt, namespace and the ServiceAccount uid', async () => {
    const created = await k.createLegacyTokenSecret(env.admin, env.ns, sa);
    const secret = await filled(created.name);
    assert.equal(secret.type, 'kubernetes.io/service-account-token');
    assert.deepEqual(Object.keys(secret.data ?? {}).sort(), ['ca.crt', 'namespace', 'token']);
    assert.equal(decode(secret.data?.namespace), env.ns);
    assert.equal(decode(secret.data?.['ca.crt']).trim(), env.cluster.caPem.trim());
    assert.equal(secret.metadata.annotations?.['kubernetes.io/service-account.uid'], saUid);
    const claims = claimsOf(decode(secret.data?.token));
    assert.deepEqual(
      { iss: claims.iss, sub: claims.sub, exp: claims.exp, secret: claims['kubernetes.io/serviceaccount/secret.name'], uid: claims['kubernetes.io/serviceaccount/service-account.uid'] },
      { iss: 'kubernetes/serviceaccount', sub: `system:serviceaccount:${env.ns}:${sa}`, exp: undefined, secret: created.name, uid: saUid },
    );
  });

  it('marks the Secret with the UTC date of the last use', async () => {
    const created = await k.createLegacyTokenSecret(env.admin, env.ns, sa);
    const token = decode((await filled(created.name)).data?.token);
    const review = await k.tokenReview(env.admin, token);
    assert.equal(review.authenticated, true, review.error);
    assert.equal(review.user.username, `system:serviceaccount:${env.ns}:${sa}`);
    const today = new Date().toISOString().slice(0, 10);
    await env.eventually(async () => (await env.admin.get<SecretBody>(secretPath(created.name))).metadata.labels?.[LAST_USED] === today, `${LAST_USED} is ${today}`);
  });

  it(`refuses a token whose Secret is labelled ${INVALID_SINCE}, and one whose Secret is gone`, async () => {
    const created = await k.createLegacyTokenSecret(env.admin, env.ns, sa);
    const token = decode((await filled(created.name)).data?.token);
    await env.admin.request({ method: 'PATCH', path: secretPath(created.name), body: { metadata: { labels: { [INVALID_SINCE]: '2026-01-01' } } }, headers: { 'content-type': 'application/merge-patch+json' } });
    await env.eventually(async () => {
      const r = await k.tokenReview(env.admin, token);
      return (
        r.error ===
        `[invalid bearer token, the token in secret ${env.ns}/${created.name} for service account ${env.ns}/${sa} has been marked invalid. ` +
          `Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the '${INVALID_SINCE}' label from the secret to temporarily allow use of this token]`
      );
    }, 'the invalid-since label refuses the token');
    await k.deleteSecret(env.admin, env.ns, created.name);
    await env.eventually(async () => (await k.tokenReview(env.admin, token)).error === '[invalid bearer token, Token has been invalidated]', 'the token of a deleted Secret is refused');
  });

  it('refuses a token Secret without the ServiceAccount annotation with 422', async () => {
    await assert.rejects(
      env.admin.request({ method: 'POST', path: `/api/v1/namespaces/${env.ns}/secrets`, body: { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: 'unannotated' } } }),
      (e: unknown) => {
        assert.ok(k.KubeError.is(e, 'invalid'), String(e));
        assert.equal(e.message, 'Secret "unannotated" is invalid: metadata.annotations[kubernetes.io/service-account.name]: Required value');
        return true;
      },
    );
  });
});
