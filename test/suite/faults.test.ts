/**
 * Reliability in the real workbench, against the test API server's injected faults: latency beyond
 * the request timeout, 429 with Retry-After, 500, connection reset, an unknown CA and a closed port.
 * Each gives a clear error (what happened, which context/server, what to do); only reads are retried
 * (the server's request counts); slow work is cancellable through a CancellationToken; a session
 * reload does not cut a running mint; kept tokens are untouched and the tree recovers on Retry.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/common/commandIds';
import type { ExtensionApi } from '../../src/extension';
import { KubeError } from '../../src/errors/kubeError';
import { ClusterSession } from '../../src/kube/session';
import type { MintOutcome } from '../../src/tokens/mint';
import type { ErrorNode, TreeNode } from '../../src/tree/model';
import type { Fault } from '../../testserver/api';
import { closedPort } from '../../testserver/index';
import { adminContextLoaded, getApi, resetKubeconfigs, testCluster, testserverOnly, waitFor, writeExtraKubeconfig, type TestCluster } from './helpers';

const NS = 'kube-node-lease'; // seeded with only `default`; no other suite lists it
// The tree lists ServiceAccounts once per cluster (its watch cache), not per namespace.
const LIST = 'GET /api/v1/serviceaccounts';
const TOKEN = 'POST /api/v1/namespaces/demo/serviceaccounts/reader/token';
const target = { context: 'test-admin', namespace: 'demo', serviceAccount: 'reader' };

const label = (api: ExtensionApi, n: TreeNode): string => {
  const l = api.tree.provider.getTreeItem(n).label;
  return typeof l === 'string' ? l : (l?.label ?? '');
};
const children = async (api: ExtensionApi, n?: TreeNode): Promise<TreeNode[]> => (await api.tree.provider.getChildren(n)) ?? [];
async function walk(api: ExtensionApi, ...names: string[]): Promise<TreeNode> {
  let node: TreeNode | undefined;
  for (const name of names) {
    const all = await children(api, node);
    node = all.find((c) => label(api, c) === name);
    assert.ok(node, `no "${name}" among ${all.map((c) => label(api, c)).join(', ')}`);
  }
  return node as TreeNode;
}
const setting = (key: string, value: unknown): Thenable<void> => vscode.workspace.getConfiguration('k8sTokens').update(key, value, vscode.ConfigurationTarget.Global);

/** Changes a connection setting and waits for the session reload it causes. */
async function reloadWith(api: ExtensionApi, key: string, value: unknown): Promise<void> {
  let reloads = 0;
  const sub = api.services.session.onDidChange(() => reloads++);
  try {
    await setting(key, value);
    await waitFor(() => (reloads > 0 ? true : undefined), `the session reload after ${key}`);
  } finally {
    sub.dispose();
  }
}
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');


/** Kept tokens, metadata and values, to prove a failure changed nothing. */
async function keptSnapshot(api: ExtensionApi): Promise<string> {
  const list = api.tokenStore.list();
  return JSON.stringify(await Promise.all(list.map(async (t) => [t, await api.tokenStore.token(t.id)])));
}

// Injected faults exist only on the test server.
describe('Faults: clear errors, retries of reads only, cancellation, no state lost [testserver-only]', () => {
  let api: ExtensionApi;
  let cluster: TestCluster;
  let keptId: string | undefined;
  const count = (key: string): number => cluster.requestCounts().get(key) ?? 0;

  before(async () => {
    cluster = testserverOnly(await testCluster());
    api = await getApi();
    await adminContextLoaded(api);
    // A kept token that must survive every failure below.
    const kept = await vscode.commands.executeCommand<MintOutcome>(CommandIds.mintToken, { ...target, duration: '1h', keep: true });
    assert.equal(kept?.status, 'minted');
    keptId = kept?.status === 'minted' ? kept.kept?.id : undefined;
  });
  after(async () => {
    if (keptId) await vscode.commands.executeCommand(CommandIds.forgetToken, { id: keptId });
  });
  afterEach(async () => {
    cluster.setFault(undefined);
    await setting('requestTimeoutSeconds', undefined);
    await resetKubeconfigs();
  });

  /**
   * Loads NS's children under `fault` in a fresh session (so the watch cache lists for the first
   * time): the single error node, how many GETs were sent, then Retry without the fault.
   */
  async function treeUnder(fault: Fault): Promise<{ node: ErrorNode; text: string; sent: number }> {
    cluster.setFault({ ...fault, pathIncludes: '/api/v1/serviceaccounts' });
    const before = count(LIST);
    api.services.session.reload(); // new connections, new caches (and a tree refresh)
    const ns = await walk(api, 'test-admin', NS);
    const kids = await children(api, ns);
    const sent = count(LIST) - before;
    cluster.setFault(undefined);
    assert.equal(kids.length, 1, kids.map((k) => label(api, k)).join(' | '));
    const node = kids[0];
    assert.equal(node.kind, 'error');
    const text = label(api, node);
    await vscode.commands.executeCommand(CommandIds.retry, node);
    const fresh = await walk(api, 'test-admin', NS);
    assert.deepEqual((await children(api, fresh)).map((k) => label(api, k)), ['default'], 'the tree recovers on Retry');
    return { node: node as ErrorNode, text, sent };
  }

  it('latency beyond the request timeout: names the server and the setting, not retried, recovers', async () => {
    await reloadWith(api, 'requestTimeoutSeconds', 1);
    const { node, text, sent } = await treeUnder({ kind: 'latency', delayMs: 2500 });
    assert.equal(node.errorKind, 'timeout');
    assert.equal(text, `Context "test-admin": The cluster did not answer in time: ${cluster.url} did not answer within 1 s. Check the network, or raise k8sTokens.requestTimeoutSeconds.`);
    assert.equal(sent, 1);
  });

  it('429 with Retry-After: the listing is retried after the wait, then explained; recovers', async () => {
    const { node, text, sent } = await treeUnder({ kind: 'status429', retryAfterSeconds: 1 });
    assert.equal(node.errorKind, 'rateLimited');
    assert.equal(text, 'Context "test-admin": The cluster is throttling requests (429 Too Many Requests). Wait 1 s, then try again.');
    assert.equal(sent, 3, 'one GET and two retries');
  });

  it('500: the listing is retried, then explained with advice; recovers', async () => {
    const { node, text, sent } = await treeUnder({ kind: 'status500' });
    assert.equal(node.errorKind, 'server');
    assert.equal(text, 'Context "test-admin": The cluster answered with an internal error (500): Internal error occurred: injected fault. The API server may be overloaded or restarting: try again in a moment, and check its logs if it persists.');
    assert.equal(sent, 3);
  });

  it('connection reset: the listing is retried, then explained with advice; recovers', async () => {
    const { node, text, sent } = await treeUnder({ kind: 'reset' });
    assert.equal(node.errorKind, 'connectionReset');
    assert.match(text, new RegExp(`^Context "test-admin": The connection to the cluster was reset: Connection to ${escape(cluster.url)} was reset: .+\\. A proxy or load balancer may have closed it, or the API server restarted: try again\\.$`));
    assert.equal(sent, 3);
  });

  it('a mint is never retried under 429, 500 or a reset, and kept tokens stay as they were', async () => {
    const kept = await keptSnapshot(api);
    const cases: [Fault['kind'], string, RegExp][] = [
      ['status429', 'rateLimited', /^Context "test-admin": The cluster is throttling requests \(429 Too Many Requests\)\. Wait 1 s, then try again\.$/],
      ['status500', 'server', /^Context "test-admin": The cluster answered with an internal error \(500\): .+ try again in a moment/],
      ['reset', 'connectionReset', /^Context "test-admin": The connection to the cluster was reset: .+ try again\.$/],
    ];
    for (const [kind, errorKind, message] of cases) {
      cluster.setFault({ kind, retryAfterSeconds: 1, pathIncludes: '/serviceaccounts/reader/token' });
      const before = count(TOKEN);
      const r = await vscode.commands.executeCommand<MintOutcome>(CommandIds.mintToken, { ...target, duration: '1h', keep: true });
      assert.equal(r?.status, 'failed', kind);
      if (r?.status !== 'failed') return;
      assert.equal(r.errorKind, errorKind);
      assert.match(r.message, message);
      assert.equal(count(TOKEN) - before, 1, `${kind}: TokenRequest is a POST, sent once`);
    }
    assert.equal(await keptSnapshot(api), kept, 'no kept token added, changed or lost');
    cluster.setFault(undefined);
    const again = await vscode.commands.executeCommand<MintOutcome>(CommandIds.mintToken, { ...target, duration: '1h' });
    assert.equal(again?.status, 'minted', 'minting works again once the fault is gone');
  });

  it('unknown CA and a closed port: error nodes naming the server and what to check', async () => {
    const port = await closedPort();
    await writeExtraKubeconfig({ contextName: 'fault-bad-ca', wrongCa: true });
    await writeExtraKubeconfig({ contextName: 'fault-closed-port', server: `https://127.0.0.1:${port}` });
    await waitFor(async () => ((await children(api)).some((n) => n.kind === 'context' && n.entry.name === 'fault-closed-port') ? true : undefined), 'the extra contexts');
    const tls = await children(api, await walk(api, 'fault-bad-ca'));
    assert.equal(tls[0]?.kind === 'error' && tls[0].errorKind, 'tls');
    assert.match(label(api, tls[0]), new RegExp(`^Context "fault-bad-ca": The cluster certificate is not trusted: TLS error talking to ${escape(cluster.url)}: .+ Check certificate-authority-data in your kubeconfig\\.$`));
    const closed = await children(api, await walk(api, 'fault-closed-port'));
    assert.equal(closed[0]?.kind === 'error' && closed[0].errorKind, 'unreachable');
    assert.equal(
      label(api, closed[0]),
      `Context "fault-closed-port": Cannot reach the cluster: Cannot reach https://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}. Check that the cluster is running, that the server address in the kubeconfig is right, and that any VPN or proxy it needs is on.`,
    );
  });

  it('cancels a slow listing and a slow mint through a CancellationToken', async () => {
    // The fault holds each request for 60 s, beyond the 30 s test timeout: only a working cancel lets the test pass.
    await reloadWith(api, 'requestTimeoutSeconds', 120);
    const kube = api.services.session.module();
    const client = await waitFor(() => api.services.session.connections().client('test-admin'), 'a client');
    for (const [path, key, start] of [
      [`/namespaces/${NS}/serviceaccounts`, `GET /api/v1/namespaces/${NS}/serviceaccounts`, (signal?: AbortSignal) => kube.listServiceAccounts(client, NS, { signal })],
      ['/serviceaccounts/reader/token', TOKEN, (signal?: AbortSignal) => kube.requestToken(client, { namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 3600 }, signal)],
    ] as const) {
      cluster.setFault({ kind: 'latency', delayMs: 60_000, pathIncludes: path });
      const cts = new vscode.CancellationTokenSource();
      const bridge = ClusterSession.signalFor(cts.token);
      const before = count(key);
      const running = (start(bridge.signal) as Promise<unknown>).then(
        () => undefined,
        (e: unknown) => e,
      );
      await waitFor(() => (count(key) > before ? true : undefined), `${key} to reach the server`);
      cts.cancel();
      const e = await running;
      bridge.dispose();
      cts.dispose();
      assert.ok(KubeError.is(e, 'cancelled'), `${key}: ${String(e)}`);
      assert.equal(count(key) - before, 1, 'a cancelled request is not retried');
    }
  });

  it('a settings change (session reload) while a mint runs does not cut it', async () => {
    cluster.setFault({ kind: 'latency', delayMs: 1500, pathIncludes: '/serviceaccounts/reader/token' });
    const before = count(TOKEN);
    const running = vscode.commands.executeCommand<MintOutcome>(CommandIds.mintToken, { ...target, duration: '1h' });
    await waitFor(() => (count(TOKEN) > before ? true : undefined), 'the TokenRequest to reach the server');
    await reloadWith(api, 'requestTimeoutSeconds', 25); // the old connections are disposed mid-request
    const r = await running;
    assert.equal(r?.status, 'minted', JSON.stringify(r));
    assert.equal(count(TOKEN) - before, 1);
  });
});
