/**
 * What a request carries for each kind of kubeconfig user (credentials.ts), without a server: the
 * precedence client-go applies, impersonation headers, client certificate files, and the auth
 * providers kubectl removed. Plus the ExecCredential output parser under arbitrary input.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { ContextCredentials, ExecPlugins } from '../../src/kube/credentials';
import { KubeError } from '../../src/errors/kubeError';
import { parseExecCredential } from '../../src/kube/execCredential';
import type { KubeCluster, KubeUser } from '../../src/kube/kubeconfigModel';

const CLUSTER: KubeCluster = { name: 'c', server: 'https://c.example', skipTLSVerify: false, caData: Buffer.from('CA PEM').toString('base64') };
const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (exp: number): string => `${b64({ alg: 'RS256' })}.${b64({ sub: 'me', exp })}.c2ln`;

describe('kube credentials: what a request carries', () => {
  let dir: string;
  const plugins = new ExecPlugins();
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-creds-unit-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  after(() => plugins.dispose());

  const prepare = (user: KubeUser, cluster: KubeCluster = CLUSTER): ReturnType<ContextCredentials['prepare']> =>
    new ContextCredentials({ name: 'ctx', cluster, user }, plugins).prepare(new AbortController().signal);
  const failure = async (user: KubeUser, cluster?: KubeCluster): Promise<KubeError> => {
    const e = await prepare(user, cluster).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(KubeError.is(e, 'kubeconfig'), `expected a kubeconfig error, got ${String(e)}`);
    return e;
  };

  it('sends a static token, and trusts the inline CA', async () => {
    const p = await prepare({ name: 'u', token: 'abc' });
    assert.equal(p.headers.authorization, 'Bearer abc');
    assert.equal(p.tls.ca?.toString(), 'CA PEM');
    assert.equal(p.tls.rejectUnauthorized, true);
  });

  it('sends basic auth for username and password', async () => {
    const p = await prepare({ name: 'u', username: 'jane', password: 'pw' });
    assert.equal(p.headers.authorization, `Basic ${Buffer.from('jane:pw').toString('base64')}`);
  });

  it('prefers the token file over the inline token when it can be read (client-go)', async () => {
    fs.writeFileSync(path.join(dir, 't'), 'from-file\n');
    assert.equal((await prepare({ name: 'u', token: 'inline', tokenFile: path.join(dir, 't') })).headers.authorization, 'Bearer from-file');
    assert.equal((await prepare({ name: 'u', token: 'inline', tokenFile: path.join(dir, 'missing') })).headers.authorization, 'Bearer inline', 'the inline token is the fallback');
  });

  it('adds impersonation headers from as, as-uid, as-groups and as-user-extra', async () => {
    const p = await prepare({ name: 'u', token: 't', impersonate: { user: 'bob', uid: '42', groups: ['g1', 'g2'], extra: [['reason/why', ['audit']]] } });
    assert.equal(p.headers['impersonate-user'], 'bob');
    assert.equal(p.headers['impersonate-uid'], '42');
    assert.deepEqual(p.headers['impersonate-group'], ['g1', 'g2']);
    assert.deepEqual(p.headers['impersonate-extra-reason%2Fwhy'], ['audit']);
  });

  it('reads client certificate and key files, and refuses a certificate without a key', async () => {
    fs.writeFileSync(path.join(dir, 'crt'), 'CERT');
    fs.writeFileSync(path.join(dir, 'key'), 'KEY');
    const p = await prepare({ name: 'u', certFile: path.join(dir, 'crt'), keyFile: path.join(dir, 'key') });
    assert.equal(p.tls.cert?.toString(), 'CERT');
    assert.equal(p.tls.key?.toString(), 'KEY');
    assert.equal(p.headers.authorization, undefined);
    assert.match((await failure({ name: 'u', certFile: path.join(dir, 'crt') })).message, /no client-key/);
  });

  it('names a CA file it cannot read, and refuses a huge one', async () => {
    assert.match((await failure({ name: 'u', token: 't' }, { ...CLUSTER, caData: undefined, caFile: path.join(dir, 'nope.pem') })).message, /nope\.pem.*does not exist/);
    fs.writeFileSync(path.join(dir, 'big.pem'), Buffer.alloc(2 * 1024 * 1024));
    assert.match((await failure({ name: 'u', token: 't' }, { ...CLUSTER, caData: undefined, caFile: path.join(dir, 'big.pem') })).message, /larger than 1 MB/);
  });

  it('refuses a cluster without a server', async () => {
    assert.match((await failure({ name: 'u', token: 't' }, { ...CLUSTER, server: '' })).message, /has no server/);
  });

  it('uses a valid OIDC id-token as it is', async () => {
    const token = jwt(Math.floor(Date.now() / 1000) + 600);
    const p = await prepare({ name: 'u', authProvider: { name: 'oidc', config: { 'id-token': token } } });
    assert.equal(p.headers.authorization, `Bearer ${token}`);
  });

  it('explains an expired OIDC id-token that cannot be refreshed (through client-node, loaded on demand)', async () => {
    const e = await failure({ name: 'u', authProvider: { name: 'oidc', config: { 'id-token': jwt(1000) } } });
    assert.match(e.message, /expired and cannot be refreshed/);
  });

  it('points the removed gcp and azure auth providers to their credential plugins, as kubectl does', async () => {
    assert.match((await failure({ name: 'u', authProvider: { name: 'gcp', config: {} } })).message, /removed in v1\.26.*gke-gcloud-auth-plugin/);
    assert.match((await failure({ name: 'u', authProvider: { name: 'azure', config: {} } })).message, /kubelogin/);
  });

  it('skips the exec plugin when the user has a client certificate of its own (client-go)', async () => {
    const p = await prepare({ name: 'u', certData: Buffer.from('C').toString('base64'), keyData: Buffer.from('K').toString('base64'), exec: { command: 'k8s-tokens-never-run', args: [], env: [], apiVersion: 'client.authentication.k8s.io/v1', provideClusterInfo: false, interactiveMode: 'Never' } });
    assert.equal(p.tls.cert?.toString(), 'C');
  });
});

describe('ExecCredential output parser', () => {
  const v1 = 'client.authentication.k8s.io/v1';
  const out = (status: unknown, apiVersion = v1): string => JSON.stringify({ apiVersion, kind: 'ExecCredential', status });

  it('accepts a token or a certificate and key pair, with an optional expiry', () => {
    assert.deepEqual(parseExecCredential(out({ token: 't', expirationTimestamp: '2030-01-01T00:00:00Z' }), v1), { token: 't', clientCertificateData: undefined, clientKeyData: undefined, expiresAt: Date.parse('2030-01-01T00:00:00Z') });
    assert.equal(typeof parseExecCredential(out({ clientCertificateData: 'c', clientKeyData: 'k' }), v1), 'object');
  });

  it('rejects what client-go rejects', () => {
    for (const [stdout, why] of [
      ['not json', /not JSON/],
      [out({ token: 't' }, 'client.authentication.k8s.io/v1beta1'), /apiVersion/],
      [JSON.stringify({ apiVersion: v1, kind: 'Other', status: { token: 't' } }), /not an ExecCredential/],
      [JSON.stringify({ apiVersion: v1, kind: 'ExecCredential' }), /no status/],
      [out({}), /neither a token/],
      [out({ clientCertificateData: 'c' }), /not both/],
      [out({ token: 't', expirationTimestamp: 'soon' }), /not a time/],
    ] as const) {
      const r = parseExecCredential(stdout, v1);
      assert.equal(typeof r, 'string');
      assert.match(r as string, why);
    }
  });

  it('never throws on arbitrary output, and never returns a credential without a token or a full pair', () => {
    const anyJson = fc.oneof(fc.string(), fc.jsonValue().map((j) => JSON.stringify(j)), fc.record({ apiVersion: fc.constantFrom(v1, 'x'), kind: fc.constantFrom('ExecCredential', 'y'), status: fc.jsonValue() }).map((j) => JSON.stringify(j)));
    fc.assert(
      fc.property(anyJson, (stdout) => {
        const r = parseExecCredential(stdout, v1);
        if (typeof r === 'object') assert.ok(r.token !== undefined || (r.clientCertificateData !== undefined && r.clientKeyData !== undefined));
      }),
      { numRuns: 500 },
    );
  });
});
