/**
 * The value side of server-side apply: `TypedValue.Merge` (the applied configuration over the live
 * object: granular maps merged key by key, associative lists item by item in the order
 * structured-merge-diff's mergingWalker produces, everything else replaced) and
 * `TypedValue.RemoveItems` (what pruning takes out).
 */
import { isRecord } from '../jwt';
import { indexItems, shapeOf, type FieldSet } from './fieldSet';

export function merge(kind: string, live: unknown, config: unknown, schemaPath: string[] = []): unknown {
  if (config === undefined) return live;
  if (live === undefined) return config;
  const shape = shapeOf(kind, schemaPath, live, config);
  if (shape === 'atomic' || config === null || live === null) return config;
  if (shape === 'map') {
    if (!isRecord(live) || !isRecord(config)) return config;
    const out: Record<string, unknown> = { ...live };
    for (const [k, v] of Object.entries(config)) out[k] = merge(kind, live[k], v, [...schemaPath, k]);
    return out;
  }
  if (!Array.isArray(live) || !Array.isArray(config)) return config;
  const lt = shape.list;
  const mergeItem = (l: unknown, r: unknown): unknown => (lt.type === 'map' && !lt.atomicElements ? merge(kind, l, r, schemaPath) : (r ?? l));
  const lhs = indexItems(live, lt);
  const rhs = indexItems(config, lt);
  const lPEs = [...lhs.keys()];
  const rPEs = [...rhs.keys()];
  // mergingWalker.visitListItems: LHS order, RHS items slotted in where the shared items say.
  const shared = rPEs.filter((pe) => lhs.has(pe));
  let nextShared = shared.shift();
  const merged = new Set<string>();
  const out: unknown[] = [];
  for (let l = 0, r = 0; l < lPEs.length || r < rPEs.length; ) {
    if (l < lPEs.length && r < rPEs.length) {
      const pe = lPEs[l];
      if (pe === rPEs[r]) {
        merged.add(pe);
        out.push(mergeItem(lhs.get(pe), rhs.get(pe)));
        l++;
        r++;
        nextShared = shared.shift();
        continue;
      }
      if (rhs.has(pe) && nextShared !== undefined && nextShared !== pe) {
        l++;
        continue;
      }
    }
    if (l < lPEs.length) {
      const pe = lPEs[l];
      if (!rhs.has(pe)) {
        out.push(lhs.get(pe));
        l++;
        continue;
      } else if (merged.has(pe)) {
        l++;
      }
    }
    if (r < rPEs.length) {
      const pe = rPEs[r];
      merged.add(pe);
      out.push(mergeItem(lhs.get(pe), rhs.get(pe)));
      r++;
      if (nextShared === pe) nextShared = shared.shift();
    }
  }
  return out;
}

/**
 * Removes every member path of `set` from `value` (a copy). A granular map that pruning empties is
 * dropped, as Go's `omitempty` does for the maps that can be pruned (labels, annotations, data).
 */
export function removeItems(kind: string, value: unknown, set: FieldSet, schemaPath: string[] = []): unknown {
  if (set.children.size === 0) return value;
  const shape = shapeOf(kind, schemaPath, value);
  if (shape === 'map' && isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const child = set.children.get(`f:${k}`);
      if (child?.member) continue;
      const next = child ? removeItems(kind, v, child, [...schemaPath, k]) : v;
      if (child && isRecord(next) && Object.keys(next).length === 0 && isRecord(v) && Object.keys(v).length > 0) continue;
      out[k] = next;
    }
    return out;
  }
  if (typeof shape === 'object' && Array.isArray(value)) {
    const items = indexItems(value, shape.list);
    const out: unknown[] = [];
    for (const [pe, item] of items) {
      const child = set.children.get(pe);
      if (child?.member) continue;
      out.push(child && shape.list.type === 'map' ? removeItems(kind, item, child, schemaPath) : item);
    }
    return out;
  }
  return value;
}
