/**
 * The keyed store behind one list+watch, after client-go's `tools/cache/store.go`
 * (`Replace(list, rv)`, `Add/Update/Delete`, `List`, `GetByKey`): objects keyed by namespace and
 * name, indexed by namespace because the tree reads one namespace at a time. Pure: no I/O, no
 * timers, so the rules (a relist replaces, events are idempotent, a bookmark only moves the
 * resourceVersion) are unit-tested without a cluster.
 */

/** One stored object: its key, the resourceVersion it was seen at, and the small value kept of it. */
export interface Item<T> {
  /** Empty for cluster-scoped objects (namespaces). */
  namespace: string;
  name: string;
  resourceVersion: string;
  value: T;
}

/** A watch event as the store applies it (ERROR events never reach the store). */
export type StoreEvent<T> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; item: Item<T> }
  /** Nothing changed up to `resourceVersion`: only the resume point moves. */
  | { type: 'BOOKMARK'; resourceVersion: string };

const byName = <T>(a: Item<T>, b: Item<T>): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export class KeyedStore<T> {
  private readonly byNamespace = new Map<string, Map<string, Item<T>>>();
  /** Sorted copies per namespace, dropped when the namespace changes. */
  private readonly sorted = new Map<string, Item<T>[]>();
  private rv = '';
  private synced = false;
  private count = 0;

  /** True once a list has been stored; stays true across relists and pauses (the data may lag). */
  get hasSynced(): boolean {
    return this.synced;
  }

  /** Where a watch resumes: the list's resourceVersion, then that of every event and bookmark. */
  get resourceVersion(): string {
    return this.rv;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Replaces everything with a fresh list (a relist after 410 Expired, or the first list). Returns
   * the namespaces whose content changed, so only their views are redrawn.
   */
  replace(items: readonly Item<T>[], resourceVersion: string): Set<string> {
    const next = new Map<string, Map<string, Item<T>>>();
    for (const item of items) {
      let names = next.get(item.namespace);
      if (!names) next.set(item.namespace, (names = new Map()));
      names.set(item.name, item);
    }
    const changed = new Set<string>();
    for (const [ns, names] of this.byNamespace) if (!sameContent(names, next.get(ns))) changed.add(ns);
    for (const [ns, names] of next) if (!this.byNamespace.has(ns) && names.size > 0) changed.add(ns);
    this.byNamespace.clear();
    for (const [ns, names] of next) this.byNamespace.set(ns, names);
    for (const ns of changed) this.sorted.delete(ns);
    this.count = items.length;
    this.rv = resourceVersion;
    this.synced = true;
    return changed;
  }

  /**
   * Applies one watch event. ADDED of a known key updates it and DELETED of an unknown key does
   * nothing: after a reconnect the server may replay events the list already reflected.
   * Returns the namespaces that changed (empty for a bookmark or a replayed no-op).
   */
  apply(event: StoreEvent<T>): Set<string> {
    if (event.type === 'BOOKMARK') {
      this.rv = event.resourceVersion;
      return new Set();
    }
    const { item } = event;
    this.rv = item.resourceVersion;
    let names = this.byNamespace.get(item.namespace);
    const old = names?.get(item.name);
    if (event.type === 'DELETED') {
      if (!names || !old) return new Set();
      names.delete(item.name);
      this.count--;
      if (names.size === 0) this.byNamespace.delete(item.namespace);
    } else {
      if (old && old.resourceVersion === item.resourceVersion) return new Set();
      if (!names) this.byNamespace.set(item.namespace, (names = new Map()));
      names.set(item.name, item);
      if (!old) this.count++;
    }
    this.sorted.delete(item.namespace);
    return new Set([item.namespace]);
  }

  /** The objects of one namespace sorted by name (or, without a namespace, of all). */
  list(namespace?: string): readonly Item<T>[] {
    if (namespace === undefined) return [...this.byNamespace.keys()].sort().flatMap((ns) => this.list(ns));
    let items = this.sorted.get(namespace);
    if (!items) {
      items = [...(this.byNamespace.get(namespace)?.values() ?? [])].sort(byName);
      this.sorted.set(namespace, items);
    }
    return items;
  }

  get(namespace: string, name: string): Item<T> | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  /** Namespaces that hold at least one object. */
  namespaces(): string[] {
    return [...this.byNamespace.keys()];
  }

  /** Forgets everything, including the resume point (the next start lists again). */
  clear(): void {
    this.byNamespace.clear();
    this.sorted.clear();
    this.count = 0;
    this.rv = '';
    this.synced = false;
  }
}

function sameContent<T>(a: Map<string, Item<T>>, b: Map<string, Item<T>> | undefined): boolean {
  if (!b || a.size !== b.size) return false;
  for (const [name, item] of a) if (b.get(name)?.resourceVersion !== item.resourceVersion) return false;
  return true;
}
