/**
 * Gathers a ServiceAccount's permissions the best way the caller is allowed to.
 * In one namespace:
 *   1. SelfSubjectRulesReview while impersonating the ServiceAccount (`kubectl auth can-i --list
 *      --as=…`); needs `impersonate serviceaccounts`. The granting bindings are then found by
 *      evaluating the RBAC objects, as far as they can be read.
 *   2. SubjectAccessReviews for common resources × verbs; needs `create subjectaccessreviews`.
 *      Each allow names its binding in the reason.
 *   3. Evaluating the RBAC objects directly; needs list on roles/bindings.
 * In all namespaces (a rules review needs a namespace, kube-apiserver refuses "no namespace on
 * request"): the RBAC objects of every namespace, else cluster-wide SubjectAccessReviews, which
 * see only ClusterRoleBindings.
 * Each refusal is kept as a sentence naming the missing permission. No `vscode` here: the cluster
 * module and client come in as arguments, so the order of attempts is testable in plain Node.
 */
import * as l10n from '@vscode/l10n';
import { describePermission } from '../errors/describe';
import { KubeError } from '../errors/kubeError';
import type { ContextClient } from '../kube/http';
import type { KubeModule } from '../kube/session';
import type { RbacSnapshot } from '../kube/permissions';
import type { RulesResult } from '../kube/reviews';
import { cellsFromAccessReviews, cellsFromRules, checkVerbs, STANDARD_RESOURCES, type PermissionMatrix, type ScopedRule } from './matrix';
import { applicableRoles, applicableRolesAnywhere, parseReason, ruleAllows, serviceAccountIdentity, type AccessRequest, type ApplicableRole, type GrantRef } from './rbac';
import { ALL_NAMESPACES } from './whoCan';

export interface PermissionsTarget {
  context: string;
  /** The ServiceAccount's namespace and name. */
  namespace: string;
  name: string;
  /** Evaluate in this namespace instead of the ServiceAccount's own; '' for all namespaces. */
  inNamespace?: string;
}

type CollectKube = Pick<KubeModule, 'rulesReview' | 'serviceAccountAccessReviews' | 'readRbacSnapshot'>;

/** `impersonate serviceaccounts in namespace "demo"`, or the server's message when it names no permission. */
function missing(e: KubeError): string {
  return e.permission ? describePermission(e.permission) : e.message;
}

/** What an unreadable RBAC list costs: only the names of bindings when a review gave the answer, permissions themselves otherwise. */
function snapshotNotes(snapshot: RbacSnapshot, usedFor: 'naming' | 'evaluating'): string[] {
  return snapshot.forbidden.map((e) =>
    usedFor === 'naming' ? l10n.t('Some granting bindings may be unnamed: you may not {0}.', missing(e)) : l10n.t('Some permissions may be missing: you may not {0}.', missing(e)),
  );
}

/** Why cells not listed may still be allowed (the server's `incomplete`), in words. */
export function incompleteNote(): string {
  return l10n.t('This list may be missing permissions granted by other authorizers (for example a webhook): the server could not list their rules.');
}

const grantsOf = (roles: ApplicableRole[], req: AccessRequest): GrantRef[] =>
  roles.filter((r) => r.rules?.some((rule) => !rule.nonResourceURLs?.length && ruleAllows(rule, req))).map((r) => r.grant);

/** Rules of the applicable roles, each RoleBinding's scoped to its namespace when `scoped`. */
function rulesOf(roles: ApplicableRole[], scoped: boolean): { resourceRules: ScopedRule[]; nonResourceRules: ScopedRule[] } {
  const rules: ScopedRule[] = roles.flatMap((r) =>
    (r.rules ?? []).map((rule) => (scoped && r.grant.bindingKind === 'RoleBinding' ? { ...rule, scope: r.grant.bindingNamespace ?? '' } : rule)),
  );
  return { resourceRules: rules.filter((r) => !r.nonResourceURLs?.length), nonResourceRules: rules.filter((r) => r.nonResourceURLs?.length && r.scope === undefined) };
}

function danglingNotes(roles: ApplicableRole[]): string[] {
  return roles
    .filter((r) => !r.rules)
    .map((r) => l10n.t('{0} {1} refers to {2} {3}, which does not exist (or cannot be read).', r.grant.bindingKind, r.grant.bindingName, r.grant.roleKind, r.grant.roleName));
}

async function accessReviewCells(kube: CollectKube, client: ContextClient, sa: { namespace: string; name: string }, namespace: string | undefined, signal?: AbortSignal) {
  const checks = STANDARD_RESOURCES.flatMap((check) => checkVerbs(check).map((verb) => ({ check, verb })));
  const attrs = checks.map(({ check, verb }) => ({ verb, group: check.group, resource: check.resource, subresource: check.subresource, namespace }));
  const results = await kube.serviceAccountAccessReviews(client, sa, attrs, { signal });
  const cells = cellsFromAccessReviews(checks.map(({ check, verb }, i) => ({ check, verb, allowed: results[i].allowed, grant: parseReason(results[i].reason) })));
  const errors = [...new Set(results.map((r) => r.evaluationError).filter((e): e is string => !!e))];
  return { cells, evaluationError: errors.length ? errors.join('; ') : undefined };
}

export async function collectPermissions(kube: CollectKube, client: ContextClient, target: PermissionsTarget, signal?: AbortSignal, now: () => Date = () => new Date()): Promise<PermissionMatrix> {
  const namespace = target.inNamespace ?? target.namespace;
  if (namespace === ALL_NAMESPACES) return collectEverywhere(kube, client, target, signal, now);
  const sa = { namespace: target.namespace, name: target.name };
  const who = serviceAccountIdentity(sa.namespace, sa.name);
  const base = { context: target.context, serviceAccount: sa, namespace };
  const fallbacks: string[] = [];
  let snapshot: RbacSnapshot | undefined;
  const readSnapshot = async (): Promise<RbacSnapshot> => (snapshot ??= await kube.readRbacSnapshot(client, namespace, signal));

  let rules: RulesResult | undefined;
  try {
    rules = await kube.rulesReview(client, namespace, sa, signal);
  } catch (e) {
    if (!KubeError.is(e, 'forbidden')) throw e;
    fallbacks.push(l10n.t('SelfSubjectRulesReview as the ServiceAccount was refused: you may not {0}.', missing(e)));
  }
  if (rules) {
    const snap = await readSnapshot();
    const roles = applicableRoles(snap, who, namespace);
    const cells = cellsFromRules(rules, namespace, (req) => grantsOf(roles, req));
    const notes = [...snapshotNotes(snap, 'naming'), ...(rules.incomplete ? [incompleteNote()] : [])];
    return { ...base, ...cells, method: 'rulesReview', fallbacks, notes, incomplete: rules.incomplete, evaluationError: rules.evaluationError, generatedAt: now().toISOString() };
  }

  try {
    const { cells, evaluationError } = await accessReviewCells(kube, client, sa, namespace, signal);
    return { ...base, ...cells, method: 'accessReview', fallbacks, notes: [], incomplete: false, evaluationError, generatedAt: now().toISOString() };
  } catch (e) {
    if (!KubeError.is(e, 'forbidden')) throw e;
    fallbacks.push(l10n.t('SubjectAccessReviews were refused: you may not {0}.', missing(e)));
  }

  const snap = await readSnapshot();
  if (snap.forbidden.length === 4) throw unreadable(fallbacks, snap);
  const roles = applicableRoles(snap, who, namespace);
  const cells = cellsFromRules(rulesOf(roles, false), namespace, (req) => grantsOf(roles, req));
  return {
    ...base,
    ...cells,
    method: 'rbacObjects',
    fallbacks,
    notes: [...snapshotNotes(snap, 'evaluating'), ...danglingNotes(roles), onlyRbacNote()],
    incomplete: snap.forbidden.length > 0,
    generatedAt: now().toISOString(),
  };
}

function onlyRbacNote(): string {
  return l10n.t('Evaluated from the RBAC objects only: authorizers other than RBAC (webhook, Node) were not asked.');
}

function unreadable(fallbacks: string[], snap: RbacSnapshot): KubeError {
  return new KubeError({
    kind: 'forbidden',
    message: [...fallbacks, l10n.t('The RBAC objects cannot be read either: you may not {0}.', missing(snap.forbidden[0]))].join(' '),
  });
}

/** All namespaces: the RBAC objects of every namespace, else cluster-wide SubjectAccessReviews. */
async function collectEverywhere(kube: CollectKube, client: ContextClient, target: PermissionsTarget, signal: AbortSignal | undefined, now: () => Date): Promise<PermissionMatrix> {
  const sa = { namespace: target.namespace, name: target.name };
  const who = serviceAccountIdentity(sa.namespace, sa.name);
  const base = { context: target.context, serviceAccount: sa, namespace: ALL_NAMESPACES };
  const fallbacks: string[] = [];
  const snap = await kube.readRbacSnapshot(client, undefined, signal);
  const bindingsReadable = !snap.forbidden.some((e) => /rolebindings/.test(e.permission?.resource ?? ''));
  if (bindingsReadable) {
    const roles = applicableRolesAnywhere(snap, who);
    const cells = cellsFromRules(rulesOf(roles, true), ALL_NAMESPACES, (req) => grantsOf(roles, req));
    return {
      ...base,
      ...cells,
      method: 'rbacObjects',
      fallbacks,
      notes: [...snapshotNotes(snap, 'evaluating'), ...danglingNotes(roles), onlyRbacNote()],
      incomplete: snap.forbidden.length > 0,
      generatedAt: now().toISOString(),
    };
  }
  fallbacks.push(...snap.forbidden.map((e) => l10n.t('The RBAC objects of every namespace cannot be read: you may not {0}.', missing(e))));
  try {
    // A SubjectAccessReview without a namespace is a cluster-wide request: only ClusterRoleBindings grant it.
    const { cells, evaluationError } = await accessReviewCells(kube, client, sa, undefined, signal);
    const notes = [l10n.t('Only permissions granted in every namespace (by ClusterRoleBindings) are shown; RoleBindings could not be read.')];
    return { ...base, ...cells, method: 'accessReview', fallbacks, notes, incomplete: true, evaluationError, generatedAt: now().toISOString() };
  } catch (e) {
    if (!KubeError.is(e, 'forbidden')) throw e;
    fallbacks.push(l10n.t('SubjectAccessReviews were refused: you may not {0}.', missing(e)));
    throw unreadable(fallbacks, snap);
  }
}
