/**
 * Field sets of structured-merge-diff (sigs.k8s.io/structured-merge-diff/v6 `fieldpath`, `typed`),
 * the bookkeeping behind server-side apply and `metadata.managedFields`:
 * - a path element is a field `f:name`, a list item by its keys `k:{"name":"app"}`, a set value
 *   `v:"x"` or an index `i:0`, written exactly as in `fieldsV1`;
 * - `toFieldSet(value)` is `TypedValue.ToFieldSet` (leaves, associative list items as members,
 *   empty and atomic maps/lists as leaves); `compare(old, new)` is `TypedValue.Compare` (added,
 *   removed and modified leaves, plus containers present on one side only);
 * - `fieldsV1` / `fromFieldsV1` are the wire format, `pathString` the text of conflict messages.
 */
import { isRecord } from '../jwt';
import { isAtomicMap, listTypeAt } from './schema';

/** A set of paths as a trie; a node is a member when its path itself is in the set. */
export class FieldSet {
  member = false;
  readonly children = new Map<string, FieldSet>();

  static of(...paths: string[][]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: readonly string[]): void {
    if (path.length === 0) {
      this.member = true;
      return;
    }
    let next = this.children.get(path[0]);
    if (!next) this.children.set(path[0], (next = new FieldSet()));
    next.insert(path.slice(1));
  }

  get empty(): boolean {
    return !this.member && [...this.children.values()].every((c) => c.empty);
  }

  /** Paths of members, each level's members before its children's (Set.Iterate), in element order. */
  paths(prefix: string[] = []): string[][] {
    const keys = sortedKeys(this.children);
    const out: string[][] = [];
    for (const k of keys) if (this.children.get(k)?.member) out.push([...prefix, k]);
    for (const k of keys) out.push(...(this.children.get(k) as FieldSet).paths([...prefix, k]));
    return out;
  }

  union(other: FieldSet): FieldSet {
    return combine(this, other, (a, b) => a || b);
  }

  difference(other: FieldSet): FieldSet {
    return combine(this, other, (a, b) => a && !b);
  }

  intersection(other: FieldSet): FieldSet {
    return combine(this, other, (a, b) => a && b);
  }

  /** Drops every path that starts with `prefix` (an exclude filter). */
  without(prefix: readonly string[]): FieldSet {
    const out = combine(this, new FieldSet(), (a) => a);
    let node: FieldSet | undefined = out;
    for (const pe of prefix.slice(0, -1)) node = node?.children.get(pe);
    node?.children.delete(prefix[prefix.length - 1]);
    return out;
  }
}

function combine(a: FieldSet | undefined, b: FieldSet | undefined, op: (x: boolean, y: boolean) => boolean): FieldSet {
  const out = new FieldSet();
  out.member = op(a?.member ?? false, b?.member ?? false);
  for (const k of new Set([...(a?.children.keys() ?? []), ...(b?.children.keys() ?? [])])) {
    const child = combine(a?.children.get(k), b?.children.get(k), op);
    if (!child.empty) out.children.set(k, child);
  }
  return out;
}

const RANK: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** PathElement.Compare: fields, then keys, then values, then indexes. */
export function comparePathElements(a: string, b: string): number {
  const ra = RANK[a[0]] ?? 9;
  const rb = RANK[b[0]] ?? 9;
  if (ra !== rb) return ra - rb;
  if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedKeys(m: Map<string, unknown>): string[] {
  return [...m.keys()].sort(comparePathElements);
}

/** `fieldsV1` JSON: `.` marks a member that also has children. */
export function fieldsV1(set: FieldSet): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (set.member && set.children.size > 0) out['.'] = {};
  for (const k of sortedKeys(set.children)) out[k] = fieldsV1(set.children.get(k) as FieldSet);
  return out;
}

export function fromFieldsV1(value: unknown): FieldSet {
  const set = new FieldSet();
  const walk = (v: unknown, node: FieldSet): void => {
    if (!isRecord(v)) return;
    const keys = Object.keys(v).filter((k) => k !== '.');
    if (keys.length === 0 || '.' in v) node.member = true;
    for (const k of keys) {
      const child = new FieldSet();
      node.children.set(k, child);
      walk(v[k], child);
    }
  };
  for (const [k, v] of Object.entries(isRecord(value) ? value : {})) {
    const child = new FieldSet();
    set.children.set(k, child);
    walk(v, child);
  }
  return set;
}

/** `value.ToString` of a key or set value. */
function valueText(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v ?? null);
}

/** `fieldpath.Path.String()`: `.spec.containers[name="app"].image`. */
export function pathString(path: readonly string[]): string {
  return path
    .map((pe) => {
      const body = pe.slice(2);
      if (pe.startsWith('f:')) return `.${body}`;
      if (pe.startsWith('i:')) return `[${body}]`;
      if (pe.startsWith('v:')) return `[=${valueText(JSON.parse(body))}]`;
      const keys = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.entries(keys).map(([k, v]) => `${k}=${valueText(v)}`).join(',')}]`;
    })
    .join('');
}

/** The path element of an associative list item (keys sorted, `protocol` defaulted like the schema does). */
export function itemElement(keys: readonly string[], item: unknown): string {
  const rec = isRecord(item) ? item : {};
  const picked: Record<string, unknown> = {};
  for (const k of [...keys].sort()) {
    const v = rec[k] ?? (k === 'protocol' ? 'TCP' : undefined);
    if (v !== undefined) picked[k] = v;
  }
  return `k:${JSON.stringify(picked)}`;
}

export type Shape = 'map' | 'atomic' | { list: ReturnType<typeof listTypeAt> };

/** How the value at `schemaPath` merges: a granular map, a leaf, or a list of some type. */
export function shapeOf(kind: string, schemaPath: readonly string[], a: unknown, b?: unknown): Shape {
  const sample = a ?? b;
  const other = b ?? a;
  if (Array.isArray(sample) || Array.isArray(other)) {
    const lt = listTypeAt(kind, schemaPath);
    return lt.type === 'atomic' ? 'atomic' : { list: lt };
  }
  if ((isRecord(sample) || isRecord(other)) && !isAtomicMap(kind, schemaPath)) return 'map';
  return 'atomic';
}

const isEmptyContainer = (v: unknown): boolean => v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0);

/** List items indexed by path element, in list order (first occurrence wins). */
export function indexItems(list: unknown, lt: { type: string; keys?: string[] }): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const item of Array.isArray(list) ? list : []) {
    const pe = lt.type === 'set' ? `v:${JSON.stringify(item)}` : itemElement(lt.keys ?? [], item);
    if (!out.has(pe)) out.set(pe, item);
  }
  return out;
}

/** TypedValue.ToFieldSet. */
export function toFieldSet(kind: string, value: unknown): FieldSet {
  const set = new FieldSet();
  const walk = (v: unknown, path: string[], schemaPath: string[]): void => {
    const shape = shapeOf(kind, schemaPath, v);
    if (shape === 'atomic' || isEmptyContainer(v)) {
      if (path.length) set.insert(path);
      return;
    }
    if (shape === 'map') {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) walk(child, [...path, `f:${k}`], [...schemaPath, k]);
      return;
    }
    for (const [pe, item] of indexItems(v, shape.list)) {
      set.insert([...path, pe]);
      if (shape.list.type === 'map' && !shape.list.atomicElements) walk(item, [...path, pe], schemaPath);
    }
  };
  walk(value, [], []);
  return set;
}

export interface Comparison {
  added: FieldSet;
  removed: FieldSet;
  modified: FieldSet;
}

/** TypedValue.Compare(lhs, rhs). */
export function compare(kind: string, lhs: unknown, rhs: unknown): Comparison {
  const c: Comparison = { added: new FieldSet(), removed: new FieldSet(), modified: new FieldSet() };
  const leaf = (l: unknown, r: unknown, path: string[]): void => {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
    else if (JSON.stringify(l) !== JSON.stringify(r)) c.modified.insert(path);
  };
  const walk = (l: unknown, r: unknown, path: string[], schemaPath: string[]): void => {
    const shape = shapeOf(kind, schemaPath, l, r);
    if (shape === 'atomic' || (isEmptyContainer(l) && isEmptyContainer(r))) {
      if (path.length) leaf(l, r, path);
      return;
    }
    if (shape === 'map') {
      const lm = isRecord(l) ? l : {};
      const rm = isRecord(r) ? r : {};
      for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) walk(lm[k], rm[k], [...path, `f:${k}`], [...schemaPath, k]);
    } else {
      const li = indexItems(l, shape.list);
      const ri = indexItems(r, shape.list);
      for (const pe of new Set([...li.keys(), ...ri.keys()])) {
        if (shape.list.type !== 'map' || shape.list.atomicElements) leaf(li.get(pe), ri.get(pe), [...path, pe]);
        else walk(li.get(pe), ri.get(pe), [...path, pe], schemaPath);
      }
    }
    if (path.length && l === undefined) c.added.insert(path);
    else if (path.length && r === undefined) c.removed.insert(path);
  };
  walk(lhs, rhs, [], []);
  return c;
}
