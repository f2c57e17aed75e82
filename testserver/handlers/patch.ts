/**
 * RFC 7386 JSON merge patch and the RFC 6902 JSON patch operations kubectl and client libraries send.
 */
import { isRecord } from '../jwt';
import { ApiError } from '../status';

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return patch;
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k.startsWith('$setElementOrder') || k.startsWith('$retainKeys') || k.startsWith('$deleteFromPrimitiveList')) continue;
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw patchError(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function patchError(msg: string): ApiError {
  return new ApiError(422, 'Invalid', msg);
}

type Container = Record<string, unknown> | unknown[];

function parentOf(doc: unknown, path: string[]): { parent: Container; key: string } {
  let cur: unknown = doc;
  for (const seg of path.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isRecord(cur)) cur = cur[seg];
    else cur = undefined;
    if (cur === undefined) throw patchError(`doc is missing path: "/${path.join('/')}": missing value`);
  }
  if (!Array.isArray(cur) && !isRecord(cur)) throw patchError(`doc is missing path: "/${path.join('/')}"`);
  return { parent: cur, key: path[path.length - 1] };
}

export function applyJsonPatch(doc: Record<string, unknown>, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new ApiError(400, 'BadRequest', 'json patch must be an array of operations');
  let root: unknown = doc;
  for (const raw of ops) {
    if (!isRecord(raw)) throw patchError('invalid JSON patch operation');
    const op = String(raw.op);
    const path = decodePointer(String(raw.path ?? ''));
    if (path.length === 0) {
      if (op === 'add' || op === 'replace') root = raw.value;
      continue;
    }
    const { parent, key } = parentOf(root, path);
    if (op === 'test') {
      const cur = Array.isArray(parent) ? parent[Number(key)] : parent[key];
      if (JSON.stringify(cur) !== JSON.stringify(raw.value)) throw patchError(`testing value /${path.join('/')} failed: test failed`);
    } else if (op === 'remove' || op === 'replace') {
      if (Array.isArray(parent)) {
        const i = Number(key);
        if (!(i in parent)) throw patchError(`Unable to remove nonexistent key: ${key}: missing value`);
        if (op === 'remove') parent.splice(i, 1);
        else parent[i] = raw.value;
      } else {
        if (!(key in parent)) throw patchError(`Unable to ${op} nonexistent key: ${key}: missing value`);
        if (op === 'remove') delete parent[key];
        else parent[key] = raw.value;
      }
    } else if (op === 'add') {
      if (Array.isArray(parent)) {
        if (key === '-') parent.push(raw.value);
        else parent.splice(Number(key), 0, raw.value);
      } else {
        parent[key] = raw.value;
      }
    } else {
      throw patchError(`Unexpected kind: ${op}`);
    }
  }
  return root;
}
