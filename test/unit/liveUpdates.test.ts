/**
 * What the view watches and redraws: leases follow expansion and visibility, cache changes mark
 * only the parents they concern, and a burst of changes costs one reload.
 */
import * as assert from 'node:assert/strict';
import type { CacheChange, ClusterCache, Lease } from '../../src/kube/clusterCache';
import { LiveUpdates, type LiveState } from '../../src/tree/liveUpdates';
import { nodeId, type ContextNode, type FolderNode, type NamespaceNode, type ParentNode, type ServiceAccountNode } from '../../src/tree/model';

const ctx: ContextNode = { kind: 'context', entry: { name: 'c', cluster: 'c', user: 'u', file: '/k', isCurrent: true } };
const other: ContextNode = { kind: 'context', entry: { name: 'other', cluster: 'c', user: 'u', file: '/k', isCurrent: false } };
const demo: NamespaceNode = { kind: 'namespace', name: 'demo', terminating: false, parent: ctx };
const pay: NamespaceNode = { kind: 'namespace', name: 'pay', terminating: false, parent: ctx };
const sa: ServiceAccountNode = { kind: 'serviceAccount', sa: { name: 'r', namespace: 'demo', uid: 'u', secretRefs: [] }, keptCount: 0, orphanRevocableCount: 0, parent: demo };
const secrets: FolderNode = { kind: 'folder', folder: 'tokenSecrets', parent: sa };
const otherNs: NamespaceNode = { kind: 'namespace', name: 'demo', terminating: false, parent: other };
const states: LiveState[] = [ctx, demo, pay, sa, secrets, other, otherNs].map((owner: ParentNode) => ({ key: nodeId(owner), owner }));

class FakeLease implements Lease {
  disposed = false;
  dispose(): void {
    this.disposed = true;
  }
}

function fakeCache(): { cache: ClusterCache; fire: (c: CacheChange) => void } {
  let listener: ((c: CacheChange) => void) | undefined;
  const cache = { onDidChange: (l: (c: CacheChange) => void) => ((listener = l), { dispose: () => (listener = undefined) }) } as unknown as ClusterCache;
  return { cache, fire: (c) => listener?.(c) };
}

describe('live updates of the tree', () => {
  let reloads: string[][];
  let live: LiveUpdates;
  const next = (): Promise<string[]> =>
    new Promise((resolve) => {
      const t = setInterval(() => {
        if (reloads.length > 0) {
          clearInterval(t);
          resolve(reloads.shift() ?? []);
        }
      }, 5);
    });

  beforeEach(() => {
    reloads = [];
    live = new LiveUpdates(async (keys) => void reloads.push(keys.sort()), () => states);
  });
  afterEach(() => live.dispose());

  it('marks only what a change concerns, once per burst', async () => {
    const { cache, fire } = fakeCache();
    live.useCaches((c) => (c === 'c' ? cache : undefined));
    live.hold(nodeId(demo), new FakeLease(), 'c');
    fire({ namespaces: false, contents: new Set(['demo']), relisted: false });
    fire({ namespaces: false, contents: new Set(['demo']), relisted: false });
    assert.deepEqual(await next(), [nodeId(demo), nodeId(sa), nodeId(secrets)].sort(), 'demo and what is under it, not pay, not the other context');
    fire({ namespaces: true, contents: new Set(), relisted: true });
    assert.deepEqual(await next(), [nodeId(ctx)]);
    fire({ namespaces: false, contents: new Set(), relisted: true });
    assert.deepEqual(await next(), [nodeId(demo), nodeId(pay), nodeId(sa), nodeId(secrets)].sort(), 'after a list anything of the context may differ');
  });

  it('releases leases on collapse and when hidden, takes none while hidden, and reads everything again when shown', async () => {
    const a = new FakeLease();
    const b = new FakeLease();
    live.hold(nodeId(demo), a, undefined);
    live.hold(nodeId(sa), b, undefined);
    live.release(nodeId(sa));
    assert.equal(b.disposed, true);
    assert.equal(a.disposed, false);
    const replaced = new FakeLease();
    live.hold(nodeId(demo), replaced, undefined);
    assert.equal(a.disposed, true, 'a reload hands over the new lease, then the old one goes');
    live.setVisible(false);
    assert.equal(replaced.disposed, true);
    const late = new FakeLease();
    live.hold(nodeId(pay), late, undefined);
    assert.equal(late.disposed, true, 'nothing is watched for a hidden view');
    live.setVisible(true);
    assert.equal((await next()).length, states.length, 'shown again: everything is read again (and leased)');
    live.expanded(nodeId(demo));
    assert.deepEqual(await next(), [nodeId(demo), nodeId(sa), nodeId(secrets)].sort());
  });
});
