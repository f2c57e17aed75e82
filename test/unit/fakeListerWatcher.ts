/**
 * A scripted cluster for the reflector's unit tests: objects with resourceVersions, an event
 * history with a window (older resume points answer 410 Expired, as kube-apiserver's watch cache),
 * paged lists whose continue tokens a compaction expires, and faults on the next calls. Plus a
 * virtual clock whose sleeps return at once, so back-off schedules are checked without waiting.
 */
import { KubeError } from '../../src/errors/kubeError';
import type { Clock, ListerWatcher, ListPage, WatchEvent } from '../../src/kube/reflector';
import type { Item } from '../../src/kube/watchStore';

export type Fault = 'status500' | 'forbidden' | 'expired' | 'drop' | 'closeAtOnce';

interface Change {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  item: Item<string>;
}

/** A queue between the cluster (push) and one open watch (async iteration). */
class Channel<T> {
  private items: T[] = [];
  private wake: (() => void) | undefined;
  private ended: Error | null | undefined;

  push(v: T): void {
    this.items.push(v);
    this.wake?.();
  }

  /** End normally (null) or with a broken connection (an Error). */
  end(e: Error | null): void {
    this.ended ??= e;
    this.wake?.();
  }

  async *drain(signal: AbortSignal): AsyncGenerator<T> {
    const onAbort = (): void => this.end(new KubeError({ kind: 'cancelled', message: 'cancelled' }));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        if (this.items.length > 0) {
          yield this.items.shift() as T;
          continue;
        }
        if (this.ended !== undefined) {
          if (this.ended) throw this.ended;
          return;
        }
        await new Promise<void>((r) => (this.wake = r));
        this.wake = undefined;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

export class FakeCluster {
  rv = 100;
  readonly objects = new Map<string, Item<string>>();
  private history: Change[] = [];
  private windowStart = 100;
  private compactedRv = 0;
  private readonly open = new Set<{ since: number; channel: Channel<WatchEvent<string>>; ns?: string }>();
  /** Faults for the next list and watch calls, in order. */
  readonly listFaults: Fault[] = [];
  readonly watchFaults: Fault[] = [];
  /** Every call, for assertions: `list limit=… continue=…` / `watch rv=…`. */
  readonly calls: string[] = [];
  readonly pageSizeCap = Infinity;

  private key = (ns: string, name: string): string => `${ns}/${name}`;

  private write(type: Change['type'], ns: string, name: string, value: string): void {
    this.rv++;
    const item: Item<string> = { namespace: ns, name, resourceVersion: String(this.rv), value };
    if (type === 'DELETED') this.objects.delete(this.key(ns, name));
    else this.objects.set(this.key(ns, name), item);
    const change: Change = { rv: this.rv, type, item };
    this.history.push(change);
    for (const w of this.open) w.channel.push({ type, item });
  }

  upsert(ns: string, name: string, value: string): void {
    this.write(this.objects.has(this.key(ns, name)) ? 'MODIFIED' : 'ADDED', ns, name, value);
  }

  remove(ns: string, name: string): void {
    const old = this.objects.get(this.key(ns, name));
    if (old) this.write('DELETED', ns, name, old.value);
  }

  /** Sends a BOOKMARK at the current resourceVersion to every open watch. */
  bookmark(): void {
    for (const w of this.open) w.channel.push({ type: 'BOOKMARK', resourceVersion: String(this.rv) });
  }

  /** Ends every open watch as a timeout would (normally). */
  timeoutWatches(): void {
    for (const w of this.open) w.channel.end(null);
    this.open.clear();
  }

  /** Breaks every open watch's connection. */
  dropWatches(): void {
    for (const w of this.open) w.channel.end(new KubeError({ kind: 'connectionReset', message: 'socket hang up' }));
    this.open.clear();
  }

  /** Forgets the history and expires continue tokens handed out so far (etcd compaction). */
  compact(): void {
    this.rv++;
    this.history = [];
    this.windowStart = this.rv;
    this.compactedRv = this.rv;
  }

  get openWatches(): number {
    return this.open.size;
  }

  /** The objects as a sorted `ns/name=value@rv`-free list, to compare with a store. */
  snapshot(): string[] {
    return [...this.objects.values()].map((i) => `${i.namespace}/${i.name}=${i.value}`).sort();
  }

  private fault(queue: Fault[]): KubeError | 'drop' | 'closeAtOnce' | undefined {
    const f = queue.shift();
    switch (f) {
      case undefined:
        return undefined;
      case 'status500':
        return new KubeError({ kind: 'server', status: 500, message: 'injected' });
      case 'forbidden':
        return new KubeError({ kind: 'forbidden', status: 403, message: 'forbidden' });
      case 'expired':
        return new KubeError({ kind: 'expired', status: 410, message: 'too old resource version' });
      default:
        return f;
    }
  }

  readonly lw: ListerWatcher<string> = {
    list: async ({ limit, continueToken }): Promise<ListPage<string>> => {
      this.calls.push(`list limit=${limit ?? '-'} continue=${continueToken ?? '-'}`);
      await Promise.resolve();
      const f = this.fault(this.listFaults);
      if (f instanceof KubeError) throw f;
      const all = [...this.objects.values()].sort((a, b) => this.key(a.namespace, a.name).localeCompare(this.key(b.namespace, b.name)));
      // Key-based like etcd's: the next page starts after the last key returned.
      let start = 0;
      if (continueToken) {
        const [rv, after] = [continueToken.slice(0, continueToken.indexOf(':')), continueToken.slice(continueToken.indexOf(':') + 1)];
        if (Number(rv) < this.compactedRv) throw new KubeError({ kind: 'expired', status: 410, message: 'The provided continue parameter is too old' });
        start = all.findIndex((i) => this.key(i.namespace, i.name) > after);
        if (start < 0) start = all.length;
      }
      const end = limit === undefined ? all.length : Math.min(all.length, start + limit);
      const last = all[end - 1];
      return { items: all.slice(start, end), resourceVersion: String(this.rv), continueToken: end < all.length && last ? `${this.rv}:${this.key(last.namespace, last.name)}` : undefined };
    },
    watch: ({ resourceVersion, signal }): AsyncIterable<WatchEvent<string>> => {
      this.calls.push(`watch rv=${resourceVersion}`);
      const since = Number(resourceVersion);
      const channel = new Channel<WatchEvent<string>>();
      const f = this.fault(this.watchFaults);
      if (f instanceof KubeError && f.kind === 'expired') {
        channel.push({ type: 'ERROR', error: f });
        channel.end(null);
      } else if (f instanceof KubeError) {
        channel.end(f);
      } else if (f === 'closeAtOnce') {
        channel.end(null);
      } else if (since < this.windowStart) {
        channel.push({ type: 'ERROR', error: new KubeError({ kind: 'expired', status: 410, message: `too old resource version: ${since} (${this.windowStart})` }) });
        channel.end(null);
      } else {
        for (const c of this.history) if (c.rv > since) channel.push({ type: c.type, item: c.item });
        const entry = { since, channel };
        this.open.add(entry);
        if (f === 'drop') {
          this.open.delete(entry);
          channel.end(new KubeError({ kind: 'connectionReset', message: 'socket hang up' }));
        }
        signal.addEventListener('abort', () => this.open.delete(entry), { once: true });
      }
      return channel.drain(signal);
    },
  };
}

/** A clock in virtual time: sleeps advance it and return on the next microtask; timers fire when advanced past. */
export class VirtualClock implements Clock {
  time = 0;
  readonly sleeps: number[] = [];
  private timers: { at: number; fn: () => void }[] = [];

  now(): number {
    return this.time;
  }

  random(): number {
    return 0.5;
  }

  async sleep(ms: number, signal: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    this.advance(ms);
    // A macrotask, so a loop that never stops retrying cannot starve the test of its turn.
    await new Promise<void>((r) => setImmediate(r));
    if (signal.aborted) throw new KubeError({ kind: 'cancelled', message: 'cancelled' });
  }

  timer(ms: number, fn: () => void): () => void {
    const t = { at: this.time + ms, fn };
    this.timers.push(t);
    return () => (this.timers = this.timers.filter((x) => x !== t));
  }

  advance(ms: number): void {
    this.time += ms;
    const due = this.timers.filter((t) => t.at <= this.time);
    this.timers = this.timers.filter((t) => t.at > this.time);
    for (const t of due) t.fn();
  }
}

/** Lets the reflector's promise chains run until it waits on the cluster again. */
export async function settle(rounds = 50): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
