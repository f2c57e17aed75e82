import type { ResourceType } from './resources';
import { resourceExpired } from './status';
import type { StoreEvent } from './store';

/**
 * The event history a watch can resume from, like kube-apiserver's watch cache (cacher
 * `watchCacheHistory`): the newest `capacity` changes. A resourceVersion from before the window
 * (or from before a compaction) answers 410 Expired "too old resource version: RV (OLDEST-1)".
 */
export class History {
  private events: StoreEvent[] = [];
  private start = 0;
  /** Every change after this resourceVersion is still kept. */
  windowStart: number;

  constructor(
    initialRv: number,
    public capacity: number,
  ) {
    this.windowStart = initialRv;
  }

  add(e: StoreEvent): void {
    this.events.push(e);
    const excess = this.events.length - this.start - this.capacity;
    if (excess > 0) {
      this.windowStart = this.events[this.start + excess - 1].rv;
      this.start += excess;
      // Drop the consumed head now and then instead of shifting on every write.
      if (this.start > 4096 && this.start > this.events.length / 2) {
        this.events = this.events.slice(this.start);
        this.start = 0;
      }
    }
  }

  /** Changes of `rt` after `rv`, or the watch cache's 410 when `rv` is older than the window. */
  since(rt: ResourceType, rv: number): StoreEvent[] {
    if (rv < this.windowStart) throw resourceExpired(`too old resource version: ${rv} (${this.windowStart})`);
    const out: StoreEvent[] = [];
    for (let i = this.start; i < this.events.length; i++) {
      const e = this.events[i];
      if (e.rt === rt && e.rv > rv) out.push(e);
    }
    return out;
  }

  compact(rv: number): void {
    this.events = [];
    this.start = 0;
    this.windowStart = rv;
  }
}
