/**
 * Strategic merge patch (k8s.io/apimachinery util/strategicpatch) for the lists that declare a
 * patch strategy: associative lists merge item by item on their merge key (`patchMergeKey`: the
 * first list-map key of schema.ts, e.g. containers by `name`, ports by `containerPort`), sets of
 * primitives (`metadata.finalizers`) are unions; every other list is replaced, maps merge key by key
 * and `null` deletes. Directives: `$patch: replace|delete` on maps and list items,
 * `$deleteFromPrimitiveList/<field>`, `$retainKeys`; `$setElementOrder/<field>` is accepted and ignored.
 */
import { isRecord } from '../jwt';
import { listTypeAt } from '../ssa/schema';
import { badRequest } from '../status';

function mergeKeyOf(kind: string, schemaPath: string[]): string | 'set' | undefined {
  const lt = listTypeAt(kind, schemaPath);
  if (lt.type === 'set') return 'set';
  // resources.claims is a list-map without a patch strategy.
  if (lt.type === 'map' && schemaPath[schemaPath.length - 1] !== 'claims') return lt.keys[0];
  return undefined;
}

function patchList(kind: string, original: unknown, patch: unknown[], schemaPath: string[]): unknown {
  const key = mergeKeyOf(kind, schemaPath);
  if (key === undefined) return patch.filter((i) => !(isRecord(i) && '$patch' in i));
  const base = Array.isArray(original) ? [...original] : [];
  if (key === 'set') {
    for (const v of patch) if (!base.some((b) => JSON.stringify(b) === JSON.stringify(v))) base.push(v);
    return base;
  }
  if (patch.some((i) => isRecord(i) && i.$patch === 'replace')) return patch.filter((i) => !(isRecord(i) && i.$patch === 'replace'));
  for (const item of patch) {
    if (!isRecord(item)) throw badRequest(`unable to find api field in struct for the merge key "${key}"`);
    const at = base.findIndex((b) => isRecord(b) && b[key] === item[key]);
    if (item.$patch === 'delete') {
      if (at >= 0) base.splice(at, 1);
      continue;
    }
    if (at >= 0) base[at] = patchMap(kind, base[at], item, schemaPath);
    else base.push(patchMap(kind, undefined, item, schemaPath));
  }
  return base;
}

function patchMap(kind: string, original: unknown, patch: Record<string, unknown>, schemaPath: string[]): unknown {
  if (patch.$patch === 'delete') return undefined;
  const replaceAll = patch.$patch === 'replace';
  let out: Record<string, unknown> = replaceAll || !isRecord(original) ? {} : { ...original };
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys.map(String));
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const drop = new Set((Array.isArray(v) ? v : []).map((x) => JSON.stringify(x)));
      if (Array.isArray(out[field])) out[field] = (out[field] as unknown[]).filter((x) => !drop.has(JSON.stringify(x)));
      continue;
    }
    const path = [...schemaPath, k];
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = patchList(kind, out[k], v, path);
    else if (isRecord(v)) {
      const merged = patchMap(kind, out[k], v, path);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else out[k] = v;
  }
  return out;
}

export function strategicMergePatch(kind: string, original: Record<string, unknown>, patch: Record<string, unknown>): unknown {
  return patchMap(kind, original, patch, []);
}
