/**
 * `metadata.managedFields`, kept the way k8s.io/apimachinery's field manager keeps them
 * (util/managedfields/internal: managedfieldsupdater, stripmeta, buildmanagerinfo, conflict) over
 * structured-merge-diff's Updater (merge/update.go):
 * - every create/update/patch records the fields it added or changed for its manager
 *   (`Update`), taking them away from every other manager;
 * - apply (`Apply`) owns exactly the applied configuration, prunes what it applied last time and no
 *   one owns any more, and fails with 409 on fields another manager owns with another value unless
 *   `force=true`, which takes them over.
 */
import type { KObject } from '../api';
import { isRecord } from '../jwt';
import { ApiError, type StatusCause } from '../status';
import { rfc3339 } from '../store';
import { compare, fieldsV1, FieldSet, fromFieldsV1, pathString, toFieldSet, type Comparison } from './fieldSet';
import { merge, removeItems } from './merge';
import { resetsStatus } from './schema';

interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** By manager identifier (`BuildManagerIdentifier`: JSON without time and fields, without apiVersion for appliers). */
type Managers = Map<string, Manager>;

function managerId(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const id: Record<string, string> = { manager: m.manager, operation: m.operation };
  if (m.operation === 'Update') id.apiVersion = m.apiVersion;
  if (m.subresource) id.subresource = m.subresource;
  return JSON.stringify(id);
}

/** What stripmeta.go never records for anyone. */
const STRIPPED = FieldSet.of(['f:apiVersion'], ['f:kind'], ['f:metadata'], ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => ['f:metadata', `f:${f}`]));

function decode(obj: Record<string, unknown> | undefined): Managers {
  const out: Managers = new Map();
  const meta = isRecord(obj?.metadata) ? obj.metadata : {};
  for (const raw of Array.isArray(meta.managedFields) ? meta.managedFields : []) {
    if (!isRecord(raw) || typeof raw.manager !== 'string') continue;
    const m: Manager = {
      manager: raw.manager,
      operation: raw.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: String(raw.apiVersion ?? ''),
      subresource: typeof raw.subresource === 'string' && raw.subresource ? raw.subresource : undefined,
      time: typeof raw.time === 'string' ? raw.time : undefined,
      set: fromFieldsV1(raw.fieldsV1),
    };
    out.set(managerId(m), m);
  }
  return out;
}

/** Entries in the order sortEncodedManagedFields gives: operation, time, manager, apiVersion. */
function encode(managers: Managers): Record<string, unknown>[] | undefined {
  const list = [...managers.values()].filter((m) => !m.set.empty);
  if (list.length === 0) return undefined;
  const seconds = (m: Manager): number => (m.time ? Date.parse(m.time) : 0);
  list.sort((p, q) => (p.operation !== q.operation ? (p.operation < q.operation ? -1 : 1) : seconds(p) - seconds(q) || cmp(p.manager, q.manager) || cmp(p.apiVersion, q.apiVersion) || cmp(p.subresource ?? '', q.subresource ?? '')));
  return list.map((m) => {
    const e: Record<string, unknown> = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = fieldsV1(m.set);
    if (m.subresource) e.subresource = m.subresource;
    return e;
  });
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The object without managedFields, as the typed converter sees it. */
function bare(obj: Record<string, unknown>): Record<string, unknown> {
  const meta = { ...(isRecord(obj.metadata) ? obj.metadata : {}) };
  delete meta.managedFields;
  return { ...obj, metadata: meta };
}

function filtered(kind: string, c: Comparison): Comparison {
  if (!resetsStatus(kind)) return c;
  return { added: c.added.without(['f:status']), removed: c.removed.without(['f:status']), modified: c.modified.without(['f:status']) };
}

export interface FieldManagerContext {
  kind: string;
  apiVersion: string;
  /** The manager of this request (`fieldManager`, else the User-Agent's product, else `unknown`). */
  manager: string;
  now: number;
}

function withManagedFields(obj: Record<string, unknown>, managers: Managers): Record<string, unknown> {
  const entries = encode(managers);
  const meta = { ...(isRecord(obj.metadata) ? obj.metadata : {}) };
  if (entries) meta.managedFields = entries;
  else delete meta.managedFields;
  return { ...obj, metadata: meta };
}

/**
 * A create, update or non-apply patch: `next` with the managedFields after the change from `live`
 * (the kind's zero value for a create). A request that sends managedFields of its own replaces them.
 */
export function recordUpdate(fm: FieldManagerContext, live: Record<string, unknown>, next: Record<string, unknown>): KObject {
  const liveMeta = isRecord(live.metadata) ? live.metadata : {};
  const nextMeta = isRecord(next.metadata) ? next.metadata : {};
  const sent = Array.isArray(nextMeta.managedFields) && JSON.stringify(nextMeta.managedFields) !== JSON.stringify(liveMeta.managedFields);
  const managers = decode(sent ? next : live);
  const c = filtered(fm.kind, compare(fm.kind, bare(live), bare(next)));
  const changed = c.modified.union(c.added);
  for (const [id, m] of managers) {
    m.set = m.set.difference(changed).difference(c.removed);
    if (m.set.empty) managers.delete(id);
  }
  const own = changed.difference(STRIPPED);
  if (!own.empty) {
    const entry: Manager = { manager: fm.manager, operation: 'Update', apiVersion: fm.apiVersion, set: own, time: rfc3339(fm.now) };
    const id = managerId(entry);
    const previous = managers.get(id);
    if (previous) entry.set = own.union(previous.set);
    managers.set(id, entry);
  }
  return withManagedFields(next, managers) as KObject;
}

/** `internal.NewConflictError`: 409 with one cause per conflicting field, managers sorted. */
function conflictError(conflicts: [string, Manager, string[][]][]): ApiError {
  const describe = (m: Manager): string => (m.operation === 'Update' ? `"${m.manager}" using ${m.apiVersion}` : `"${m.manager}"`);
  conflicts.sort((a, b) => cmp(a[0], b[0]));
  const causes: StatusCause[] = conflicts.flatMap(([, m, paths]) => paths.map((p) => ({ reason: 'FieldManagerConflict', message: `conflict with ${describe(m)}`, field: pathString(p) })));
  let message: string;
  if (causes.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${describe(conflicts[0][1])}: ${causes[0].field}`;
  } else {
    const lines = conflicts.flatMap(([, m, paths]) => [`conflicts with ${describe(m)}:`, ...paths.map((p) => `- ${pathString(p)}`)]);
    message = `Apply failed with ${causes.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}

export interface ApplyResult {
  object: KObject;
  /** False when the apply changed no field value (the live object is kept, managedFields aside). */
  changed: boolean;
}

/** Server-side apply of `config` over `live` (undefined: the object does not exist yet). */
export function recordApply(fm: FieldManagerContext, live: Record<string, unknown> | undefined, config: Record<string, unknown>, force: boolean): ApplyResult {
  const base = live ?? {};
  const managers = decode(base);
  const liveBare = live ? bare(live) : {};
  const merged = merge(fm.kind, liveBare, bare(config)) as Record<string, unknown>;
  const id = managerId({ manager: fm.manager, operation: 'Apply', apiVersion: fm.apiVersion });
  const last = managers.get(id);
  let configSet = toFieldSet(fm.kind, bare(config));
  if (resetsStatus(fm.kind)) configSet = configSet.without(['f:status']);
  managers.set(id, { manager: fm.manager, operation: 'Apply', apiVersion: fm.apiVersion, time: last?.time, set: configSet });
  let result = merged;
  if (last && !last.set.empty) {
    let owned = new FieldSet();
    for (const m of managers.values()) owned = owned.union(m.set);
    result = removeItems(fm.kind, merged, last.set.difference(owned)) as Record<string, unknown>;
  }
  const c = filtered(fm.kind, compare(fm.kind, liveBare, result));
  const changedFields = c.modified.union(c.added);
  const conflicts: [string, Manager, string[][]][] = [];
  for (const [otherId, m] of managers) {
    if (otherId === id) continue;
    const clash = m.set.intersection(changedFields);
    if (!clash.empty) conflicts.push([otherId, m, clash.paths()]);
  }
  if (conflicts.length && !force) throw conflictError(conflicts);
  for (const [otherId, m] of managers) {
    if (otherId === id) continue;
    m.set = m.set.difference(changedFields).difference(c.removed);
    if (m.set.empty) managers.delete(otherId);
  }
  const mine = managers.get(id) as Manager;
  mine.set = mine.set.difference(STRIPPED);
  if (mine.set.empty) managers.delete(id);
  const changed = JSON.stringify(liveBare) !== JSON.stringify(result);
  if (changed) mine.time = rfc3339(fm.now);
  return { object: withManagedFields(changed ? result : liveBare, managers) as KObject, changed };
}
