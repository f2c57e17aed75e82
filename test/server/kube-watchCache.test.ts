/**
 * The watch cache of src/kube against the test server: real HTTPS streams, the server's fault
 * hooks (connection dropped mid-stream, forced 410, compaction while disconnected), bookmarks,
 * continue-token expiry, cluster-wide versus per-namespace placement decided by a
 * SelfSubjectAccessReview, and disposal (a session reload) ending every watch at once.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClusterCache, KubeConnections, Reflector, collectionListerWatcher, type ContextClient } from '../../src/kube/index';
import { toServiceAccount, type ServiceAccountInfo } from '../../src/kube/serviceAccounts';
import type { KubeconfigOptions, TestCluster } from '../../testserver/api';
import { startTestCluster } from '../../testserver/index';

async function waitUntil(probe: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('kube layer: watch cache against the test server', function () {
  this.timeout(20000);
  let cluster: TestCluster;
  let dir: string;
  const conns: KubeConnections[] = [];
  const reflectors: Reflector<unknown>[] = [];
  let n = 0;

  const connect = (opts: KubeconfigOptions = {}): { conns: KubeConnections; client: ContextClient } => {
    const file = cluster.writeKubeconfig(path.join(dir, `config-${n++}`), opts);
    const c = new KubeConnections([file], { timeoutMs: 5000, retries: 0, maxRetryAfterMs: 1000 });
    conns.push(c);
    return { conns: c, client: c.client(opts.contextName ?? 'test-admin') };
  };
  /** A cluster-wide ServiceAccount reflector with fast back-off-free settings. */
  const saReflector = (client: ContextClient, pageSize = 500): Reflector<ServiceAccountInfo> => {
    const r = new Reflector(collectionListerWatcher(client, '/api/v1/serviceaccounts', (o) => toServiceAccount(o)), { name: 'test sa', pageSize });
    reflectors.push(r as Reflector<unknown>);
    r.start();
    return r;
  };
  const serverNames = (): string[] => cluster.store.list('v1', 'ServiceAccount').map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();
  const storeNames = (r: Reflector<ServiceAccountInfo>): string[] => r.store.list().map((i) => `${i.namespace}/${i.name}`).sort();
  const inSync = (r: Reflector<ServiceAccountInfo>): boolean => JSON.stringify(storeNames(r)) === JSON.stringify(serverNames());
  const count = (key: string): number => cluster.requestCounts().get(key) ?? 0;
  const create = (namespace: string, name: string): void => void cluster.store.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
  const remove = (namespace: string, name: string): boolean => cluster.store.delete('v1', 'ServiceAccount', name, namespace);

  before(async () => {
    cluster = await startTestCluster();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-watch-'));
  });
  afterEach(() => {
    cluster.setFault(undefined);
    for (const r of reflectors.splice(0)) r.stop();
  });
  after(async () => {
    for (const c of conns) c.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
    await cluster.close();
  });

  it('lists, then follows creates and deletes made elsewhere', async () => {
    const r = saReflector(connect().client);
    await r.waitForSync();
    assert.ok(inSync(r));
    create('demo', 'w-created');
    await waitUntil(() => r.store.get('demo', 'w-created') !== undefined, 'the created SA');
    remove('demo', 'w-created');
    await waitUntil(() => r.store.get('demo', 'w-created') === undefined, 'the deleted SA gone');
    assert.ok(inSync(r));
  });

  it('survives a connection dropped mid-stream, with a create and a delete while it was away: nothing lost, nothing twice', async () => {
    const r = saReflector(connect().client);
    await r.waitForSync();
    await waitUntil(() => r.state === 'watching', 'watching');
    create('demo', 'w-before');
    await waitUntil(() => r.store.get('demo', 'w-before') !== undefined, 'w-before');
    const lists = count('GET /api/v1/serviceaccounts');
    // The next watch is cut after one event; the reconnect after it fails once (500).
    cluster.setFault({ kind: 'watchDrop', afterEvents: 1, times: 1 });
    create('demo', 'w-gone-soon'); // the event that the current watch delivers...
    await waitUntil(() => r.store.get('demo', 'w-gone-soon') !== undefined, 'w-gone-soon');
    remove('demo', 'w-before'); // ...while these wait for the resumed one
    remove('demo', 'w-gone-soon');
    create('payments', 'w-while-away');
    await waitUntil(() => inSync(r) && r.store.get('payments', 'w-while-away') !== undefined, 'the store equal to the server');
    const items = r.store.list();
    assert.equal(new Set(items.map((i) => `${i.namespace}/${i.name}`)).size, items.length);
    remove('payments', 'w-while-away');
    await waitUntil(() => inSync(r), 'in sync');
    assert.ok(count('GET /api/v1/serviceaccounts') >= lists);
  });

  it('relists after a 410: a delete and a compaction while disconnected', async () => {
    const r = saReflector(connect().client);
    await r.waitForSync();
    await waitUntil(() => r.state === 'watching', 'watching');
    create('demo', 'w-compacted');
    await waitUntil(() => r.store.get('demo', 'w-compacted') !== undefined, 'created');
    r.stop(); // disconnected (as while the view is hidden)
    remove('demo', 'w-compacted');
    cluster.compact();
    const before = count('GET /api/v1/serviceaccounts');
    r.start(); // resumes from its resourceVersion: 410, then a relist
    await waitUntil(() => r.store.get('demo', 'w-compacted') === undefined && inSync(r) && r.state === 'watching', 'the deleted SA gone after the relist');
    await waitUntil(() => count('GET /api/v1/serviceaccounts') >= before + 3, 'the expired watch, the relist and the new watch');
  });

  it('relists when the server answers a watch with an ERROR event (forced 410)', async () => {
    const r = saReflector(connect().client);
    await r.waitForSync();
    await waitUntil(() => r.state === 'watching', 'watching');
    const before = count('GET /api/v1/serviceaccounts');
    cluster.setFault({ kind: 'watchExpired', times: 1 });
    r.stop();
    r.start();
    await waitUntil(() => count('GET /api/v1/serviceaccounts') > before + 1 && r.state === 'watching', 'a relist and a new watch');
    create('demo', 'w-after-410');
    await waitUntil(() => r.store.get('demo', 'w-after-410') !== undefined, 'live again');
    remove('demo', 'w-after-410');
    await waitUntil(() => inSync(r), 'in sync');
  });

  it('moves its resume point on bookmarks', async () => {
    cluster.configure({ watchBookmarkIntervalMs: 100 });
    try {
      const r = saReflector(connect().client);
      await r.waitForSync();
      const rv = Number(r.store.resourceVersion);
      // Changes the ServiceAccount watch does not see move the revision on.
      cluster.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w-bump', namespace: 'demo' } });
      await waitUntil(() => Number(r.store.resourceVersion) > rv, 'a bookmark past the ConfigMap');
      assert.ok(inSync(r));
      cluster.store.delete('v1', 'ConfigMap', 'w-bump', 'demo');
    } finally {
      cluster.configure({ watchBookmarkIntervalMs: 60_000 });
    }
  });

  it('finishes a paged list whose continue token expired with one full list', async () => {
    const { client } = connect();
    const lw = collectionListerWatcher(client, '/api/v1/serviceaccounts', (o) => toServiceAccount(o));
    const list = lw.list.bind(lw);
    lw.list = async (opts) => {
      const page = await list(opts);
      if (opts.continueToken === undefined && opts.limit !== undefined) cluster.compact();
      return page;
    };
    const r = new Reflector(lw, { name: 'paged', pageSize: 3 });
    reflectors.push(r as Reflector<unknown>);
    const pages = count('GET /api/v1/serviceaccounts');
    r.start();
    await r.waitForSync();
    assert.equal(count('GET /api/v1/serviceaccounts') - pages, 3, 'first page, the expired continue, one full list');
    assert.ok(inSync(r));
  });

  it('watches cluster-wide for a user who may list everywhere, per namespace otherwise', async () => {
    const admin = new ClusterCache(connect().client, { lingerMs: 50 });
    await admin.watchNamespace('demo');
    const adminContents = await admin.contents('demo');
    assert.ok(adminContents.serviceAccounts.some((s) => s.name === 'reader'));
    assert.ok(Array.isArray(adminContents.tokenSecrets) && adminContents.tokenSecrets.some((s) => s.name === 'reader-token'));
    assert.deepEqual(Object.values(await admin.scope()).map((p) => p.clusterWide), [true, true, true]);

    // A namespace reader: list/watch ServiceAccounts in demo only, no Secrets.
    cluster.store.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'sa-watcher', namespace: 'demo' }, rules: [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'list', 'watch'] }] });
    cluster.store.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'sa-watcher', namespace: 'demo' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'sa-watcher' }, subjects: [{ kind: 'User', name: 'nora', apiGroup: 'rbac.authorization.k8s.io' }] });
    const nora = new ClusterCache(connect({ contextName: 'nora', token: cluster.userToken('nora') }).client, { lingerMs: 50 });
    const before = count('GET /api/v1/namespaces/demo/serviceaccounts');
    const lease = await nora.watchNamespace('demo');
    const contents = await nora.contents('demo');
    assert.deepEqual(Object.values(await nora.scope()).map((p) => p.clusterWide), [false, false, false]);
    assert.ok(contents.serviceAccounts.some((s) => s.name === 'reader'));
    assert.ok(!Array.isArray(contents.tokenSecrets) && contents.tokenSecrets.kind === 'forbidden', 'Secrets: the reason instead of a list');
    assert.ok(count('GET /api/v1/namespaces/demo/serviceaccounts') > before, 'listed in the namespace');
    const changes: string[] = [];
    nora.onDidChange((c) => changes.push(...c.contents));
    create('demo', 'w-nora');
    await waitUntil(() => changes.includes('demo'), 'a change in demo');
    assert.ok((await nora.contents('demo')).serviceAccounts.some((s) => s.name === 'w-nora'));
    await assert.rejects(nora.contents('kube-system'), (e: unknown) => (e as { kind?: string }).kind === 'forbidden');
    lease.dispose();
    remove('demo', 'w-nora');
    admin.dispose();
    nora.dispose();
  });

  it('stops watching a while after the last lease, and catches up when leased again', async () => {
    const cache = new ClusterCache(connect().client, { lingerMs: 100 });
    const lease = await cache.watchNamespace('demo');
    await cache.contents('demo');
    const changes: string[] = [];
    cache.onDidChange((c) => changes.push(...c.contents));
    lease.dispose();
    await new Promise((r) => setTimeout(r, 400)); // past the linger time: the watch is closed
    create('demo', 'w-while-stopped');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(changes.join(), '', 'nothing is watched while nothing shows it');
    const lease2 = await cache.watchNamespace('demo');
    await waitUntil(() => changes.includes('demo'), 'the change made while stopped');
    assert.ok((await cache.contents('demo')).serviceAccounts.some((s) => s.name === 'w-while-stopped'));
    lease2.dispose();
    cache.dispose();
    remove('demo', 'w-while-stopped');
  });

  it('disposing the connections (a session reload) ends open watches at once and releases the sockets', async () => {
    const { conns: c, client } = connect();
    const agentOf = (): http.Agent | undefined => (client as unknown as { agent?: http.Agent }).agent;
    const sockets = (): number => ['sockets', 'freeSockets'].reduce((sum, k) => sum + Object.values((agentOf() as unknown as Record<string, Record<string, unknown[]>>)?.[k] ?? {}).reduce((s, l) => s + (l?.length ?? 0), 0), 0);
    const cache = c.cache('test-admin');
    await cache.watchNamespace('demo');
    await cache.contents('demo');
    await waitUntil(() => sockets() > 0, 'the watch connection');
    c.dispose();
    await waitUntil(() => sockets() === 0, 'every socket closed', 3000);
  });
});
