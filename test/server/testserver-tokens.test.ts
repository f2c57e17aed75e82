/**
 * TokenRequest and JWT layout of the test server, checked over HTTPS against the reference (§1, §2, §6, §9).
 */
import * as assert from 'node:assert/strict';
import { createHash, createPublicKey, type JsonWebKey } from 'node:crypto';
import * as jose from 'jose';
import type { TestCluster } from '../../testserver/api';
import { startTestCluster } from '../../testserver/index';
import { keyId, publicJwk, signingKeyFromPem } from '../../testserver/jwt';
import { call, decodePart, JWKS_ACCEPT, mint, rawPart, tokenRequest, tokenReview } from './testserver-helpers';
import { ecdsaJwk, ecdsaKid, ecdsaPrivateKey, rsaJwk, rsaKid, rsaPrivateKey, rsaPublicKey } from './testserver-keys';

const kubeAudience = 'https://kubernetes.default.svc.cluster.local';

describe('test server: TokenRequest and JWTs', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(() => cluster.close());

  it('answers 201 with the reference response shape (null boundObjectRef, SA uid, clamped/defaulted spec)', async () => {
    const res = await tokenRequest(cluster, 'demo', 'reader', { audiences: null, expirationSeconds: null, boundObjectRef: null });
    assert.equal(res.status, 201);
    const sa = cluster.store.get('v1', 'ServiceAccount', 'reader', 'demo');
    const body = res.body as { metadata: Record<string, string>; spec: Record<string, unknown>; status: { token: string; expirationTimestamp: string } };
    assert.deepEqual(Object.keys(body), ['kind', 'apiVersion', 'metadata', 'spec', 'status']);
    assert.equal(body.metadata.uid, sa?.metadata.uid);
    assert.deepEqual(Object.keys(body.metadata), ['name', 'namespace', 'uid', 'creationTimestamp']);
    assert.match(res.text, /"spec":\{"audiences":\["https:\/\/kubernetes\.default\.svc\.cluster\.local"\],"expirationSeconds":3600,"boundObjectRef":null\}/);
    assert.match(body.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(Date.parse(body.status.expirationTimestamp) - Date.parse(body.metadata.creationTimestamp), 3600_000);
    const claims = decodePart(body.status.token, 1);
    assert.equal(Number(claims.iat) * 1000, Date.parse(body.metadata.creationTimestamp));
  });

  it('lays out the JWT like go-jose v2: sorted compact header and payload, aud always an array', async () => {
    const token = await mint(cluster, 'demo', 'reader', { audiences: ['only-one'] });
    const header = rawPart(token, 0);
    assert.match(header, /^\{"alg":"RS256","kid":"[\w-]{43}"\}$/);
    const payload = rawPart(token, 1);
    assert.match(payload, /^\{"aud":\["only-one"\],"exp":\d+,"iat":\d+,"iss":"https:\/\/kubernetes\.default\.svc\.cluster\.local","jti":"[0-9a-f-]{36}","kubernetes\.io":\{"namespace":"demo","serviceaccount":\{"name":"reader","uid":"[0-9a-f-]{36}"\}\},"nbf":\d+,"sub":"system:serviceaccount:demo:reader"\}$/);
  });

  it('publishes a JWKS that verifies minted tokens with jose, kid = base64url(sha256(SPKI))', async () => {
    const token = await mint(cluster, 'demo', 'reader');
    const jwks = await call(cluster, 'GET', '/openid/v1/jwks', { headers: JWKS_ACCEPT });
    const keys = jwks.body.keys as jose.JWK[];
    assert.equal(keys.length, 1);
    assert.deepEqual(Object.keys(keys[0]), ['use', 'kty', 'kid', 'alg', 'n', 'e']);
    const spki = createPublicKey({ key: keys[0] as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'der' });
    assert.equal(keys[0].kid, createHash('sha256').update(spki).digest('base64url'));
    assert.equal(decodePart(token, 0).kid, keys[0].kid);
    const key = await jose.importJWK(keys[0], 'RS256');
    const verified = await jose.jwtVerify(token, key, { issuer: cluster.issuer, audience: kubeAudience });
    assert.equal(verified.payload.sub, 'system:serviceaccount:demo:reader');
  });

  it('derives the kids of the §9.2 test keys and their §9.3 JWKS entries', () => {
    const rsa = createPublicKey(rsaPublicKey);
    assert.equal(keyId(rsa), rsaKid);
    assert.equal(JSON.stringify(publicJwk({ alg: 'RS256', kid: keyId(rsa), publicKey: rsa })), rsaJwk);
    const ec = signingKeyFromPem(ecdsaPrivateKey);
    assert.equal(ec.kid, ecdsaKid);
    assert.equal(JSON.stringify(publicJwk(ec)), ecdsaJwk);
  });

  it('returns the exact 422 Status for a short duration (and allows 600 s and 2^32 s)', async () => {
    const res = await tokenRequest(cluster, 'demo', 'reader', { expirationSeconds: 60 });
    assert.equal(res.status, 422);
    assert.equal(
      res.text,
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"TokenRequest.authentication.k8s.io \\"\\" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes","reason":"Invalid","details":{"group":"authentication.k8s.io","kind":"TokenRequest","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: 60: may not specify a duration less than 10 minutes","field":"spec.expirationSeconds"}]},"code":422}',
    );
    assert.equal((await tokenRequest(cluster, 'demo', 'reader', { expirationSeconds: 600 })).status, 201);
    assert.equal((await tokenRequest(cluster, 'demo', 'reader', { expirationSeconds: 2 ** 32 })).status, 201);
    const big = await tokenRequest(cluster, 'demo', 'reader', { expirationSeconds: 2 ** 32 + 1 });
    assert.equal(big.body.message, 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds');
  });

  it('follows the processing order: namespace mismatch 400, missing ns 404, name 422, SA 404, UID 409', async () => {
    const ns = await tokenRequest(cluster, 'demo', 'reader', {}, { metadata: { namespace: 'payments' } });
    assert.equal(ns.status, 400);
    assert.equal(ns.body.message, 'the namespace of the provided object does not match the namespace sent on the request');
    const missingNs = await tokenRequest(cluster, 'nowhere', 'nope', { expirationSeconds: 60 });
    assert.equal(missingNs.text, '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"namespaces \\"nowhere\\" not found","reason":"NotFound","details":{"name":"nowhere","kind":"namespaces"},"code":404}');
    const name = await tokenRequest(cluster, 'demo', 'reader', {}, { metadata: { name: 'other' } });
    assert.equal(name.status, 422);
    assert.match(String(name.body.message), /metadata\.name: Invalid value: "other": must match the service account name if specified$/);
    const missingSa = await tokenRequest(cluster, 'demo', 'ghost', { expirationSeconds: 60 });
    assert.equal(missingSa.text, '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"serviceaccounts \\"ghost\\" not found","reason":"NotFound","details":{"name":"ghost","kind":"serviceaccounts"},"code":404}');
    const sa = cluster.store.get('v1', 'ServiceAccount', 'reader', 'demo');
    const uid = await tokenRequest(cluster, 'demo', 'reader', {}, { metadata: { uid: 'old-uid' } });
    assert.equal(uid.status, 409);
    assert.equal(uid.body.message, `Operation cannot be fulfilled on TokenRequest.authentication.k8s.io "reader": the UID in the token request (old-uid) does not match the UID of the service account (${sa?.metadata.uid})`);
    assert.equal((await tokenRequest(cluster, 'demo', 'reader', {}, { metadata: { uid: sa?.metadata.uid } })).status, 201);
  });

  it('returns the exact 403 Status for a user without the permission', async () => {
    const res = await tokenRequest(cluster, 'demo', 'reader', {}, { token: cluster.userToken('bob') });
    assert.equal(
      res.text,
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"serviceaccounts \\"reader\\" is forbidden: User \\"bob\\" cannot create resource \\"serviceaccounts/token\\" in API group \\"\\" in the namespace \\"demo\\"","reason":"Forbidden","details":{"name":"reader","kind":"serviceaccounts"},"code":403}',
    );
  });

  it('rejects unsupported bound kinds and groups, and missing bound objects', async () => {
    const cm = await tokenRequest(cluster, 'demo', 'reader', { boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'x' } });
    assert.equal(cm.status, 400);
    assert.equal(cm.body.message, 'cannot bind token to object of type /v1, Kind=ConfigMap');
    const appsPod = await tokenRequest(cluster, 'demo', 'ci-deployer', { boundObjectRef: { kind: 'Pod', apiVersion: 'apps/v1', name: 'web-0' } });
    assert.equal(appsPod.body.message, 'cannot bind token to object of type apps/v1, Kind=Pod');
    const secret = await tokenRequest(cluster, 'demo', 'reader', { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'gone' } });
    assert.equal(secret.status, 404);
    assert.equal(secret.body.message, 'secrets "gone" not found');
    const node = await tokenRequest(cluster, 'demo', 'reader', { boundObjectRef: { kind: 'Node', name: 'node-9' } });
    assert.equal(node.body.message, 'nodes "node-9" not found');
    const uid = await tokenRequest(cluster, 'demo', 'reader', { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'reader-token', uid: 'x' } });
    assert.equal(uid.status, 409);
    assert.deepEqual(uid.body.details, { name: 'reader-token', kind: 'Secret' });
  });

  it('extends only pod-bound 3607 s tokens with API audiences; the status keeps 3607 s', async () => {
    const bound = { kind: 'Pod', apiVersion: 'v1', name: 'web-0' };
    const res = await tokenRequest(cluster, 'demo', 'ci-deployer', { expirationSeconds: 3607, boundObjectRef: bound });
    const body = res.body as { metadata: { creationTimestamp: string }; spec: { expirationSeconds: number }; status: { token: string; expirationTimestamp: string } };
    assert.equal(body.spec.expirationSeconds, 3607);
    assert.equal(Date.parse(body.status.expirationTimestamp) - Date.parse(body.metadata.creationTimestamp), 3607_000);
    const claims = decodePart(body.status.token, 1);
    assert.equal(Number(claims.exp) - Number(claims.iat), 31536000);
    const lifetime = async (spec: Record<string, unknown>): Promise<number> => {
      const c = decodePart(String(((await tokenRequest(cluster, 'demo', 'ci-deployer', spec)).body.status as { token: string }).token), 1);
      return Number(c.exp) - Number(c.iat);
    };
    assert.equal(await lifetime({ expirationSeconds: 3607, boundObjectRef: bound, audiences: ['vault'] }), 3607);
    assert.equal(await lifetime({ expirationSeconds: 3607 }), 3607);
    assert.equal(await lifetime({ expirationSeconds: 3608, boundObjectRef: bound }), 3608);
    cluster.configure({ extendTokenExpiration: false });
    try {
      assert.equal(await lifetime({ expirationSeconds: 3607, boundObjectRef: bound }), 3607);
    } finally {
      cluster.configure({ extendTokenExpiration: true });
    }
  });

  it('clamps to the max expiration with the Warning header; a clamped 3607 is not extended', async () => {
    cluster.configure({ maxTokenExpirationSeconds: 3600 });
    try {
      const res = await tokenRequest(cluster, 'demo', 'ci-deployer', { expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-0' } });
      assert.equal(res.headers.warning, '299 - "requested expiration of 3607 seconds shortened to 3600 seconds"');
      assert.equal((res.body.spec as { expirationSeconds: number }).expirationSeconds, 3600);
      const claims = decodePart(String((res.body.status as { token: string }).token), 1);
      assert.equal(Number(claims.exp) - Number(claims.iat), 3600);
      assert.equal((claims['kubernetes.io'] as Record<string, unknown>).warnafter, undefined);
    } finally {
      cluster.configure({ maxTokenExpirationSeconds: 0 });
    }
  });

  it('rejects a max expiration outside 1 h..2^32 s like the flag validation', () => {
    assert.throws(() => cluster.configure({ maxTokenExpirationSeconds: 60 }), /the service-account-max-token-expiration must be between 1 hour and 2\^32 seconds/);
  });
});

describe('test server: issuers, audiences and ES256', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ keyType: 'ES256', issuers: ['https://issuer.example.com', 'https://old.example.com'], seed: 'empty' });
  });
  after(() => cluster.close());

  it('signs ES256 with the first issuer; the audiences default to all issuers', async () => {
    const token = await mint(cluster, 'default', 'default');
    assert.match(rawPart(token, 0), /^\{"alg":"ES256","kid":"[\w-]{43}"\}$/);
    const claims = decodePart(token, 1);
    assert.equal(claims.iss, 'https://issuer.example.com');
    assert.deepEqual(claims.aud, ['https://issuer.example.com', 'https://old.example.com']);
    const jwks = await call(cluster, 'GET', '/openid/v1/jwks', { headers: JWKS_ACCEPT });
    const key = (jwks.body.keys as jose.JWK[])[0];
    assert.deepEqual(Object.keys(key), ['use', 'kty', 'kid', 'crv', 'alg', 'x', 'y']);
    const verified = await jose.jwtVerify(token, await jose.importJWK(key, 'ES256'), { issuer: 'https://issuer.example.com', audience: 'https://old.example.com' });
    assert.equal(verified.protectedHeader.alg, 'ES256');
  });

  it('serves the discovery document for the first issuer, algs sorted', async () => {
    const res = await call(cluster, 'GET', '/.well-known/openid-configuration');
    const port = new URL(cluster.url).port;
    assert.equal(
      res.text,
      `{"issuer":"https://issuer.example.com","jwks_uri":"https://127.0.0.1:${port}/openid/v1/jwks","response_types_supported":["id_token"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["ES256"]}`,
    );
  });

  it('uses --api-audiences for defaulting once configured', async () => {
    cluster.configure({ apiAudiences: ['api', 'k3s'] });
    try {
      assert.deepEqual(decodePart(await mint(cluster, 'default', 'default'), 1).aud, ['api', 'k3s']);
    } finally {
      cluster.configure({ apiAudiences: [] });
    }
  });
});

describe('test server: signing with the reference test keys; several issuers', () => {
  it('publishes the §9.3 JWKS entry and kid when signing with the §9.2 RSA key', async () => {
    const cluster = await startTestCluster({ signingKeyPem: rsaPrivateKey, seed: 'empty' });
    try {
      assert.equal((await call(cluster, 'GET', '/openid/v1/jwks', { headers: JWKS_ACCEPT })).text, `{"keys":[${rsaJwk}]}`);
      const token = await mint(cluster, 'default', 'default');
      assert.equal(rawPart(token, 0), `{"alg":"RS256","kid":"${rsaKid}"}`);
      await jose.jwtVerify(token, await jose.importSPKI(rsaPublicKey, 'RS256'), { audience: kubeAudience });
    } finally {
      await cluster.close();
    }
  });

  it('accepts tokens from every configured issuer, not only the first', async () => {
    const old = await startTestCluster({ signingKeyPem: ecdsaPrivateKey, issuers: ['https://old.example.com'], seed: 'empty' });
    const token = await mint(old, 'default', 'default');
    await old.close();
    const both = await startTestCluster({ signingKeyPem: ecdsaPrivateKey, issuers: ['https://new.example.com', 'https://old.example.com'], seed: 'empty' });
    const onlyNew = await startTestCluster({ signingKeyPem: ecdsaPrivateKey, issuers: ['https://new.example.com'], seed: 'empty' });
    try {
      // Same key and issuer accepted: the token gets as far as the ServiceAccount UID check.
      const accepted = (await tokenReview(both, token, ['https://old.example.com'])).body.status as { error: string };
      assert.match(accepted.error, /^\[invalid bearer token, service account UID \(.+\) does not match claim \(.+\)\]$/);
      const ignored = (await tokenReview(onlyNew, token, ['https://old.example.com'])).body.status as { error: string };
      assert.equal(ignored.error, 'invalid bearer token');
    } finally {
      await both.close();
      await onlyNew.close();
    }
  });
});
