/**
 * Server-side printing (`as=Table`) for kubectl get, and label/field selectors for lists.
 */
import type { KObject } from './api';
import { core, type ResourceType } from './resources';
import { badRequest } from './status';
import { isRecord } from './jwt';

interface Column {
  name: string;
  type: string;
  format?: string;
  description: string;
  priority: number;
  cell: (o: KObject, nowMs: number) => string | number;
}

/** `duration.HumanDuration` from apimachinery. */
export function humanDuration(seconds: number): string {
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${Math.floor(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = Math.floor(seconds % 60);
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(seconds / 3600);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

const nameColumn: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0, cell: (o) => o.metadata.name };
const ageColumn: Column = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (o, now) => humanDuration((now - Date.parse(o.metadata.creationTimestamp)) / 1000),
};

const count = (v: unknown): number => (Array.isArray(v) ? v.length : isRecord(v) ? Object.keys(v).length : 0);
const str = (c: Omit<Column, 'type' | 'priority'> & { priority?: number }): Column => ({ type: 'string', priority: 0, ...c });

function columnsFor(rt: ResourceType): Column[] {
  switch (rt) {
    case core.serviceAccounts:
      return [nameColumn, { name: 'Secrets', type: 'string', description: 'Secrets of the service account', priority: 0, cell: (o) => count(o.secrets) }, ageColumn];
    case core.secrets:
      return [nameColumn, str({ name: 'Type', description: 'Type of the secret', cell: (o) => String(o.type ?? 'Opaque') }), { name: 'Data', type: 'integer', description: 'Number of data entries', priority: 0, cell: (o) => count(o.data) }, ageColumn];
    case core.configMaps:
      return [nameColumn, { name: 'Data', type: 'integer', description: 'Number of data entries', priority: 0, cell: (o) => count(o.data) + count(o.binaryData) }, ageColumn];
    case core.namespaces:
      return [nameColumn, str({ name: 'Status', description: 'The status of the namespace', cell: (o) => String((o.status as { phase?: string } | undefined)?.phase ?? 'Active') }), ageColumn];
    case core.pods:
      return [
        nameColumn,
        str({ name: 'Ready', description: 'The aggregate readiness state of this pod for accepting traffic.', cell: (o) => { const n = count((o.spec as { containers?: unknown } | undefined)?.containers); return `${podPhase(o) === 'Running' ? n : 0}/${n}`; } }),
        str({ name: 'Status', description: 'The aggregate status of the containers in this pod.', cell: podPhase }),
        { name: 'Restarts', type: 'string', description: 'The number of times the containers in this pod have been restarted.', priority: 0, cell: () => '0' },
        ageColumn,
        str({ name: 'Node', priority: 1, description: 'Name of the node', cell: (o) => String((o.spec as { nodeName?: string } | undefined)?.nodeName ?? '<none>') }),
      ];
    case core.nodes:
      return [nameColumn, str({ name: 'Status', description: 'The status of the node', cell: () => 'Ready' }), str({ name: 'Roles', description: 'The roles of the node', cell: () => '<none>' }), ageColumn, str({ name: 'Version', description: 'Kubelet Version', cell: () => 'v1.34.1' })];
    case core.roleBindings:
    case core.clusterRoleBindings:
      return [nameColumn, str({ name: 'Role', description: 'Role', cell: (o) => { const r = (o.roleRef ?? {}) as { kind?: string; name?: string }; return `${r.kind}/${r.name}`; } }), ageColumn];
    default:
      return [nameColumn, ageColumn];
  }
}

function podPhase(o: KObject): string {
  return String((o.status as { phase?: string } | undefined)?.phase ?? 'Pending');
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept);
}

export function toTable(rt: ResourceType, items: KObject[], listMeta: Record<string, unknown>, includeObject: string | null, nowMs: number): Record<string, unknown> {
  const columns = columnsFor(rt);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns.map((c) => {
      const d: Record<string, unknown> = { name: c.name, type: c.type };
      if (c.format) d.format = c.format;
      d.description = c.description;
      d.priority = c.priority;
      return d;
    }),
    rows: items.map((o) => {
      const row: Record<string, unknown> = { cells: columns.map((c) => c.cell(o, nowMs)) };
      if (includeObject === 'Object') row.object = o;
      else if (includeObject !== 'None') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
      return row;
    }),
  };
}

type Predicate = (o: KObject) => boolean;

function splitTerms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

export function labelSelector(selector: string | null): Predicate | undefined {
  if (!selector) return undefined;
  const preds: Predicate[] = splitTerms(selector).map((term) => {
    const labels = (o: KObject): Record<string, string> => o.metadata.labels ?? {};
    let m: RegExpMatchArray | null;
    if ((m = term.match(/^([^\s!=]+)\s+(in|notin)\s+\((.*)\)$/))) {
      const [, key, op, list] = m;
      const values = list.split(',').map((s) => s.trim());
      return op === 'in' ? (o) => values.includes(labels(o)[key]) : (o) => !values.includes(labels(o)[key]);
    }
    if ((m = term.match(/^([^\s!=]+)\s*!=\s*((?:\S.*)?)$/))) {
      const [, key, value] = m;
      return (o) => labels(o)[key] !== value;
    }
    if ((m = term.match(/^([^\s!=]+)\s*==?\s*((?:\S.*)?)$/))) {
      const [, key, value] = m;
      return (o) => labels(o)[key] === value;
    }
    if ((m = term.match(/^!([^\s!=]+)$/))) {
      const key = m[1];
      return (o) => !(key in labels(o));
    }
    if (/^[^\s!=()]+$/.test(term)) return (o) => term in labels(o);
    throw badRequest(`unable to parse requirement: ${term}`);
  });
  return (o) => preds.every((p) => p(o));
}

export function fieldSelector(selector: string | null): Predicate | undefined {
  if (!selector) return undefined;
  const preds: Predicate[] = splitTerms(selector).map((term) => {
    const m = term.match(/^([^!=]+)(==|!=|=)(.*)$/);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const [, field, op, value] = m;
    const get = (o: KObject): string => {
      if (field === 'metadata.name') return o.metadata.name;
      if (field === 'metadata.namespace') return o.metadata.namespace ?? '';
      if (field === 'type') return String(o.type ?? '');
      if (field === 'spec.serviceAccountName') return String((o.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? '');
      if (field === 'spec.nodeName') return String((o.spec as { nodeName?: string } | undefined)?.nodeName ?? '');
      throw badRequest(`field label not supported: ${field}`);
    };
    return op === '!=' ? (o) => get(o) !== value : (o) => get(o) === value;
  });
  return (o) => preds.every((p) => p(o));
}
