import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubeError, MAX_CLUSTER_TEXT, clusterText, errorFromNetwork, errorFromResponse, parseForbiddenMessage } from '../../src/errors/kubeError';
import { describeKubeError } from '../../src/errors/describe';
import { parseWarnings } from '../../src/kube/http';
import { defaultKubeconfigFiles, loadKubeconfigs } from '../../src/kube/kubeconfig';
import { redactTokens } from '../../src/text/redact';

describe('kube errors', () => {
  it('parses a namespaced Forbidden message into the missing permission', () => {
    const msg = 'serviceaccounts "foo" is forbidden: User "bob" cannot create resource "serviceaccounts/token" in API group "" in the namespace "default"';
    assert.deepEqual(parseForbiddenMessage(msg), { user: 'bob', verb: 'create', resource: 'serviceaccounts', subresource: 'token', group: '', namespace: 'default' });
  });

  it('parses cluster-scope and non-resource Forbidden messages', () => {
    assert.deepEqual(parseForbiddenMessage('tokenreviews.authentication.k8s.io is forbidden: User "system:serviceaccount:a:b" cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope'), {
      user: 'system:serviceaccount:a:b', verb: 'create', resource: 'tokenreviews', group: 'authentication.k8s.io',
    });
    assert.deepEqual(parseForbiddenMessage('forbidden: User "system:anonymous" cannot get path "/openid/v1/jwks"'), {
      user: 'system:anonymous', verb: 'get', resource: '', group: '', path: '/openid/v1/jwks',
    });
    assert.equal(parseForbiddenMessage('something else'), undefined);
  });

  it('classifies Status responses and keeps the server message', () => {
    const notFound = errorFromResponse(404, JSON.stringify({ kind: 'Status', message: 'serviceaccounts "x" not found', reason: 'NotFound', code: 404 }));
    assert.equal(notFound.kind, 'notFound');
    assert.equal(notFound.message, 'serviceaccounts "x" not found');
    assert.equal(errorFromResponse(404, '404 page not found').kind, 'unsupported');
    const invalid = errorFromResponse(422, JSON.stringify({ message: 'TokenRequest.authentication.k8s.io "" is invalid: x', reason: 'Invalid' }));
    assert.equal(invalid.kind, 'invalid');
    const throttled = errorFromResponse(429, '{"message":"slow down"}', '3');
    assert.equal(throttled.kind, 'rateLimited');
    assert.equal(throttled.retryAfterSeconds, 3);
    assert.equal(errorFromResponse(503, 'oops').kind, 'server');
    const forbidden = errorFromResponse(403, JSON.stringify({ message: 'x is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "n"' }));
    assert.equal(forbidden.permission?.resource, 'pods');
  });

  it('classifies network failures', () => {
    assert.equal(errorFromNetwork(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'https://x').kind, 'unreachable');
    assert.equal(errorFromNetwork(Object.assign(new Error('self-signed'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), 'https://x').kind, 'tls');
    assert.equal(errorFromNetwork(new Error('socket hang up'), 'https://x').kind, 'connectionReset');
    assert.equal(errorFromNetwork(Object.assign(new Error('aborted'), { name: 'AbortError' }), 'https://x').kind, 'cancelled');
  });

  it('recognises KubeErrors structurally, across bundle copies', () => {
    const e = new KubeError({ kind: 'forbidden', message: 'no' });
    const copied = { ...e, brand: e.brand, kind: e.kind };
    assert.ok(KubeError.is(copied, 'forbidden'));
    assert.ok(!KubeError.is(copied, 'notFound'));
    assert.ok(!KubeError.is(new Error('plain')));
  });

  it('describes a 403 with the missing permission', () => {
    const e = errorFromResponse(403, JSON.stringify({ message: 'serviceaccounts "sa" is forbidden: User "jane" cannot create resource "serviceaccounts/token" in API group "" in the namespace "demo"' }));
    const text = describeKubeError(e, 'ctx');
    assert.match(text, /jane may not create serviceaccounts\/token in namespace "demo"/);
    assert.match(text, /^Context "ctx": /);
  });
});

describe('Warning headers', () => {
  it('extracts the clamp notice', () => {
    assert.deepEqual(parseWarnings('299 - "requested expiration of 7200 seconds shortened to 3600 seconds"'), ['requested expiration of 7200 seconds shortened to 3600 seconds']);
    assert.deepEqual(parseWarnings(['299 - "a \\"b\\""', '299 - "c", 299 - "d"']), ['a "b"', 'c', 'd']);
    assert.deepEqual(parseWarnings(undefined), []);
  });
});

describe('redactTokens', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

  it('removes JWTs and bearer credentials from text', () => {
    assert.equal(redactTokens(`token=${jwt} end`), 'token=<redacted token> end');
    assert.equal(redactTokens('Authorization: Bearer abcdefghijkl'), 'Authorization: Bearer <redacted>');
    assert.equal(redactTokens('nothing here'), 'nothing here');
  });

  it('removes every credential shape an exec plugin or a cluster may print', () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const cases: [string, string][] = [
      [`data:\n  token: ${b64(jwt)}`, 'data:\n  token: <redacted token>'],
      ['kubeadm join --token abcdef.0123456789abcdef 10.0.0.1:6443', 'kubeadm join --token <redacted token> 10.0.0.1:6443'],
      ['error: token 31ada4fd-adec-460c-809a-9e56ceb75269 rejected', 'error: token <redacted> rejected'],
      ['{"token":"8f3b0c6e1d2a4f5b9c7d0e1f2a3b4c5d","password": "hunter2x9"}', '{"token":"<redacted>","password": "<redacted>"}'],
      [`Authorization: Basic ${b64('admin:s3cr3t')}`, 'Authorization: Basic <redacted>'],
      ['using ya29.a0AfB_byC3xYzQ-0123456789abcdef', 'using <redacted token>'],
      ['{"status":{"token":"k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8_QWN0aW9u"}}', '{"status":{"token":"<redacted token>"}}'],
      [`token is ${jwt.slice(0, 25)}\n    ${jwt.slice(25)} (expired)`, 'token is <redacted token> (expired)'],
      [`cut: ${jwt.slice(0, 30)}`, 'cut: <redacted token>'],
    ];
    for (const [text, expected] of cases) assert.equal(redactTokens(text), expected, text);
  });

  it('leaves words and names that only look like credentials alone', () => {
    for (const text of [
      'Basic authentication failed',
      'token: expired',
      'Secret demo/reader-token-x7k2p has no token yet',
      'the token controller has not filled it',
      'uid 9a8b7c6d-3333-4e5f-a1b2-c3d4e5000003, version v1.30.2',
      'GET /api/v1/namespaces/demo/serviceaccounts/reader/token -> 201 (12 ms)',
      'host kube-apiserver.cluster1.example.com',
    ]) {
      assert.equal(redactTokens(text), text);
    }
  });
});

describe('cluster texts are bounded', () => {
  it('cuts a huge Status.message with an ellipsis and redacts it (150 KB of eyJ took 17 s in the tree before)', () => {
    const e = errorFromResponse(500, JSON.stringify({ kind: 'Status', message: `boom ${'eyJ'.repeat(50_000)}`, details: { causes: Array.from({ length: 100 }, () => ({ message: 'x'.repeat(10_000) })) } }));
    assert.equal(e.message, 'boom <redacted token>');
    const long = errorFromResponse(422, JSON.stringify({ kind: 'Status', message: 'y'.repeat(150_000), details: { causes: Array.from({ length: 100 }, () => ({ message: 'x'.repeat(10_000) })) } }));
    assert.equal(long.message.length, MAX_CLUSTER_TEXT);
    assert.ok(long.message.endsWith('…'));
    assert.equal(long.body?.details?.causes?.length, 20);
    assert.ok(long.body?.details?.causes?.every((c) => (c.message ?? '').length <= MAX_CLUSTER_TEXT));
    assert.ok(describeKubeError(long).length <= 4000);
  });

  it('ignores Status fields of the wrong type', () => {
    const e = errorFromResponse(429, JSON.stringify({ message: { a: 1 }, details: { retryAfterSeconds: '5', causes: 'x' } }));
    assert.equal(e.message, JSON.stringify({ message: { a: 1 }, details: { retryAfterSeconds: '5', causes: 'x' } }));
    assert.equal(e.retryAfterSeconds, undefined);
  });

  it('bounds the reasons of reviews (TokenReview status.error, access review reasons)', () => {
    assert.equal(clusterText('r'.repeat(150_000))?.length, MAX_CLUSTER_TEXT);
    assert.equal(clusterText('[invalid bearer token, Token has been invalidated]'), '[invalid bearer token, Token has been invalidated]');
    assert.equal(clusterText({ error: 'x' }), undefined);
  });

  it('keeps at most 20 Warning texts of 1,000 characters', () => {
    const w = parseWarnings(Array.from({ length: 50 }, () => `299 - "${'w'.repeat(5000)}"`));
    assert.equal(w.length, 20);
    assert.ok(w.every((t) => t.length === 1000 && t.endsWith('…')));
  });
});

describe('kubeconfig merge', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, text: string): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const kc = (ctx: string, cluster: string, server: string, current?: string): string => `apiVersion: v1
kind: Config
${current ? `current-context: ${current}\n` : ''}clusters:
- name: ${cluster}
  cluster: {server: "${server}"}
users:
- name: u-${ctx}
  user: {token: abc}
contexts:
- name: ${ctx}
  context: {cluster: ${cluster}, user: u-${ctx}, namespace: ns-${ctx}}
`;

  it('merges files like kubectl: first definition and first current-context win', () => {
    const a = file('a', kc('one', 'c1', 'https://a.example', 'one'));
    const b = file('b', kc('one', 'c1', 'https://b.example', 'two') + '');
    const c = file('c', kc('two', 'c2', 'https://c.example'));
    const loaded = loadKubeconfigs([a, b, c]);
    assert.deepEqual(loaded.contexts.map((x) => [x.name, x.server, x.isCurrent]), [
      ['one', 'https://a.example', true],
      ['two', 'https://c.example', false],
    ]);
    assert.equal(loaded.currentContext, 'one');
    assert.equal(loaded.configFor('two')?.cluster.server, 'https://c.example');
    assert.equal(loaded.configFor('missing'), undefined);
  });

  it('reports a broken file and still loads the others', () => {
    const bad = file('bad', 'clusters: [ {name: x\n  : : :');
    const good = file('good', kc('ok', 'c', 'https://ok.example'));
    const loaded = loadKubeconfigs([bad, good, path.join(dir, 'does-not-exist')]);
    assert.deepEqual(loaded.contexts.map((c) => c.name), ['ok']);
    assert.equal(loaded.problems.length, 1);
    assert.equal(loaded.problems[0].file, bad);
  });

  it('reports a context whose cluster is defined nowhere', () => {
    const f = file('dangling', `apiVersion: v1
kind: Config
clusters: []
users: [{name: u, user: {token: t}}]
contexts: [{name: lost, context: {cluster: gone, user: u}}]
`);
    const loaded = loadKubeconfigs([f]);
    assert.match(loaded.problems[0].message, /cluster "gone"/);
    assert.equal(loaded.configFor('lost'), undefined);
  });

  it("gives each context the expiry of its user's static JWT, and nothing for other tokens", () => {
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const jwt = `${b64({ alg: 'RS256' })}.${b64({ sub: 'system:serviceaccount:demo:ci', exp: 1_900_000_000 })}.c2ln`;
    const f = file('tokens', `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://c.example"}}]
users: [{name: jwt, user: {token: "${jwt}"}}, {name: opaque, user: {token: abc}}, {name: cert, user: {client-certificate-data: eA==}}]
contexts:
- {name: with-jwt, context: {cluster: c, user: jwt}}
- {name: with-opaque, context: {cluster: c, user: opaque}}
- {name: with-cert, context: {cluster: c, user: cert}}
`);
    const loaded = loadKubeconfigs([f]);
    assert.deepEqual(loaded.contexts.map((c) => [c.name, c.tokenExpiresAt]), [
      ['with-jwt', 1_900_000_000_000],
      ['with-opaque', undefined],
      ['with-cert', undefined],
    ]);
    assert.ok(!JSON.stringify(loaded.contexts).includes(jwt), 'the entries carry the expiry, never the token');
  });

  it('reads KUBECONFIG as a path list, then extra files, without duplicates', () => {
    const files = defaultKubeconfigFiles({ KUBECONFIG: ['/a', '/b', '/a'].join(path.delimiter) }, ['/c', '/b']);
    assert.deepEqual(files, ['/a', '/b', '/c']);
  });
});
