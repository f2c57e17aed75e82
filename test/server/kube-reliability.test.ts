/**
 * The cluster layer under the test server's injected faults: every failure is classified and
 * described (what happened, which server/context, what to do), only idempotent reads are retried
 * (checked with the server's request counts), requests are cancellable, and disposing a client
 * (a session reload) lets running requests finish.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeKubeError } from '../../src/errors/describe';
import { KubeConnections, type ClientOptions, type ContextClient } from '../../src/kube/index';
import { listServiceAccounts } from '../../src/kube/serviceAccounts';
import { requestToken } from '../../src/kube/tokenRequest';
import type { KubeconfigOptions, TestCluster } from '../../testserver/api';
import { closedPort, startTestCluster } from '../../testserver/index';
import { rejection } from './kube-fixture';

const SA_LIST = 'GET /api/v1/namespaces/demo/serviceaccounts';
const TOKEN = 'POST /api/v1/namespaces/demo/serviceaccounts/reader/token';



describe('kube layer: faults, retries, cancellation and reloads', function () {
  this.timeout(15000);
  let cluster: TestCluster;
  let dir: string;
  const conns: KubeConnections[] = [];
  let n = 0;

  const connect = (opts: KubeconfigOptions = {}, client: Partial<ClientOptions> = {}): { conns: KubeConnections; client: ContextClient } => {
    const file = cluster.writeKubeconfig(path.join(dir, `config-${n++}`), opts);
    const c = new KubeConnections([file], { timeoutMs: 5000, retries: 2, maxRetryAfterMs: 1000, ...client });
    conns.push(c);
    return { conns: c, client: c.client(opts.contextName ?? 'test-admin') };
  };
  const count = (key: string): number => cluster.requestCounts().get(key) ?? 0;
  const mint = (client: ContextClient, signal?: AbortSignal): ReturnType<typeof requestToken> => requestToken(client, { namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 3600 }, signal);

  before(async () => {
    cluster = await startTestCluster({ seed: 'demo' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-reliability-'));
  });
  after(async () => {
    for (const c of conns) c.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
    await cluster.close();
  });
  afterEach(() => cluster.setFault(undefined));

  describe('dispose (session reload) while requests run', () => {
    it('lets a slow GET finish instead of cutting it with "socket hang up", and does not retry it', async () => {
      const { conns: c, client } = connect({}, { retries: 0 });
      await listServiceAccounts(client, 'demo'); // a pooled keep-alive socket exists now
      cluster.setFault({ kind: 'latency', delayMs: 600, pathIncludes: '/namespaces/demo/serviceaccounts' });
      const before = count(SA_LIST);
      const running = listServiceAccounts(client, 'demo');
      await waitUntil(() => count(SA_LIST) > before);
      c.dispose(); // what ClusterSession.reload() does
      const page = await running;
      assert.ok(page.items.some((sa) => sa.name === 'reader'));
      assert.equal(count(SA_LIST), before + 1, 'answered by the first request, no retry needed');
    });

    it('lets a slow TokenRequest POST finish (POSTs are never retried, so a cut would lose the mint)', async () => {
      const { conns: c, client } = connect();
      cluster.setFault({ kind: 'latency', delayMs: 600, pathIncludes: '/serviceaccounts/reader/token' });
      const before = count(TOKEN);
      const running = mint(client);
      await waitUntil(() => count(TOKEN) > before);
      c.dispose();
      const r = await running;
      assert.match(r.token, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      assert.equal(count(TOKEN), before + 1);
    });

    it('closes the idle keep-alive sockets once the running requests are done, and still serves later requests', async () => {
      const { conns: c, client } = connect();
      const agentOf = (): http.Agent | undefined => (client as unknown as { agent?: http.Agent }).agent;
      const pooled = (): number => Object.values(agentOf()?.freeSockets ?? {}).reduce((sum, list) => sum + (list?.length ?? 0), 0);
      const open = (): number => Object.values(agentOf()?.sockets ?? {}).reduce((sum, list) => sum + (list?.length ?? 0), 0);
      await listServiceAccounts(client, 'demo');
      await waitUntil(() => pooled() > 0);
      cluster.setFault({ kind: 'latency', delayMs: 300, pathIncludes: '/namespaces/demo/serviceaccounts' });
      const running = listServiceAccounts(client, 'demo');
      await waitUntil(() => open() > 0);
      c.dispose();
      assert.equal(pooled(), 0, 'idle sockets closed at once');
      await running;
      await waitUntil(() => pooled() + open() === 0);
      cluster.setFault(undefined);
      assert.ok((await listServiceAccounts(client, 'demo')).items.length > 0, 'a request after dispose still works');
      await waitUntil(() => pooled() + open() === 0);
    });
  });

  describe('each fault gives a clear error; only reads are retried', () => {
    it('latency beyond the request timeout: a timeout naming the server and the setting, not retried', async () => {
      const { client } = connect({ contextName: 'slow' }, { timeoutMs: 1000 });
      cluster.setFault({ kind: 'latency', delayMs: 2000, pathIncludes: '/namespaces/demo/serviceaccounts' });
      const before = count(SA_LIST);
      const e = await rejection(listServiceAccounts(client, 'demo'));
      assert.equal(e.kind, 'timeout');
      assert.equal(e.message, `${cluster.url} did not answer within 1 s.`);
      assert.equal(
        describeKubeError(e, 'slow'),
        `Context "slow": The cluster did not answer in time: ${e.message} Check the network, or raise k8sTokens.requestTimeoutSeconds.`,
      );
      assert.equal(count(SA_LIST), before + 1, 'a timed-out read is not sent again');
    });

    it('429 with Retry-After: a GET waits and is retried, a TokenRequest POST is not', async () => {
      const { client } = connect({ contextName: 'busy' }, { retries: 2, maxRetryAfterMs: 1000 });
      cluster.setFault({ kind: 'status429', retryAfterSeconds: 1, pathIncludes: '/namespaces/demo/serviceaccounts' });
      const listBefore = count(SA_LIST);
      const e = await rejection(listServiceAccounts(client, 'demo'));
      assert.equal(e.kind, 'rateLimited');
      assert.equal(e.retryAfterSeconds, 1);
      assert.equal(count(SA_LIST), listBefore + 3, 'one request and two retries');
      assert.equal(describeKubeError(e, 'busy'), 'Context "busy": The cluster is throttling requests (429 Too Many Requests). Wait 1 s, then try again.');

      const tokenBefore = count(TOKEN);
      const p = await rejection(mint(client));
      assert.equal(p.kind, 'rateLimited');
      assert.equal(count(TOKEN), tokenBefore + 1, 'TokenRequest is a POST: never retried');

      cluster.setFault({ kind: 'status429', retryAfterSeconds: 1, pathIncludes: '/namespaces/demo/serviceaccounts', times: 1 });
      const recovered = await listServiceAccounts(client, 'demo');
      assert.ok(recovered.items.some((sa) => sa.name === 'reader'), 'the retry after Retry-After succeeds');
    });

    it('500: a GET is retried and recovers, a POST fails once with advice', async () => {
      const { client } = connect({ contextName: 'flaky' });
      cluster.setFault({ kind: 'status500', pathIncludes: '/namespaces/demo/serviceaccounts', times: 1 });
      const listBefore = count(SA_LIST);
      assert.ok((await listServiceAccounts(client, 'demo')).items.length > 0);
      assert.equal(count(SA_LIST), listBefore + 2);

      cluster.setFault({ kind: 'status500', pathIncludes: '/namespaces/demo/serviceaccounts' });
      const tokenBefore = count(TOKEN);
      const e = await rejection(mint(client));
      assert.equal(e.kind, 'server');
      assert.equal(count(TOKEN), tokenBefore + 1);
      assert.equal(
        describeKubeError(e, 'flaky'),
        'Context "flaky": The cluster answered with an internal error (500): Internal error occurred: injected fault. The API server may be overloaded or restarting: try again in a moment, and check its logs if it persists.',
      );
    });

    it('connection reset: a GET is retried and recovers, a POST is not retried', async () => {
      const { client } = connect({ contextName: 'reset' });
      cluster.setFault({ kind: 'reset', pathIncludes: '/namespaces/demo/serviceaccounts', times: 1 });
      const listBefore = count(SA_LIST);
      assert.ok((await listServiceAccounts(client, 'demo')).items.length > 0);
      assert.equal(count(SA_LIST), listBefore + 2);

      cluster.setFault({ kind: 'reset', pathIncludes: '/serviceaccounts/reader/token' });
      const tokenBefore = count(TOKEN);
      const e = await rejection(mint(client));
      assert.equal(e.kind, 'connectionReset');
      assert.equal(count(TOKEN), tokenBefore + 1);
      assert.match(e.message, new RegExp(`^Connection to ${escape(cluster.url)} was reset: `));
      assert.match(describeKubeError(e, 'reset'), /^Context "reset": The connection to the cluster was reset: Connection to https:\/\/127\.0\.0\.1:\d+ was reset: .+\. A proxy or load balancer may have closed it, or the API server restarted: try again\.$/);
    });

    it('TLS with an unknown CA: a tls error naming the server and the kubeconfig field to check', async () => {
      const { client } = connect({ contextName: 'bad-ca', wrongCa: true });
      const before = count(SA_LIST);
      const e = await rejection(listServiceAccounts(client, 'demo'));
      assert.equal(e.kind, 'tls');
      assert.equal(count(SA_LIST), before, 'the handshake failed: nothing reached the server');
      assert.match(
        describeKubeError(e, 'bad-ca'),
        new RegExp(`^Context "bad-ca": The cluster certificate is not trusted: TLS error talking to ${escape(cluster.url)}: .+ Check certificate-authority-data in your kubeconfig\\.$`),
      );
    });

    it('unreachable host (a closed port): names the server and says what to check', async () => {
      const port = await closedPort();
      const { client } = connect({ contextName: 'gone', server: `https://127.0.0.1:${port}` });
      const e = await rejection(listServiceAccounts(client, 'demo'));
      assert.equal(e.kind, 'unreachable');
      assert.equal(e.code, 'ECONNREFUSED');
      assert.equal(
        describeKubeError(e, 'gone'),
        `Context "gone": Cannot reach the cluster: Cannot reach https://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}. Check that the cluster is running, that the server address in the kubeconfig is right, and that any VPN or proxy it needs is on.`,
      );
    });
  });

  describe('cancellation', () => {
    // The faults below would hold the request for 60 s; the suite's 15 s timeout fails the test if an abort is not honoured.
    it('aborts a slow listing at once', async () => {
      const { client } = connect({}, { timeoutMs: 60_000 });
      cluster.setFault({ kind: 'latency', delayMs: 60_000, pathIncludes: '/namespaces/demo/serviceaccounts' });
      const ctrl = new AbortController();
      const before = count(SA_LIST);
      const running = rejection(listServiceAccounts(client, 'demo', { signal: ctrl.signal }));
      await waitUntil(() => count(SA_LIST) > before);
      ctrl.abort();
      const e = await running;
      assert.equal(e.kind, 'cancelled');
      assert.equal(describeKubeError(e), 'Cancelled.');
      assert.equal(count(SA_LIST), before + 1, 'a cancelled read is not retried');
    });

    it('aborts a slow TokenRequest', async () => {
      const { client } = connect({}, { timeoutMs: 60_000 });
      cluster.setFault({ kind: 'latency', delayMs: 60_000, pathIncludes: '/serviceaccounts/reader/token' });
      const ctrl = new AbortController();
      const before = count(TOKEN);
      const running = rejection(mint(client, ctrl.signal));
      await waitUntil(() => count(TOKEN) > before);
      ctrl.abort();
      assert.equal((await running).kind, 'cancelled');
    });

    it('aborts while waiting out a long Retry-After', async () => {
      const { client } = connect({}, { maxRetryAfterMs: 60_000 });
      cluster.setFault({ kind: 'status429', retryAfterSeconds: 60, pathIncludes: '/namespaces/demo/serviceaccounts' });
      const ctrl = new AbortController();
      const before = count(SA_LIST);
      const running = rejection(listServiceAccounts(client, 'demo', { signal: ctrl.signal }));
      await waitUntil(() => count(SA_LIST) > before);
      ctrl.abort();
      assert.equal((await running).kind, 'cancelled');
      assert.equal(count(SA_LIST), before + 1);
    });
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

async function waitUntil(probe: () => boolean): Promise<void> {
  while (!probe()) await new Promise((r) => setTimeout(r, 10));
}
