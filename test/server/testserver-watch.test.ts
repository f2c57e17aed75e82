/**
 * The test server's watch, held to kube-apiserver's (staging/src/k8s.io/apiserver/pkg/storage/
 * cacher): replay from a resourceVersion within the history window, 410 Expired as an ERROR event
 * carrying a Status once it is older, BOOKMARK events only when asked for, `timeoutSeconds`,
 * DELETED events at the deletion's resourceVersion, the fault hooks (drop mid-stream, forced 410),
 * and list continue tokens that a compaction expires (410 with a fresh continue in the Status).
 * The real kubectl's `get -w` runs against it too.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { TestCluster } from '../../testserver/api';
import { startTestCluster } from '../../testserver/index';
import { call, Kubectl, watchLines } from './testserver-helpers';

const SA = (namespace: string, name: string): Parameters<TestCluster['store']['create']>[0] => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });

describe('test server: watch semantics of kube-apiserver', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ watchBookmarkIntervalMs: 200 });
  });
  after(() => cluster.close());
  afterEach(() => {
    cluster.setFault(undefined);
    cluster.configure({ watchHistoryEvents: 10_000 });
  });

  const listRv = async (path: string): Promise<string> => String(((await call(cluster, 'GET', path)).body.metadata as { resourceVersion: string }).resourceVersion);

  it('replays the changes after a resourceVersion, in order, then streams live ones; DELETED carries the deletion resourceVersion', async () => {
    const rv = await listRv('/api/v1/namespaces/demo/serviceaccounts');
    const created = cluster.store.create(SA('demo', 'replayed'));
    cluster.store.create(SA('payments', 'other-namespace'));
    cluster.store.delete('v1', 'ServiceAccount', 'replayed', 'demo');
    const r = await watchLines(cluster, `/api/v1/namespaces/demo/serviceaccounts?watch=true&resourceVersion=${rv}`, {
      onOpen: () => cluster.store.create(SA('demo', 'live')),
      until: (lines) => lines.length >= 3,
    });
    assert.deepEqual(r.lines.map((l) => `${l.type} ${l.object.metadata?.name}`), ['ADDED replayed', 'DELETED replayed', 'ADDED live']);
    const [added, deleted, live] = r.lines.map((l) => Number(l.object.metadata?.resourceVersion));
    assert.equal(String(added), created.metadata.resourceVersion);
    assert.ok(deleted > added + 1, 'the deletion is a later revision (a create elsewhere came between)');
    assert.ok(live > deleted);
    cluster.store.delete('v1', 'ServiceAccount', 'live', 'demo');
    cluster.store.delete('v1', 'ServiceAccount', 'other-namespace', 'payments');
  });

  it('without a resourceVersion starts with the current objects as ADDED', async () => {
    const r = await watchLines(cluster, '/api/v1/namespaces/demo/serviceaccounts?watch=true', { until: (lines) => lines.some((l) => l.object.metadata?.name === 'reader') });
    assert.ok(r.lines.every((l) => l.type === 'ADDED'));
    assert.ok(r.lines.some((l) => l.object.metadata?.name === 'ci-deployer'));
  });

  it('answers a resourceVersion older than the history with one ERROR event (410 Expired Status) and ends', async () => {
    cluster.configure({ watchHistoryEvents: 2 });
    const rv = await listRv('/api/v1/serviceaccounts');
    for (const n of ['h1', 'h2', 'h3']) cluster.store.create(SA('demo', n));
    const r = await watchLines(cluster, `/api/v1/serviceaccounts?watch=true&resourceVersion=${rv}`);
    assert.equal(r.status, 200, 'an authorized watch that cannot start still answers 200 (cacher newErrWatcher)');
    assert.equal(r.end, 'server');
    assert.equal(r.lines.length, 1);
    assert.equal(r.lines[0].type, 'ERROR');
    const status = r.lines[0].object;
    assert.deepEqual(Object.keys(status), ['kind', 'apiVersion', 'metadata', 'status', 'message', 'reason', 'code']);
    assert.equal(status.reason, 'Expired');
    assert.equal(status.code, 410);
    assert.match(String(status.message), new RegExp(`^too old resource version: ${rv} \\(\\d+\\)$`));
    const recent = await watchLines(cluster, `/api/v1/serviceaccounts?watch=true&resourceVersion=${Number(rv) + 2}`, { until: (lines) => lines.length >= 1 });
    assert.deepEqual(recent.lines.map((l) => `${l.type} ${l.object.metadata?.name}`), ['ADDED h3'], 'within the window it replays');
    for (const n of ['h1', 'h2', 'h3']) cluster.store.delete('v1', 'ServiceAccount', n, 'demo');
  });

  it('expires every resourceVersion handed out before a compaction; a list made after it can be watched', async () => {
    const rv = await listRv('/api/v1/serviceaccounts');
    cluster.compact();
    const old = await watchLines(cluster, `/api/v1/serviceaccounts?watch=true&resourceVersion=${rv}`);
    assert.equal(old.lines[0].type, 'ERROR');
    const fresh = await listRv('/api/v1/serviceaccounts');
    const r = await watchLines(cluster, `/api/v1/serviceaccounts?watch=true&resourceVersion=${fresh}`, {
      onOpen: () => cluster.store.create(SA('demo', 'after-compaction')),
      until: (lines) => lines.length >= 1,
    });
    assert.deepEqual(r.lines.map((l) => `${l.type} ${l.object.metadata?.name}`), ['ADDED after-compaction']);
    cluster.store.delete('v1', 'ServiceAccount', 'after-compaction', 'demo');
  });

  it('sends BOOKMARKs with only kind, apiVersion and the current resourceVersion, and only when asked', async () => {
    const rv = await listRv('/api/v1/serviceaccounts');
    const r = await watchLines(cluster, `/api/v1/serviceaccounts?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true`, { until: (lines) => lines.some((l) => l.type === 'BOOKMARK') });
    const bookmark = r.lines.find((l) => l.type === 'BOOKMARK');
    assert.deepEqual(bookmark?.object, { kind: 'ServiceAccount', apiVersion: 'v1', metadata: { resourceVersion: await listRv('/api/v1/namespaces') } });
    const plain = await watchLines(cluster, `/api/v1/serviceaccounts?watch=true&resourceVersion=${rv}&timeoutSeconds=1`);
    assert.equal(plain.end, 'server', 'timeoutSeconds ends the stream');
    assert.deepEqual(plain.lines, [], 'no bookmark without allowWatchBookmarks');
  });

  it('sends a bookmark before timeoutSeconds ends the stream (cacheWatcher.nextBookmarkTime)', async () => {
    cluster.configure({ watchBookmarkIntervalMs: 600_000 });
    try {
      const rv = await listRv('/api/v1/serviceaccounts');
      const r = await watchLines(cluster, `/api/v1/serviceaccounts?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=3`);
      assert.equal(r.end, 'server');
      assert.deepEqual(r.lines.map((l) => l.type), ['BOOKMARK']);
    } finally {
      cluster.configure({ watchBookmarkIntervalMs: 200 });
    }
  });

  it('fault hooks: watchDrop cuts the connection after N events; watchExpired answers 410; other requests pass', async () => {
    const rv = await listRv('/api/v1/serviceaccounts');
    cluster.store.create(SA('demo', 'd1'));
    cluster.store.create(SA('demo', 'd2'));
    cluster.setFault({ kind: 'watchDrop', afterEvents: 1, times: 1 });
    assert.equal((await call(cluster, 'GET', '/api/v1/serviceaccounts')).status, 200, 'a list is no watch');
    const dropped = await watchLines(cluster, `/api/v1/serviceaccounts?watch=true&resourceVersion=${rv}`);
    assert.equal(dropped.end, 'broken');
    assert.deepEqual(dropped.lines.map((l) => l.object.metadata?.name), ['d1']);
    const next = await watchLines(cluster, `/api/v1/serviceaccounts?watch=true&resourceVersion=${rv}`, { until: (lines) => lines.length >= 2 });
    assert.deepEqual(next.lines.map((l) => l.object.metadata?.name), ['d1', 'd2'], 'times: 1');
    cluster.setFault({ kind: 'watchExpired', times: 1 });
    const expired = await watchLines(cluster, `/api/v1/serviceaccounts?watch=true&resourceVersion=${rv}`);
    assert.equal(expired.lines.length, 1);
    assert.equal(expired.lines[0].object.reason, 'Expired');
    for (const n of ['d1', 'd2']) cluster.store.delete('v1', 'ServiceAccount', n, 'demo');
  });

  it('expires a list continue token after a compaction: 410 with a continue token in the Status that finishes the list', async () => {
    const first = await call(cluster, 'GET', '/api/v1/serviceaccounts?limit=2');
    const token = String((first.body.metadata as { continue: string }).continue);
    cluster.compact();
    const gone = await call(cluster, 'GET', `/api/v1/serviceaccounts?limit=2&continue=${encodeURIComponent(token)}`);
    assert.equal(gone.status, 410);
    assert.equal(gone.body.reason, 'Expired');
    assert.match(String(gone.body.message), /^The provided continue parameter is too old to display a consistent list result\. You can start a new list without the continue parameter, or use the continue token in this response/);
    const fresh = String((gone.body.metadata as { continue?: string }).continue);
    assert.equal(JSON.parse(Buffer.from(fresh, 'base64').toString('utf8')).rv, -1, 'continues at the latest revision');
    const names: string[] = ((first.body.items as { metadata: { name: string } }[]) ?? []).map((i) => i.metadata.name);
    let next: string | undefined = fresh;
    while (next) {
      const page = await call(cluster, 'GET', `/api/v1/serviceaccounts?limit=2&continue=${encodeURIComponent(next)}`);
      assert.equal(page.status, 200, page.text);
      names.push(...(page.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name));
      next = (page.body.metadata as { continue?: string }).continue;
    }
    assert.equal(names.length, cluster.store.list('v1', 'ServiceAccount').length);
  });

  it('kubectl get sa -w prints a ServiceAccount created after it started (list, then watch from its resourceVersion)', async function () {
    this.timeout(20000);
    const kubectl = new Kubectl(cluster);
    const child = spawn('/usr/bin/kubectl', ['--kubeconfig', kubectl.kubeconfig(), 'get', 'sa', '-n', 'demo', '-w', '--no-headers', '-o', 'name'], { env: { PATH: process.env.PATH ?? '/usr/bin', HOME: kubectl.dir } });
    try {
      let out = '';
      const seen = (text: string): Promise<void> =>
        new Promise((resolve, reject) => {
          const check = (): void => {
            if (out.includes(text)) resolve();
          };
          child.stdout.on('data', (c: Buffer) => {
            out += c.toString();
            check();
          });
          child.on('exit', (code) => reject(new Error(`kubectl exited (${code}): ${out}`)));
          check();
        });
      await seen('serviceaccount/reader');
      cluster.store.create(SA('demo', 'watched-by-kubectl'));
      await seen('serviceaccount/watched-by-kubectl');
    } finally {
      child.kill();
      kubectl.dispose();
      cluster.store.delete('v1', 'ServiceAccount', 'watched-by-kubectl', 'demo');
    }
  });
});
