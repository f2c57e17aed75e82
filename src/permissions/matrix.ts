/**
 * The permissions matrix of a ServiceAccount: resources × verbs, each allowed cell with the
 * bindings that grant it. Built from a SelfSubjectRulesReview (or rules derived from RBAC objects)
 * or from per-cell SubjectAccessReviews. Pure: no `vscode`, no cluster calls.
 */
import { ruleAllows, type AccessRequest, type GrantRef, type PolicyRule } from './rbac';

/** How the matrix was obtained, best first. */
export type MatrixMethod = 'rulesReview' | 'accessReview' | 'rbacObjects';

export interface MatrixCell {
  allowed: boolean;
  /** Allowed only for these object names (rules with resourceNames). */
  resourceNames?: string[];
  /** All-namespaces matrices: allowed only in these namespaces (RoleBindings); absent when allowed in every namespace. */
  namespaces?: string[];
  /** The bindings that grant it (empty when they could not be determined). */
  grants: GrantRef[];
}

export interface MatrixRow {
  /** API group; '' is the core group, '*' any. */
  group: string;
  /** Resource, with `/subresource` when there is one; '*' is any. */
  resource: string;
  /** By verb; a verb that was not checked for this row has no cell. */
  cells: Record<string, MatrixCell>;
}

export interface NonResourceEntry {
  verbs: string[];
  urls: string[];
}

export interface PermissionMatrix {
  context: string;
  serviceAccount: { namespace: string; name: string };
  /** The namespace the permissions are evaluated in; '' for all namespaces (as metav1.NamespaceAll). */
  namespace: string;
  method: MatrixMethod;
  /** Why better methods could not be used, e.g. the permission the caller lacks. */
  fallbacks: string[];
  /** Notes on completeness: bindings that could not be read, roles that do not exist. */
  notes: string[];
  /**
   * Cells shown as denied may in fact be allowed: the server's rules review said an authorizer in its
   * chain (a webhook, Node) cannot list its rules, or RBAC objects could not all be read. `notes` says which.
   */
  incomplete: boolean;
  /** The server's evaluationError: bindings RBAC could not resolve (e.g. a role that does not exist). It grants nothing through them. */
  evaluationError?: string;
  verbs: string[];
  rows: MatrixRow[];
  nonResource: NonResourceEntry[];
  /** ISO time of the evaluation. */
  generatedAt: string;
}

export interface ResourceCheck {
  group: string;
  resource: string;
  subresource?: string;
  /** Verbs that make sense for it; default STANDARD_VERBS. */
  verbs?: string[];
}

export const STANDARD_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** What the SubjectAccessReview fallback asks about: the resources a workload identity typically touches. */
export const STANDARD_RESOURCES: ResourceCheck[] = [
  { group: '', resource: 'pods' },
  { group: '', resource: 'pods', subresource: 'log', verbs: ['get'] },
  { group: '', resource: 'pods', subresource: 'exec', verbs: ['get', 'create'] },
  { group: '', resource: 'services' },
  { group: '', resource: 'configmaps' },
  { group: '', resource: 'secrets' },
  { group: '', resource: 'serviceaccounts' },
  { group: '', resource: 'serviceaccounts', subresource: 'token', verbs: ['create'] },
  { group: '', resource: 'persistentvolumeclaims' },
  { group: '', resource: 'events' },
  { group: 'apps', resource: 'deployments' },
  { group: 'apps', resource: 'statefulsets' },
  { group: 'apps', resource: 'daemonsets' },
  { group: 'apps', resource: 'replicasets' },
  { group: 'batch', resource: 'jobs' },
  { group: 'batch', resource: 'cronjobs' },
  { group: 'networking.k8s.io', resource: 'ingresses' },
  { group: 'rbac.authorization.k8s.io', resource: 'roles' },
  { group: 'rbac.authorization.k8s.io', resource: 'rolebindings' },
];

export const checkVerbs = (c: ResourceCheck): string[] => c.verbs ?? STANDARD_VERBS;
export const rowResource = (c: ResourceCheck): string => (c.subresource ? `${c.resource}/${c.subresource}` : c.resource);

function splitResource(resource: string): { resource: string; subresource?: string } {
  const i = resource.indexOf('/');
  return i < 0 ? { resource } : { resource: resource.slice(0, i), subresource: resource.slice(i + 1) };
}

/** The request a cell stands for. */
export function cellRequest(row: Pick<MatrixRow, 'group' | 'resource'>, verb: string, namespace: string): AccessRequest {
  return { verb, group: row.group, ...splitResource(row.resource), namespace };
}

const rowOrder = (a: Pick<MatrixRow, 'group' | 'resource'>, b: Pick<MatrixRow, 'group' | 'resource'>): number =>
  a.group.localeCompare(b.group) || a.resource.localeCompare(b.resource);

/** Standard verbs first, then the others (bind, escalate, impersonate, use, …) alphabetically. */
export function verbColumns(extra: Iterable<string>): string[] {
  const others = [...new Set(extra)].filter((v) => v !== '*' && !STANDARD_VERBS.includes(v)).sort();
  return [...STANDARD_VERBS, ...others];
}

export type Attribute = (req: AccessRequest) => GrantRef[];

/** A rule, and for all-namespaces matrices the one namespace it applies in (a RoleBinding's); none: everywhere. */
export type ScopedRule = PolicyRule & { scope?: string };

export interface RulesInput {
  resourceRules: ScopedRule[];
  nonResourceRules: PolicyRule[];
}

/**
 * Rows are the (group, resource) pairs the rules name ('*' stays a row of its own); a cell is
 * allowed when some rule covers it, wildcards included, and limited to names when only rules with
 * resourceNames do.
 */
export function cellsFromRules(input: RulesInput, namespace: string, attribute: Attribute): Pick<PermissionMatrix, 'verbs' | 'rows' | 'nonResource'> {
  const keys = new Map<string, Pick<MatrixRow, 'group' | 'resource'>>();
  const verbsSeen: string[] = [];
  for (const rule of input.resourceRules) {
    verbsSeen.push(...rule.verbs);
    for (const group of rule.apiGroups?.length ? rule.apiGroups : ['']) {
      for (const resource of rule.resources ?? []) keys.set(`${group}\u0000${resource}`, { group, resource });
    }
  }
  const verbs = verbColumns(verbsSeen);
  const rows: MatrixRow[] = [...keys.values()].sort(rowOrder).map((key) => {
    const cells: Record<string, MatrixCell> = {};
    for (const verb of verbs) {
      const req = cellRequest(key, verb, namespace);
      const covering = input.resourceRules.filter((r) => ruleAllows({ ...r, resourceNames: undefined }, req));
      const unrestricted = covering.some((r) => !r.resourceNames?.length);
      const names = unrestricted ? undefined : [...new Set(covering.flatMap((r) => r.resourceNames ?? []))].sort();
      const everywhere = covering.some((r) => r.scope === undefined);
      const scopes = everywhere ? undefined : [...new Set(covering.map((r) => r.scope as string))].sort();
      const allowed = covering.length > 0;
      cells[verb] = {
        allowed,
        resourceNames: names?.length ? names : undefined,
        ...(scopes?.length ? { namespaces: scopes } : {}),
        grants: allowed ? attribute({ ...req, name: names?.[0] }) : [],
      };
    }
    return { ...key, cells };
  });
  return { verbs, rows, nonResource: mergeNonResource(input.nonResourceRules) };
}

/**
 * Non-resource URLs once each: the rules review repeats a rule per binding (every ServiceAccount
 * gets system:discovery and system:public-info-viewer through two bindings), so URLs with the same
 * verbs are merged into one entry and duplicates dropped.
 */
export function mergeNonResource(rules: readonly PolicyRule[]): NonResourceEntry[] {
  const byVerbs = new Map<string, { verbs: string[]; urls: Set<string> }>();
  for (const r of rules) {
    const verbs = [...new Set(r.verbs)].sort();
    const key = verbs.join(',');
    const entry = byVerbs.get(key) ?? { verbs, urls: new Set<string>() };
    for (const u of r.nonResourceURLs ?? []) entry.urls.add(u);
    byVerbs.set(key, entry);
  }
  // A URL already covered by a wider verb set is not repeated under a narrower one.
  const entries = [...byVerbs.values()].sort((a, b) => b.verbs.length - a.verbs.length || a.verbs.join().localeCompare(b.verbs.join()));
  const out: NonResourceEntry[] = [];
  for (const e of entries) {
    const urls = [...e.urls].filter((u) => !out.some((o) => e.verbs.every((v) => o.verbs.includes(v) || o.verbs.includes('*')) && o.urls.includes(u))).sort();
    if (urls.length) out.push({ verbs: e.verbs, urls });
  }
  return out;
}

export interface AccessCheckResult {
  check: ResourceCheck;
  verb: string;
  allowed: boolean;
  /** The SubjectAccessReview's reason, which names the granting binding on allow. */
  grant?: GrantRef;
}

/** Rows in STANDARD_RESOURCES order; a verb not checked for a resource has no cell. */
export function cellsFromAccessReviews(results: readonly AccessCheckResult[], checks: readonly ResourceCheck[] = STANDARD_RESOURCES): Pick<PermissionMatrix, 'verbs' | 'rows' | 'nonResource'> {
  const rows: MatrixRow[] = checks.map((c) => {
    const cells: Record<string, MatrixCell> = {};
    for (const r of results) {
      if (r.check === c) cells[r.verb] = { allowed: r.allowed, grants: r.allowed && r.grant ? [r.grant] : [] };
    }
    return { group: c.group, resource: rowResource(c), cells };
  });
  return { verbs: verbColumns(checks.flatMap(checkVerbs)), rows, nonResource: [] };
}

export interface AllowedCell {
  group: string;
  resource: string;
  verb: string;
  resourceNames?: string[];
  grants: GrantRef[];
}

/** The allowed cells, row by row. */
export function allowedCells(m: Pick<PermissionMatrix, 'rows' | 'verbs'>): AllowedCell[] {
  const out: AllowedCell[] = [];
  for (const row of m.rows) {
    for (const verb of m.verbs) {
      const cell = row.cells[verb];
      if (cell?.allowed) out.push({ group: row.group, resource: row.resource, verb, resourceNames: cell.resourceNames, grants: cell.grants });
    }
  }
  return out;
}

/**
 * What a cell shows: allowed (for every object), limited (only named objects, or only some
 * namespaces), denied, unknown (not allowed by what could be seen, but the list is incomplete), or
 * unchecked (the SubjectAccessReview fallback did not ask about this verb).
 */
export type CellState = 'allowed' | 'limited' | 'denied' | 'unknown' | 'unchecked';

export function cellState(m: Pick<PermissionMatrix, 'incomplete'>, cell: MatrixCell | undefined): CellState {
  if (!cell) return 'unchecked';
  if (cell.allowed) return cell.resourceNames?.length || cell.namespaces?.length ? 'limited' : 'allowed';
  return m.incomplete ? 'unknown' : 'denied';
}

/** Whether the matrix allows `verb` on `resource` (with `/subresource`) in `group`. */
export function isAllowed(m: Pick<PermissionMatrix, 'rows'>, verb: string, resource: string, group = ''): boolean {
  return m.rows.some((row) => {
    const cell = row.cells[verb];
    return cell?.allowed === true && (row.group === group || row.group === '*') && (row.resource === resource || row.resource === '*');
  });
}
