/**
 * Keeps the live parts of the ServiceAccounts view current and decides what is watched:
 *
 * - each live parent (a context's namespaces, a namespace's ServiceAccounts, what is under a
 *   ServiceAccount) holds the cache lease its load returned, while it is expanded and the view
 *   is visible; collapsing it or hiding the view releases the leases (the cache stops watching
 *   30 s later), expanding it or showing the view again reads it again, which takes new ones;
 * - a cache change (or a kept-token change) marks the parents it concerns, and every 50 ms the
 *   marked ones are read again and redrawn, so a burst of events costs one redraw.
 */
import type * as vscode from 'vscode';
import type { CacheChange, ClusterCache, Lease } from '../kube/clusterCache';
import { contextOf, type ParentNode } from './model';

const BATCH_MS = 50;
/** Kept-token rows say "expires in 12 min": redraw them this often while the view is visible. */
const CLOCK_MS = 60_000;

const within = (key: string, k: string): boolean => k === key || k.startsWith(`${key}/`);

/** The namespace a parent's children depend on, if they come from a namespace's contents. */
function namespaceOf(n: ParentNode): string | undefined {
  switch (n.kind) {
    case 'context':
      return undefined;
    case 'namespace':
      return n.name;
    case 'serviceAccount':
      return n.sa.namespace;
    case 'folder':
      return n.parent.sa.namespace;
    case 'groupBindings':
      return n.parent.parent.sa.namespace;
  }
}

export interface LiveState {
  key: string;
  owner: ParentNode;
}

export class LiveUpdates implements vscode.Disposable {
  private readonly leases = new Map<string, Lease>();
  private readonly subscriptions = new Map<string, { cache: ClusterCache; sub: { dispose(): void } }>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private visible = true;
  private cacheFor: (context: string) => ClusterCache | undefined = () => undefined;
  private readonly clock: NodeJS.Timeout;
  /** Whether any kept token is shown (set by the owner of the TokenStore). */
  hasKeptTokens: () => boolean = () => false;

  constructor(
    private readonly reload: (keys: string[]) => Promise<void>,
    private readonly liveStates: () => LiveState[],
  ) {
    this.clock = setInterval(() => {
      if (this.visible && this.hasKeptTokens()) this.keptTokensChanged();
    }, CLOCK_MS);
    this.clock.unref?.();
  }

  /** How to reach a context's cache (set by the provider's owner; the session may replace caches). */
  useCaches(cacheFor: (context: string) => ClusterCache | undefined): void {
    this.cacheFor = cacheFor;
  }

  /** Takes over the lease of a freshly loaded parent, and listens to its context's cache. */
  hold(key: string, lease: Lease | undefined, context: string | undefined): void {
    const old = this.leases.get(key);
    if (lease && this.visible) this.leases.set(key, lease);
    else {
      this.leases.delete(key);
      lease?.dispose();
    }
    old?.dispose();
    if (context) this.subscribe(context);
  }

  private subscribe(context: string): void {
    const cache = this.cacheFor(context);
    const current = this.subscriptions.get(context);
    if (!cache || current?.cache === cache) return;
    current?.sub.dispose();
    this.subscriptions.set(context, { cache, sub: cache.onDidChange((change) => this.cacheChanged(context, change)) });
  }

  private cacheChanged(context: string, change: CacheChange): void {
    for (const { key, owner } of this.liveStates()) {
      if (contextOf(owner) !== context) continue;
      const ns = namespaceOf(owner);
      const affected = ns === undefined ? change.namespaces : !change.namespaces && (change.relisted || change.contents.has(ns));
      if (affected) this.mark(key);
    }
  }

  /** Kept tokens were added, changed or forgotten: every namespace and ServiceAccount shown may count them. */
  keptTokensChanged(): void {
    for (const { key, owner } of this.liveStates()) if (owner.kind === 'namespace' || owner.kind === 'serviceAccount') this.mark(key);
  }

  /** A node was expanded again: what is under it may be stale (nothing watched it), read it again. */
  expanded(key: string): void {
    for (const s of this.liveStates()) if (within(key, s.key)) this.mark(s.key);
  }

  /** Stops watching for the node with id `key` and everything below it. */
  release(key: string): void {
    for (const [k, lease] of [...this.leases]) {
      if (within(key, k)) {
        lease.dispose();
        this.leases.delete(k);
      }
    }
  }

  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    if (!visible) {
      for (const lease of this.leases.values()) lease.dispose();
      this.leases.clear();
    } else {
      for (const s of this.liveStates()) this.mark(s.key);
    }
  }

  /** Everything is being reloaded from scratch (a refresh or a session reload). */
  releaseAll(): void {
    for (const lease of this.leases.values()) lease.dispose();
    this.leases.clear();
    for (const s of this.subscriptions.values()) s.sub.dispose();
    this.subscriptions.clear();
    this.pending.clear();
  }

  private mark(key: string): void {
    this.pending.add(key);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const keys = [...this.pending];
      this.pending.clear();
      void this.reload(keys);
    }, BATCH_MS);
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearInterval(this.clock);
    this.releaseAll();
  }
}
