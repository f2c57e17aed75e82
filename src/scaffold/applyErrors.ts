/**
 * What Apply tells the user when kube-apiserver refuses an object: RBAC escalation refusals with the
 * rules the user does not hold and the way out, server-side apply conflicts with the other managers
 * and their fields, and the rest through describeKubeError. Pure: no `vscode`.
 */
import * as l10n from '@vscode/l10n';
import { describeKubeError } from '../errors/describe';
import { KubeError, type StatusBody } from '../errors/kubeError';

/** One rule of an escalation refusal, as kube-apiserver prints it. */
export interface RuleText {
  apiGroups: string[];
  resources: string[];
  nonResourceURLs: string[];
  resourceNames: string[];
  verbs: string[];
}

export interface Escalation {
  /** The user that may not grant the rules. */
  user: string;
  rules: RuleText[];
}

// pkg/registry/rbac/validation/rule.go ConfirmNoEscalation: `user %q (groups=%q) is attempting to grant
// RBAC permissions not currently held:\n%s`, one rule per line as rbac/v1 CompactString prints it:
// `{APIGroups:["" "apps"], Resources:["pods"], ResourceNames:["x"], Verbs:["get" "list"]}` (Go %q of
// each list), optionally followed by `; resolution errors: [...]`.
const ESCALATION = /user "((?:[^"\\]|\\.)*)" \(groups=\[.*?\]\) is attempting to grant RBAC permissions not currently held:\n([\s\S]*)$/;
const FIELD = /(APIGroups|Resources|NonResourceURLs|ResourceNames|Verbs):\[((?:"(?:[^"\\]|\\.)*"\s?)*)\]/g;
const QUOTED = /"((?:[^"\\]|\\.)*)"/g;

const unquote = (s: string): string => s.replace(/\\(.)/g, '$1');

/** The rules of an escalation refusal, or undefined for any other message. */
export function parseEscalation(message: string): Escalation | undefined {
  const m = ESCALATION.exec(message);
  if (!m) return undefined;
  const body = m[2].replace(/; resolution errors: [\s\S]*$/, '');
  const rules: RuleText[] = [];
  for (const line of body.split('\n')) {
    if (!line.startsWith('{')) continue;
    const rule: RuleText = { apiGroups: [], resources: [], nonResourceURLs: [], resourceNames: [], verbs: [] };
    for (const [, field, list] of line.matchAll(FIELD)) {
      const values = [...list.matchAll(QUOTED)].map((q) => unquote(q[1]));
      const key = ({ APIGroups: 'apiGroups', Resources: 'resources', NonResourceURLs: 'nonResourceURLs', ResourceNames: 'resourceNames', Verbs: 'verbs' } as const)[field as 'APIGroups'];
      rule[key] = values;
    }
    if (rule.verbs.length) rules.push(rule);
  }
  return rules.length ? { user: unquote(m[1]), rules } : undefined;
}

/** `get, list nodes`, `escalate clusterroles (API group rbac.authorization.k8s.io)`, `get on /healthz`; `*` in words. */
export function describeRule(rule: RuleText): string {
  const verbs = rule.verbs.includes('*') ? l10n.t('all verbs') : rule.verbs.join(', ');
  if (rule.nonResourceURLs.length) return l10n.t('{0} on {1}', verbs, rule.nonResourceURLs.includes('*') ? l10n.t('all non-resource URLs') : rule.nonResourceURLs.join(', '));
  const resources = rule.resources.includes('*') ? l10n.t('all resources') : rule.resources.join(', ');
  const groups = rule.apiGroups.filter((g) => g !== '');
  const group = rule.apiGroups.includes('*') ? ` (${l10n.t('all API groups')})` : groups.length ? ` (${l10n.t('API group {0}', groups.join(', '))})` : '';
  const names = rule.resourceNames.length ? ` ${l10n.t('named {0}', rule.resourceNames.join(', '))}` : '';
  return `${rule.verbs.includes('*') ? l10n.t('{0} on {1}', verbs, resources) : `${verbs} ${resources}`}${names}${group}`;
}

/** A field another manager owns, from a 409 of server-side apply. */
export interface FieldConflict {
  manager: string;
  field: string;
}

// apimachinery pkg/util/managedfields/internal/conflict.go: one cause per field, reason
// FieldManagerConflict, message `conflict with "<manager>"` [` with subresource "<s>"`] [` using <apiVersion>` [` at <time>`]].
const CONFLICT_MANAGER = /^conflict with "((?:[^"\\]|\\.)*)"/;

/** The conflicts of a server-side apply 409 (empty for any other error). */
export function parseConflicts(body: StatusBody | undefined): FieldConflict[] {
  return (body?.details?.causes ?? [])
    .filter((c) => c.reason === 'FieldManagerConflict')
    .map((c) => ({ manager: unquote(CONFLICT_MANAGER.exec(c.message ?? '')?.[1] ?? '?'), field: c.field ?? '?' }));
}

/** `"kubectl-client-side-apply" owns .rules, .metadata.labels.app` per manager. */
export function describeConflicts(conflicts: readonly FieldConflict[]): string {
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.field]);
  return [...byManager.entries()].map(([manager, fields]) => l10n.t('"{0}" manages {1}', manager, fields.join(', '))).join('; ');
}

export interface ApplyFailure {
  message: string;
  escalation?: Escalation;
  conflicts?: FieldConflict[];
}

/**
 * Explains why the server refused to apply `kind` `name`. Escalation: kube-apiserver lets a user create
 * a Role only with rules the user holds, unless the user may `escalate` roles
 * (pkg/registry/rbac/role/policybased/storage.go), and bind a role only when holding its rules or
 * allowed to `bind` it (pkg/registry/rbac/rolebinding/policybased/storage.go).
 */
export function explainApplyFailure(e: unknown, kind: string, roleRef?: { kind: string; name: string }): ApplyFailure {
  if (!KubeError.is(e)) return { message: describeKubeError(e) };
  const escalation = KubeError.is(e, 'forbidden') ? parseEscalation(e.message) : undefined;
  if (escalation) {
    const missing = escalation.rules.map(describeRule).join('; ');
    const isBinding = kind === 'RoleBinding' || kind === 'ClusterRoleBinding';
    const wayOut = isBinding && roleRef
      ? l10n.t('Ask a cluster admin to apply it, to give you these permissions, or to allow you to bind {0} {1} (verb "bind" on {2}).', roleRef.kind, roleRef.name, roleRef.kind === 'Role' ? 'roles' : 'clusterroles')
      : l10n.t('Ask a cluster admin to apply it, to give you these permissions, or to allow you to create roles with any rules (verb "escalate" on {0}).', kind === 'ClusterRole' ? 'clusterroles' : 'roles');
    const what = isBinding
      ? l10n.t('You ({0}) may not bind a role that grants permissions you do not hold.', escalation.user)
      : l10n.t('You ({0}) may not create a role that grants permissions you do not hold.', escalation.user);
    return { message: `${what} ${l10n.t('Missing: {0}.', missing)} ${wayOut}`, escalation };
  }
  const conflicts = KubeError.is(e, 'conflict') ? parseConflicts(e.body) : [];
  if (conflicts.length) {
    return { message: l10n.t('Fields managed by another field manager: {0}. Apply again and choose to take them over, or leave them to their manager.', describeConflicts(conflicts)), conflicts };
  }
  if (KubeError.is(e, 'notFound') && roleRef && e.body?.details?.name === roleRef.name) {
    // The server's text names the role but calls it a rolebinding (the roleRef getter's NotFound).
    return { message: l10n.t('{0} {1}, which this binding refers to, does not exist.', roleRef.kind, roleRef.name) };
  }
  if (e.status === 415) {
    return { message: l10n.t('The cluster does not accept server-side apply (415 Unsupported Media Type). Kubernetes serves it since 1.16 (generally available since 1.22); a proxy in between may also refuse it.') };
  }
  return { message: describeKubeError(e) };
}
