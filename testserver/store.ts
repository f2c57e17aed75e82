/**
 * In-memory object storage shaped like etcd under kube-apiserver: objects keyed by namespace then name,
 * lists in key order, one global resourceVersion counter, continue tokens that encode the next key.
 * Built for 2000 namespaces x 10 ServiceAccounts: per-namespace maps and lazily sorted name arrays.
 */
import { randomUUID } from 'node:crypto';
import type { KObject } from './api';
import { apiVersionOf, type ResourceType } from './resources';
import { decodeContinue, encodeContinue, encodeContinueAt, inconsistentContinue } from './continueTokens';
import { alreadyExists, notFound, resourceExpired } from './status';
import { History } from './watchHistory';

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface StoreEvent {
  type: StoreEventType;
  rt: ResourceType;
  /** For DELETED, the last state with the resourceVersion of the deletion (as etcd3's watcher sends it). */
  obj: KObject;
  /** The resourceVersion this change was written at. */
  rv: number;
}

export interface ListOptions {
  limit?: number;
  continueToken?: string;
  filter?: (obj: KObject) => boolean;
}

export interface ListResult {
  items: KObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

/** New object input: metadata fields the store assigns are optional. */
export type NewObject = Omit<KObject, 'metadata'> & { metadata: Partial<KObject['metadata']> & { name: string } };

class Table {
  readonly byNamespace = new Map<string, Map<string, KObject>>();
  private sortedNamespaces: string[] | undefined;
  private readonly sortedNames = new Map<string, string[]>();
  size = 0;

  get(ns: string, name: string): KObject | undefined {
    return this.byNamespace.get(ns)?.get(name);
  }

  set(ns: string, name: string, obj: KObject): void {
    let names = this.byNamespace.get(ns);
    if (!names) {
      names = new Map();
      this.byNamespace.set(ns, names);
      this.sortedNamespaces = undefined;
    }
    if (!names.has(name)) {
      this.size++;
      this.sortedNames.delete(ns);
    }
    names.set(name, obj);
  }

  remove(ns: string, name: string): KObject | undefined {
    const names = this.byNamespace.get(ns);
    const obj = names?.get(name);
    if (!names || !obj) return undefined;
    names.delete(name);
    this.size--;
    this.sortedNames.delete(ns);
    if (names.size === 0) {
      this.byNamespace.delete(ns);
      this.sortedNamespaces = undefined;
    }
    return obj;
  }

  /** Namespaces in etcd key order (`ns/` prefixes compared bytewise). */
  namespaces(): string[] {
    this.sortedNamespaces ??= [...this.byNamespace.keys()].sort((a, b) => compareBytes(`${a}/`, `${b}/`));
    return this.sortedNamespaces;
  }

  names(ns: string): string[] {
    let names = this.sortedNames.get(ns);
    if (!names) {
      names = [...(this.byNamespace.get(ns)?.keys() ?? [])].sort(compareBytes);
      this.sortedNames.set(ns, names);
    }
    return names;
  }
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** First index in the sorted array whose value is >= key. */
function lowerBound(sorted: string[], key: string, cmp: (a: string, b: string) => number = compareBytes): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmp(sorted[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const metadataOrder = [
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
];
const metadataKeys = new Set(metadataOrder);

/** Metadata in Go ObjectMeta field order, null/undefined dropped; `set` overrides (undefined removes). */
function orderedMetadata(meta: Record<string, unknown>, set: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of metadataOrder) {
    const v = k in set ? set[k] : meta[k];
    if (v !== undefined && v !== null) out[k] = v;
  }
  for (const k in meta) if (!metadataKeys.has(k) && meta[k] !== undefined && meta[k] !== null) out[k] = meta[k];
  return out;
}

/** kind, apiVersion, metadata (Go ObjectMeta field order), then the rest as given. */
export function normalizeObject(obj: Record<string, unknown>, metaOverrides?: Record<string, unknown>): KObject {
  const out: Record<string, unknown> = { kind: obj.kind, apiVersion: obj.apiVersion, metadata: orderedMetadata((obj.metadata ?? {}) as Record<string, unknown>, metaOverrides) };
  for (const k in obj) if (k !== 'kind' && k !== 'apiVersion' && k !== 'metadata' && obj[k] !== undefined) out[k] = obj[k];
  return out as KObject;
}

let lastSecond = NaN;
let lastStamp = '';

/** RFC 3339 in whole seconds (metav1.Time); cached per second because seeding formats thousands. */
export function rfc3339(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastStamp = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
  }
  return lastStamp;
}

export class Store {
  private rv = 1000;
  /** Like etcd's compacted revision: continue tokens of lists made before it answer 410 Expired. */
  private compactedRv = 0;
  private readonly tables = new Map<ResourceType, Table>();
  private readonly listeners: ((e: StoreEvent) => void)[] = [];
  private readonly history: History;

  constructor(
    private readonly now: () => number,
    watchHistoryEvents = 10_000,
  ) {
    this.history = new History(this.rv, watchHistoryEvents);
  }

  /** How many changes a watch can replay (the watch cache's capacity). */
  setWatchHistorySize(events: number): void {
    this.history.capacity = Math.max(1, events);
  }

  /** Changes of `rt` after `rv`; throws 410 Expired when they are no longer kept. */
  eventsSince(rt: ResourceType, rv: number): StoreEvent[] {
    return this.history.since(rt, rv);
  }

  /**
   * etcd compaction of everything handed out so far: watches from any earlier resourceVersion and
   * continue tokens of lists begun before now answer 410 Expired. The revision moves on by one so
   * that a list made now is not itself too old to watch from.
   */
  compact(): void {
    this.rv++;
    this.compactedRv = this.rv;
    this.history.compact(this.rv);
  }

  /** Registers a change listener; returns its removal. */
  onChange(listener: (e: StoreEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  resourceVersion(): string {
    return String(this.rv);
  }

  private table(rt: ResourceType): Table {
    let t = this.tables.get(rt);
    if (!t) {
      t = new Table();
      this.tables.set(rt, t);
    }
    return t;
  }

  private emit(type: StoreEventType, rt: ResourceType, obj: KObject): void {
    const e: StoreEvent = { type, rt, obj, rv: this.rv };
    this.history.add(e);
    for (const l of [...this.listeners]) l(e);
  }

  get(rt: ResourceType, ns: string | undefined, name: string): KObject | undefined {
    return this.table(rt).get(rt.namespaced ? (ns ?? '') : '', name);
  }

  /** Get or the apiserver's 404 for the resource. */
  mustGet(rt: ResourceType, ns: string | undefined, name: string): KObject {
    const obj = this.get(rt, ns, name);
    if (!obj) throw notFound(rt.resource, rt.group, name);
    return obj;
  }

  /** Fills uid, resourceVersion, creationTimestamp; does not persist. Used by create and by dryRun. */
  prepareNew(rt: ResourceType, input: NewObject): KObject {
    return normalizeObject({ ...input, apiVersion: apiVersionOf(rt), kind: rt.kind }, {
      namespace: rt.namespaced ? input.metadata.namespace : undefined,
      uid: randomUUID(),
      resourceVersion: String(this.rv + 1),
      creationTimestamp: rfc3339(this.now()),
      deletionTimestamp: undefined,
    });
  }

  create(rt: ResourceType, input: NewObject): KObject {
    const ns = rt.namespaced ? (input.metadata.namespace ?? '') : '';
    const table = this.table(rt);
    if (table.get(ns, input.metadata.name)) throw alreadyExists(rt.resource, rt.group, input.metadata.name);
    const obj = this.prepareNew(rt, input);
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    table.set(ns, obj.metadata.name, obj);
    this.emit('ADDED', rt, obj);
    return obj;
  }

  /** Replaces a stored object (which must exist), bumping its resourceVersion. */
  update(rt: ResourceType, obj: KObject): KObject {
    const ns = rt.namespaced ? (obj.metadata.namespace ?? '') : '';
    const table = this.table(rt);
    const old = table.get(ns, obj.metadata.name);
    if (!old) throw notFound(rt.resource, rt.group, obj.metadata.name);
    this.rv++;
    const next = normalizeObject(obj, { uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp, resourceVersion: String(this.rv) });
    table.set(ns, next.metadata.name, next);
    this.emit('MODIFIED', rt, next);
    return next;
  }

  delete(rt: ResourceType, ns: string | undefined, name: string): KObject | undefined {
    const obj = this.table(rt).remove(rt.namespaced ? (ns ?? '') : '', name);
    if (obj) {
      this.rv++;
      this.emit('DELETED', rt, { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.rv) } });
    }
    return obj;
  }

  count(rt: ResourceType, ns?: string): number {
    const table = this.table(rt);
    return ns === undefined ? table.size : (table.byNamespace.get(ns)?.size ?? 0);
  }

  /** All objects of a namespace (or all), in key order, without paging. */
  all(rt: ResourceType, ns?: string): KObject[] {
    return this.list(rt, ns, {}).items;
  }

  list(rt: ResourceType, ns: string | undefined, opts: ListOptions): ListResult {
    const table = this.table(rt);
    const namespaces = !rt.namespaced ? [''] : ns !== undefined ? [ns] : table.namespaces();
    let nsIndex = 0;
    let nameIndex = 0;
    if (opts.continueToken) {
      const { start, rv } = decodeContinue(opts.continueToken);
      // etcd3 interpretListError: the snapshot is compacted; the Status carries a token that
      // continues at the latest revision (rv -1), as handleCompactedErrorForPaging builds it.
      if (rv !== -1 && rv < this.compactedRv) throw resourceExpired(inconsistentContinue, encodeContinueAt(start, -1));
      const slash = rt.namespaced ? start.indexOf('/') : -1;
      const startNs = slash >= 0 ? start.slice(0, slash) : '';
      const startName = slash >= 0 ? start.slice(slash + 1) : start;
      if (rt.namespaced && ns === undefined) {
        nsIndex = lowerBound(namespaces, `${startNs}/`, (a, b) => compareBytes(`${a}/`, b));
        if (namespaces[nsIndex] === startNs) nameIndex = lowerBound(table.names(startNs), startName);
      } else {
        nameIndex = lowerBound(table.names(namespaces[0]), startName);
      }
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const items: KObject[] = [];
    let skippedBefore = 0;
    for (let i = 0; i < nsIndex; i++) skippedBefore += table.byNamespace.get(namespaces[i])?.size ?? 0;
    skippedBefore += nameIndex;
    let visited = 0;
    let lastKey: string | undefined;
    let more = false;
    outer: for (let i = nsIndex; i < namespaces.length; i++) {
      const names = table.names(namespaces[i]);
      const byName = table.byNamespace.get(namespaces[i]);
      for (let j = i === nsIndex ? nameIndex : 0; j < names.length; j++) {
        if (items.length >= limit) {
          more = true;
          break outer;
        }
        const obj = byName?.get(names[j]);
        visited++;
        if (!obj || (opts.filter && !opts.filter(obj))) continue;
        items.push(obj);
        lastKey = rt.namespaced ? `${namespaces[i]}/${names[j]}` : names[j];
      }
    }
    const result: ListResult = { items, resourceVersion: this.resourceVersion() };
    if (more && lastKey !== undefined) {
      result.continueToken = encodeContinue(lastKey, this.rv);
      if (!opts.filter) {
        const total = ns !== undefined && rt.namespaced ? (table.byNamespace.get(ns)?.size ?? 0) : table.size;
        result.remainingItemCount = total - skippedBefore - visited;
      }
    }
    return result;
  }
}
