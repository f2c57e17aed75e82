/**
 * The list+watch loop against a scripted cluster: a dropped connection, 410 Expired (watch and
 * continue token), bookmarks, deletes while disconnected, back-off and terminal failures. After
 * every fault the store must hold exactly what the cluster holds: nothing lost, nothing twice.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { KubeError } from '../../src/errors/kubeError';
import { Backoff, Reflector } from '../../src/kube/reflector';
import { FakeCluster, settle, VirtualClock } from './fakeListerWatcher';

function storeSnapshot(r: Reflector<string>): string[] {
  return r.store.list().map((i) => `${i.namespace}/${i.name}=${i.value}`).sort();
}

function seeded(n = 5): FakeCluster {
  const c = new FakeCluster();
  for (let i = 0; i < n; i++) c.upsert(i % 2 ? 'a' : 'b', `sa-${i}`, 'v0');
  return c;
}

describe('reflector (list, then watch from the resourceVersion)', () => {
  let cluster: FakeCluster;
  let clock: VirtualClock;
  let reflector: Reflector<string>;
  const make = (opts: { pageSize?: number; watch?: boolean } = {}): Reflector<string> => (reflector = new Reflector(cluster.lw, { name: 'test', clock, ...opts }));

  beforeEach(() => {
    cluster = seeded();
    clock = new VirtualClock();
  });
  afterEach(() => reflector?.stop());

  it('lists in pages from one snapshot, then applies ADDED, MODIFIED and DELETED live', async () => {
    make({ pageSize: 2 }).start();
    await reflector.waitForSync();
    assert.deepEqual(cluster.calls.slice(0, 3), ['list limit=2 continue=-', 'list limit=2 continue=105:a/sa-3', 'list limit=2 continue=105:b/sa-2']);
    assert.deepEqual(storeSnapshot(reflector), cluster.snapshot());
    await settle();
    assert.equal(cluster.calls[3], 'watch rv=105');
    const seen: string[][] = [];
    reflector.onChange((ns) => seen.push([...ns]));
    cluster.upsert('a', 'new', 'v1');
    cluster.upsert('b', 'sa-0', 'v2');
    cluster.remove('a', 'sa-1');
    await settle();
    assert.deepEqual(storeSnapshot(reflector), cluster.snapshot());
    assert.deepEqual(seen, [['a'], ['b'], ['a']]);
    assert.equal(reflector.store.resourceVersion, String(cluster.rv));
  });

  it('resumes from the last resourceVersion after a dropped connection, with a delete and a create made meanwhile', async () => {
    make().start();
    await reflector.waitForSync();
    await settle();
    cluster.upsert('a', 'before-drop', 'v1');
    await settle();
    const resumeAt = reflector.store.resourceVersion;
    cluster.watchFaults.push('status500'); // the first reconnect fails too
    cluster.dropWatches();
    cluster.remove('b', 'sa-0');
    cluster.upsert('a', 'while-away', 'v1');
    await settle();
    assert.deepEqual(storeSnapshot(reflector), cluster.snapshot());
    assert.deepEqual(cluster.calls.filter((c) => c.startsWith('list')), ['list limit=2000 continue=-'], 'no relist: the history still had the changes');
    assert.deepEqual(cluster.calls.filter((c) => c.startsWith('watch')).slice(1), [`watch rv=${resumeAt}`, `watch rv=${resumeAt}`]);
    assert.deepEqual(clock.sleeps, [1200, 2400], 'backed off after the drop and after the failed reconnect (800 ms doubling, jitter 0.5)');
    assert.equal(reflector.state, 'watching');
  });

  it('relists after 410 Expired when the history no longer reaches back, dropping what was deleted meanwhile', async () => {
    make().start();
    await reflector.waitForSync();
    await settle();
    cluster.dropWatches();
    cluster.remove('a', 'sa-1');
    cluster.upsert('b', 'sa-2', 'changed');
    cluster.compact();
    await settle();
    assert.deepEqual(storeSnapshot(reflector), cluster.snapshot());
    assert.equal(reflector.store.get('a', 'sa-1'), undefined);
    assert.deepEqual(cluster.calls.filter((c) => c.startsWith('list')).length, 2, 'listed again after the 410');
    assert.equal(clock.sleeps.length, 1, 'only the drop backed off; the 410 relisted at once');
    cluster.upsert('a', 'after', 'v1');
    await settle();
    assert.deepEqual(storeSnapshot(reflector), cluster.snapshot());
  });

  it('turns an ERROR event into a relist (410) and keeps the data it had meanwhile', async () => {
    make().start();
    await reflector.waitForSync();
    await settle();
    cluster.watchFaults.push('expired');
    cluster.timeoutWatches();
    await settle();
    assert.ok(reflector.lastError === undefined || KubeError.is(reflector.lastError, 'expired'));
    assert.equal(cluster.calls.filter((c) => c.startsWith('list')).length, 2);
    assert.deepEqual(storeSnapshot(reflector), cluster.snapshot());
    assert.equal(reflector.state, 'watching');
  });

  it('moves the resume point on a BOOKMARK without touching the objects', async () => {
    make().start();
    await reflector.waitForSync();
    await settle();
    cluster.rv += 40; // writes to objects outside this watch's selector
    const before = storeSnapshot(reflector);
    let changes = 0;
    reflector.onChange(() => changes++);
    cluster.bookmark();
    await settle();
    assert.equal(reflector.store.resourceVersion, String(cluster.rv));
    assert.deepEqual(storeSnapshot(reflector), before);
    assert.equal(changes, 0, 'a bookmark redraws nothing');
    cluster.timeoutWatches();
    await settle();
    assert.equal(cluster.calls.filter((c) => c.startsWith('watch')).pop(), `watch rv=${cluster.rv}`, 'reopened from the bookmark');
    assert.deepEqual(clock.sleeps, [], 'a watch that timed out is reopened at once');
  });

  it('falls back to one full list when a continue token expires while paging (pager.go FullListIfExpired)', async () => {
    const original = cluster.lw.list.bind(cluster.lw);
    cluster.lw.list = async (opts) => {
      const page = await original(opts);
      if (opts.continueToken === undefined && opts.limit !== undefined) cluster.compact(); // compaction between pages
      return page;
    };
    make({ pageSize: 2 }).start();
    await reflector.waitForSync();
    assert.deepEqual(cluster.calls.slice(0, 3), ['list limit=2 continue=-', 'list limit=2 continue=105:a/sa-3', 'list limit=- continue=-']);
    assert.deepEqual(storeSnapshot(reflector), cluster.snapshot());
  });

  it('backs off after a watch that closes at once without an event, and resets the back-off after 2 minutes', async () => {
    const b = new Backoff(clock);
    assert.deepEqual([b.next(), b.next(), b.next()], [1200, 2400, 4800]);
    for (let i = 0; i < 10; i++) b.next();
    assert.equal(b.next(), 45_000, 'capped at 30 s (plus jitter)');
    clock.advance(120_001);
    assert.equal(b.next(), 1200);

    make().start();
    await reflector.waitForSync();
    await settle();
    cluster.watchFaults.push('closeAtOnce');
    cluster.timeoutWatches(); // closes the first watch before any event: a very short watch too
    await settle();
    assert.deepEqual(clock.sleeps, [1200, 2400]);
    assert.equal(reflector.state, 'watching');
  });

  it('stops on a forbidden first list (waitForSync rejects) and lists again on relist()', async () => {
    cluster.listFaults.push('forbidden');
    make().start();
    await assert.rejects(reflector.waitForSync(), (e: unknown) => KubeError.is(e, 'forbidden'));
    await settle();
    assert.equal(reflector.state, 'failed');
    assert.equal(cluster.calls.length, 1, 'not retried');
    await assert.rejects(reflector.waitForSync(), (e: unknown) => KubeError.is(e, 'forbidden'));
    reflector.relist();
    await reflector.waitForSync();
    assert.deepEqual(storeSnapshot(reflector), cluster.snapshot());
  });

  it('retries a failing first list in the background; the first waiter sees the failure', async () => {
    cluster.listFaults.push('status500', 'status500');
    make().start();
    await assert.rejects(reflector.waitForSync(), (e: unknown) => KubeError.is(e, 'server'));
    await settle();
    await reflector.waitForSync();
    assert.deepEqual(storeSnapshot(reflector), cluster.snapshot());
    assert.equal(clock.sleeps.length, 2);
  });

  it('while backing off after a failed first list, a new waiter hears of the failure at once', async () => {
    cluster.listFaults.push('status500');
    let wake: () => void = () => undefined;
    clock.sleep = async (ms) => {
      clock.sleeps.push(ms);
      await new Promise<void>((r) => (wake = r)); // the back-off lasts until the test says so
    };
    make().start();
    await assert.rejects(reflector.waitForSync(), (e: unknown) => KubeError.is(e, 'server'));
    await settle();
    assert.equal(reflector.state, 'backingOff');
    await assert.rejects(reflector.waitForSync(), (e: unknown) => KubeError.is(e, 'server'), 'not held until the retry');
    const synced = reflector.waitForSync().catch(() => 'rejected');
    wake();
    assert.equal(await synced, 'rejected');
    await settle();
    await reflector.waitForSync();
    assert.deepEqual(storeSnapshot(reflector), cluster.snapshot());
  });

  it('lists once without watching when the user may not watch', async () => {
    make({ watch: false }).start();
    await reflector.waitForSync();
    await settle();
    assert.equal(reflector.state, 'listOnly');
    assert.equal(cluster.calls.filter((c) => c.startsWith('watch')).length, 0);
    cluster.upsert('a', 'x', 'v');
    reflector.relist();
    await settle();
    assert.deepEqual(storeSnapshot(reflector), cluster.snapshot());
  });

  it('stops when stopped and resumes from where it was', async () => {
    make().start();
    await reflector.waitForSync();
    await settle();
    reflector.stop();
    await settle();
    assert.equal(cluster.openWatches, 0, 'the watch was aborted');
    cluster.upsert('a', 'while-stopped', 'v');
    reflector.start();
    await settle();
    assert.deepEqual(storeSnapshot(reflector), cluster.snapshot());
    assert.equal(cluster.calls.filter((c) => c.startsWith('list')).length, 1);
  });

  it('ends up equal to the cluster after any mix of changes, drops, timeouts, bookmarks and compactions', async () => {
    type Op = { op: 'upsert' | 'remove'; ns: 'a' | 'b'; n: number } | { op: 'drop' | 'timeout' | 'bookmark' | 'compact' | 'fail' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constantFrom('upsert' as const, 'remove' as const), ns: fc.constantFrom('a' as const, 'b' as const), n: fc.integer({ min: 0, max: 6 }) }),
      fc.record({ op: fc.constantFrom('drop' as const, 'timeout' as const, 'bookmark' as const, 'compact' as const, 'fail' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), fc.boolean(), async (ops, settleEach) => {
        cluster = seeded();
        clock = new VirtualClock();
        const r = new Reflector(cluster.lw, { name: 'prop', clock, pageSize: 3 });
        r.start();
        try {
          await r.waitForSync();
          let version = 0;
          for (const o of ops) {
            switch (o.op) {
              case 'upsert':
                cluster.upsert(o.ns, `sa-${o.n}`, `v${++version}`);
                break;
              case 'remove':
                cluster.remove(o.ns, `sa-${o.n}`);
                break;
              case 'drop':
                cluster.dropWatches();
                break;
              case 'timeout':
                cluster.timeoutWatches();
                break;
              case 'bookmark':
                cluster.bookmark();
                break;
              case 'compact':
                cluster.compact();
                break;
              case 'fail':
                cluster.watchFaults.push('status500');
                cluster.listFaults.push('status500');
                break;
            }
            if (settleEach) await settle(5);
          }
          await settle(300);
          const items = r.store.list();
          assert.equal(new Set(items.map((i) => `${i.namespace}/${i.name}`)).size, items.length, 'no object twice');
          assert.equal(r.store.size, items.length);
          assert.deepEqual(storeSnapshot(r), cluster.snapshot());
        } finally {
          r.stop();
        }
      }),
      { numRuns: 60 },
    );
  });
});
