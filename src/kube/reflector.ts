/**
 * The list-then-watch loop that keeps a KeyedStore in step with the cluster, after client-go's
 * `tools/cache/reflector.go` (ListAndWatch / watch / handleWatch) and `tools/pager/pager.go`:
 *
 * - list in pages (of 2,000) and keep the resourceVersion of the first page (all pages are one
 *   snapshot); a page after the first answering 410 Expired falls back to one full list, as
 *   pager.List does with FullListIfExpired;
 * - watch from that resourceVersion with `allowWatchBookmarks` and a `timeoutSeconds` drawn from
 *   [5, 10] min (client-go spreads watch restarts the same way); ADDED / MODIFIED / DELETED go to
 *   the store, a BOOKMARK only moves the resume point, an ERROR event becomes a KubeError;
 * - a watch that ends normally is reopened from the last resourceVersion; one that ends with 410
 *   Expired relists; any other failure backs off (800 ms doubling to 30 s with full jitter, reset
 *   after 2 min without failures: client-go's defaultBackoff* values) and then watches again, or
 *   lists again if nothing was ever listed.
 *
 * The transport is an interface (ListerWatcher, like client-go's listwatch.go) and the clock is
 * injected, so the loop is unit-tested against scripted faults without a server or real timers.
 */
import { Backoff, systemClock, type Clock } from './backoff';
import { KubeError } from '../errors/kubeError';
import { KeyedStore, type Item, type StoreEvent } from './watchStore';

export { Backoff, systemClock, type Clock } from './backoff';

export interface ListPage<T> {
  items: Item<T>[];
  resourceVersion: string;
  continueToken?: string;
}

export type WatchEvent<T> = StoreEvent<T> | { type: 'ERROR'; error: KubeError };

/** How a reflector reaches the cluster: one resource, one scope, one selector. */
export interface ListerWatcher<T> {
  /** One page; `limit` undefined asks for everything at once. */
  list(opts: { limit?: number; continueToken?: string; signal: AbortSignal }): Promise<ListPage<T>>;
  /** Events after `resourceVersion` until the server ends the stream (or it breaks: then it throws). */
  watch(opts: { resourceVersion: string; timeoutSeconds: number; signal: AbortSignal }): AsyncIterable<WatchEvent<T>>;
}

export interface ReflectorOptions {
  /** For log lines, e.g. `test-admin serviceaccounts`. */
  name: string;
  pageSize?: number;
  /** Watch timeouts are drawn from [min, 2 × min] seconds. */
  minWatchTimeoutSeconds?: number;
  /** false when the user may list but not watch: list once; relist() lists again. */
  watch?: boolean;
  clock?: Clock;
  log?: (line: string) => void;
}

/**
 * Larger than client-go's 500: every page is a full request to the apiserver, and a view listing
 * 22,000 ServiceAccounts measured about twice as fast with pages of 2,000 (bench/README.md) while
 * one page stays a few MB.
 */
export const DEFAULT_PAGE_SIZE = 2000;

/** Failures a retry cannot fix before the user changes something: stop until relist() or a restart. */
const TERMINAL = new Set(['forbidden', 'unauthorized', 'kubeconfig', 'tls', 'unsupported', 'badRequest']);

/** `listOnly`: listed, but the user may not watch; relist() lists again. */
export type ReflectorState = 'stopped' | 'listing' | 'watching' | 'backingOff' | 'listOnly' | 'failed';

export class Reflector<T> {
  readonly store = new KeyedStore<T>();
  private controller: AbortController | undefined;
  private listNext = true;
  private readonly listeners = new Set<(namespaces: ReadonlySet<string>, relisted: boolean) => void>();
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private readonly clock: Clock;
  private readonly backoff: Backoff;
  private current: ReflectorState = 'stopped';
  private watchAllowed: boolean;
  /** Why the last round failed; cleared by a successful list or watch event. */
  lastError: KubeError | undefined;

  constructor(
    private readonly lw: ListerWatcher<T>,
    private readonly opts: ReflectorOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.backoff = new Backoff(this.clock);
    this.watchAllowed = opts.watch !== false;
  }

  get state(): ReflectorState {
    return this.current;
  }

  get running(): boolean {
    return this.controller !== undefined;
  }

  /**
   * Called with the namespaces whose objects changed, after an event, and after every list
   * (`relisted`, even when nothing changed: a view showing an error can now show the data).
   */
  onChange(listener: (namespaces: ReadonlySet<string>, relisted: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the loop unless it runs; resumes from the last resourceVersion when there is one. */
  start(): void {
    if (this.controller) return;
    const controller = (this.controller = new AbortController());
    void this.run(controller.signal).finally(() => {
      if (this.controller === controller) this.controller = undefined;
      if (this.current !== 'failed' && this.current !== 'listOnly') this.current = 'stopped';
    });
  }

  /** Stops the loop (aborting the open request); the store keeps its data and resume point. */
  stop(): void {
    this.controller?.abort();
    this.controller = undefined;
    if (this.current !== 'failed') this.current = 'stopped';
  }

  /** Lists again from scratch (a user's Refresh, or after a terminal failure). */
  relist(): void {
    this.stop();
    this.listNext = true;
    this.current = 'stopped';
    this.start();
  }

  /**
   * Resolves once the store holds a list. When none was ever stored, waits for the current list
   * attempt and rejects with its error if it fails, or rejects at once with the last failure while
   * backing off (the loop keeps retrying in the background).
   */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.store.hasSynced) return Promise.resolve();
    // Failed, or waiting to retry after a failure: say so now (the view shows the error, and the
    // data once a retry lists it), rather than after the back-off.
    if ((this.current === 'failed' || this.current === 'backingOff') && this.lastError) return Promise.reject(this.lastError);
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: () => done(resolve),
        reject: (e: unknown) => done(() => reject(e)),
      };
      const onAbort = (): void => waiter.reject(new KubeError({ kind: 'cancelled', message: 'The request was cancelled.' }));
      const done = (fn: () => void): void => {
        signal?.removeEventListener('abort', onAbort);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        fn();
      };
      this.waiters.push(waiter);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private settleWaiters(error?: unknown): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      if (error === undefined) w.resolve();
      else w.reject(error);
    }
  }

  private emit(namespaces: ReadonlySet<string>, relisted = false): void {
    if (namespaces.size === 0 && !relisted) return;
    for (const l of [...this.listeners]) l(namespaces, relisted);
  }

  private async run(signal: AbortSignal): Promise<void> {
    let expiredBefore = false;
    while (!signal.aborted) {
      try {
        if (this.listNext || !this.store.hasSynced) {
          this.current = 'listing';
          await this.list(signal);
          this.listNext = false;
          this.lastError = undefined;
          this.settleWaiters();
        }
        if (!this.watchAllowed) {
          this.current = 'listOnly';
          return;
        }
        this.current = 'watching';
        const started = this.clock.now();
        const events = await this.watchOnce(signal);
        // client-go's VeryShortWatchError: a watch that closes at once without a single event
        // means something is wrong in between (a proxy, an overloaded server): back off.
        if (events === 0 && this.clock.now() - started < 1000 && !signal.aborted) {
          throw new KubeError({ kind: 'connectionReset', message: 'The watch closed immediately without any event.' });
        }
        expiredBefore = false;
      } catch (e) {
        if (signal.aborted) return;
        const err = KubeError.is(e) ? e : new KubeError({ kind: 'unknown', message: e instanceof Error ? e.message : String(e), cause: e });
        if (err.kind === 'cancelled') return;
        this.lastError = err;
        if (!this.store.hasSynced) this.settleWaiters(err);
        if (TERMINAL.has(err.kind) && (!this.store.hasSynced || this.listNext)) {
          this.opts.log?.(`${this.opts.name}: ${err.kind}, not retrying: ${err.message}`);
          this.current = 'failed';
          this.controller = undefined;
          return;
        }
        if (err.kind === 'forbidden' && this.current === 'watching') {
          // RBAC grants list but not watch: keep the listed data, without live updates.
          this.opts.log?.(`${this.opts.name}: may not watch (${err.message}); showing the list without live updates`);
          this.watchAllowed = false;
          this.current = 'listOnly';
          return;
        }
        if (err.kind === 'expired') {
          // The resume point is gone (410): list again. Right away the first time, as the
          // reflector does; backing off only if relisting keeps ending in 410.
          this.listNext = true;
          this.opts.log?.(`${this.opts.name}: ${err.message}; listing again`);
          if (!expiredBefore) {
            expiredBefore = true;
            continue;
          }
        }
        this.current = 'backingOff';
        const delay = this.backoff.next();
        this.opts.log?.(`${this.opts.name}: ${err.kind} (${err.message}); retrying in ${Math.round(delay)} ms`);
        try {
          await this.clock.sleep(delay, signal);
        } catch {
          return;
        }
      }
    }
  }

  private async list(signal: AbortSignal): Promise<void> {
    const pageSize = this.opts.pageSize ?? DEFAULT_PAGE_SIZE;
    let items: Item<T>[] = [];
    let resourceVersion: string | undefined;
    let continueToken: string | undefined;
    let limit: number | undefined = pageSize;
    for (;;) {
      let page: ListPage<T>;
      try {
        page = await this.lw.list({ limit, continueToken, signal });
      } catch (e) {
        if (!KubeError.is(e, 'expired') || continueToken === undefined) throw e;
        // The snapshot of the first page was compacted while paging: one full list instead.
        this.opts.log?.(`${this.opts.name}: continue token expired; listing everything at once`);
        items = [];
        resourceVersion = undefined;
        continueToken = undefined;
        limit = undefined;
        continue;
      }
      resourceVersion ??= page.resourceVersion;
      for (const item of page.items) items.push(item);
      if (!page.continueToken) break;
      continueToken = page.continueToken;
    }
    this.emit(this.store.replace(items, resourceVersion ?? ''), true);
  }

  private async watchOnce(signal: AbortSignal): Promise<number> {
    const min = this.opts.minWatchTimeoutSeconds ?? 300;
    const timeoutSeconds = Math.floor(min + this.clock.random() * min);
    // A stream whose peer vanished without closing (a laptop's network change) would never end:
    // give up on it a little after the server should have closed it.
    const own = new AbortController();
    const onAbort = (): void => own.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const cancelTimer = this.clock.timer((timeoutSeconds + 30) * 1000, () => own.abort());
    let events = 0;
    try {
      for await (const event of this.lw.watch({ resourceVersion: this.store.resourceVersion, timeoutSeconds, signal: own.signal })) {
        if (event.type === 'ERROR') throw event.error;
        events++;
        this.lastError = undefined;
        this.emit(this.store.apply(event));
      }
    } catch (e) {
      // Our own deadline ended the stream: a normal end, the next round watches again.
      if (own.signal.aborted && !signal.aborted) return events;
      throw e;
    } finally {
      cancelTimer();
      signal.removeEventListener('abort', onAbort);
    }
    return events;
  }
}
