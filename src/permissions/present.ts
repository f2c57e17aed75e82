/**
 * Words and symbols for permissions, shared by the view (webview bundle) and the exports, so a cell
 * reads the same on screen and in a file. Pure: no `vscode`, no DOM.
 */
import * as l10n from '@vscode/l10n';
import { allowedCells, type CellState, type MatrixCell, type MatrixMethod, type MatrixRow, type PermissionMatrix } from './matrix';
import { describeGrant, type PolicyRule } from './rbac';
import { describeQuery, type WhoCanNote, type WhoCanPath, type WhoCanQuery, type WhoCanReport } from './whoCan';

export const CELL_SYMBOLS: Record<CellState, string> = { allowed: '✓', limited: '✓*', denied: '✗', unknown: '?', unchecked: '–' };

export function stateLabel(state: CellState): string {
  switch (state) {
    case 'allowed':
      return l10n.t('allowed');
    case 'limited':
      return l10n.t('allowed with limits');
    case 'denied':
      return l10n.t('denied');
    case 'unknown':
      return l10n.t('not in the list (another authorizer may allow it)');
    case 'unchecked':
      return l10n.t('not checked');
  }
}

/** `only secrets ci-config, db` / `only in namespaces demo, payments`; empty when unlimited. */
export function limitText(cell: Pick<MatrixCell, 'resourceNames' | 'namespaces'>): string {
  const parts: string[] = [];
  if (cell.resourceNames?.length) parts.push(l10n.t('only the objects named {0}', cell.resourceNames.join(', ')));
  if (cell.namespaces?.length) parts.push(l10n.t('only in namespaces {0}', cell.namespaces.join(', ')));
  return parts.join('; ');
}

export function legend(): string {
  return l10n.t('✓ allowed · ✓* allowed with limits (named objects or some namespaces) · ✗ denied · ? not in the list, another authorizer may allow it · – not checked');
}

export function methodLabel(method: MatrixMethod): string {
  switch (method) {
    case 'rulesReview':
      return l10n.t('SelfSubjectRulesReview as the ServiceAccount (impersonation)');
    case 'accessReview':
      return l10n.t('SubjectAccessReviews for common resources');
    case 'rbacObjects':
      return l10n.t('evaluation of the RBAC objects readable by you');
  }
}

/** `namespace demo` or `all namespaces`. */
export function scopeLabel(namespace: string): string {
  return namespace ? l10n.t('namespace {0}', namespace) : l10n.t('all namespaces');
}

export function evaluationErrorText(error: string): string {
  return l10n.t('Some bindings could not be resolved: {0}', error);
}

/** Every notice about a matrix, in the order a reader needs them: why a lesser method, then what may be missing. */
export function matrixNotices(m: Pick<PermissionMatrix, 'fallbacks' | 'notes' | 'evaluationError'>): string[] {
  return [...m.fallbacks, ...(m.evaluationError ? [evaluationErrorText(m.evaluationError)] : []), ...m.notes];
}

const groupLabel = (g: string): string => (g === '' ? 'core' : g);

export interface GrantLine {
  /** `deployments (apps)`, with its limits when it has any. */
  resource: string;
  verbs: string[];
  /** The granting bindings, described. */
  grant: string;
}

/** Who grants what: one line per resource, grant and limits, listing the verbs it grants. */
export function grantLines(m: Pick<PermissionMatrix, 'rows' | 'verbs'>): GrantLine[] {
  const lines = new Map<string, GrantLine>();
  for (const c of allowedCells(m)) {
    const grant = c.grants.length ? c.grants.map(describeGrant).join('; ') : l10n.t('binding not determined');
    const limits = limitText(c);
    const key = `${c.group}\u0000${c.resource}\u0000${grant}\u0000${limits}`;
    const entry = lines.get(key) ?? { resource: `${c.resource} (${groupLabel(c.group)})${limits ? ` (${limits})` : ''}`, verbs: [], grant };
    entry.verbs.push(c.verb);
    lines.set(key, entry);
  }
  return [...lines.values()];
}

/** Groups every ServiceAccount (and, for system:authenticated, every user) is in. */
const BROAD_GROUPS = ['system:authenticated', 'system:serviceaccounts', 'system:unauthenticated'];

/**
 * Whether every allowed cell of a row is granted only through a group everyone is in (e.g.
 * system:basic-user's self-reviews): true of every identity, so the view shows such rows muted.
 */
export function grantedToEveryone(row: MatrixRow): boolean {
  const allowed = Object.values(row.cells).filter((c) => c.allowed);
  return allowed.length > 0 && allowed.every((c) => c.grants.length > 0 && c.grants.every((g) => g.subject.kind === 'Group' && BROAD_GROUPS.includes(g.subject.name)));
}

/** Who a built-in group stands for; undefined for other groups. */
export function groupMeaning(group: string): string | undefined {
  if (group === 'system:serviceaccounts') return l10n.t('every ServiceAccount in every namespace');
  if (group.startsWith('system:serviceaccounts:')) return l10n.t('every ServiceAccount in namespace {0}', group.slice('system:serviceaccounts:'.length));
  if (group === 'system:authenticated') return l10n.t('every authenticated user and ServiceAccount');
  if (group === 'system:unauthenticated') return l10n.t('anonymous requests');
  if (group === 'system:masters') return l10n.t('cluster administrators');
  if (group === 'system:nodes') return l10n.t('kubelets');
  return undefined;
}

const list = (v: readonly string[] | undefined): string => (v?.length ? v.join(', ') : '∅');

/** `verbs: create · apiGroups: "" · resources: serviceaccounts/token · resourceNames: x` */
export function ruleText(rule: PolicyRule): string {
  const groups = rule.apiGroups?.map((g) => (g === '' ? '""' : g));
  const parts = [`verbs: ${list(rule.verbs)}`, `apiGroups: ${list(groups)}`, `resources: ${list(rule.resources)}`];
  if (rule.resourceNames?.length) parts.push(`resourceNames: ${list(rule.resourceNames)}`);
  return parts.join(' · ');
}

/** `ServiceAccount demo/ci-deployer`, `Group system:authenticated` */
export function pathSubject(p: Pick<WhoCanPath, 'subject'>): string {
  const s = p.subject;
  return s.kind === 'ServiceAccount' ? `${s.kind} ${s.namespace ?? ''}/${s.name}` : `${s.kind} ${s.name}`;
}

export function pathBinding(p: Pick<WhoCanPath, 'binding'>): string {
  return p.binding.kind === 'RoleBinding' ? `RoleBinding ${p.binding.namespace ?? ''}/${p.binding.name}` : `ClusterRoleBinding ${p.binding.name}`;
}

/** Where and for what a path allows it: `in namespace demo`, `in every namespace`, plus the object names it is limited to. */
export function pathWhere(p: WhoCanPath): string[] {
  const out = [p.namespace ? l10n.t('in namespace {0}', p.namespace) : l10n.t('in every namespace')];
  if (p.resourceNames?.length) out.push(l10n.t('only the objects named {0}', p.resourceNames.join(', ')));
  return out;
}

/** `aggregated from ClusterRole edit`, for a rule an aggregated ClusterRole took from another. */
export function aggregationText(p: WhoCanPath): string | undefined {
  return p.aggregatedFrom?.length ? l10n.t('aggregated from ClusterRole {0}', p.aggregatedFrom.join(', ')) : undefined;
}

/** `Who can create serviceaccounts/token in namespace demo?` */
export function whoCanTitle(q: WhoCanQuery): string {
  return q.namespace ? l10n.t('Who can {0} in namespace {1}?', describeQuery(q), q.namespace) : l10n.t('Who can {0} in any namespace?', describeQuery(q));
}

/** Members of system:masters pass before RBAC is asked (the privileged-group authorizer of kube-apiserver). */
export function mastersNote(): string {
  return l10n.t('Members of the group system:masters may do everything: kube-apiserver allows them before RBAC is asked.');
}

export function noteText(n: WhoCanNote): string {
  switch (n.kind) {
    case 'unresolvedRole':
      return l10n.t('{0} refers to {1}, which does not exist: it grants nothing.', n.binding, n.detail);
    case 'subjectWithoutNamespace':
      return l10n.t('{0} names ServiceAccount {1} without a namespace: it matches nobody.', n.binding, n.detail);
    case 'pendingAggregation':
      return l10n.t('ClusterRole {0} selects ClusterRole {1}, which would allow this, but its rules are not aggregated yet ({2}): the authorizer does not grant it until they are.', n.role ?? '', n.detail, n.binding);
  }
}

/** What may be missing or wrong in an answer (the system:masters note is separate: it is always true). */
export function whoCanNotices(r: WhoCanReport): string[] {
  return [...r.forbidden, ...r.notes.map(noteText)];
}
