/**
 * Gathers a ServiceAccount's permissions the best way the caller is allowed to:
 *   1. SelfSubjectRulesReview while impersonating the ServiceAccount (`kubectl auth can-i --list
 *      --as=…`); needs `impersonate serviceaccounts`. The granting bindings are then found by
 *      evaluating the RBAC objects, as far as they can be read.
 *   2. SubjectAccessReviews for common resources × verbs; needs `create subjectaccessreviews`.
 *      Each allow names its binding in the reason.
 *   3. Evaluating the RBAC objects directly; needs list on roles/bindings.
 * Each refusal is kept as a sentence naming the missing permission. No `vscode` here: the cluster
 * module and client come in as arguments, so the order of attempts is testable in plain Node.
 */
import * as l10n from '@vscode/l10n';
import { describePermission } from '../errors/describe';
import { KubeError } from '../errors/kubeError';
import type { ContextClient } from '../kube/http';
import type { KubeModule } from '../kube/session';
import type { RbacSnapshot } from '../kube/permissions';
import { cellsFromAccessReviews, cellsFromRules, checkVerbs, STANDARD_RESOURCES, type PermissionMatrix } from './matrix';
import { applicableRoles, grantsFor, parseReason, serviceAccountIdentity } from './rbac';

export interface PermissionsTarget {
  context: string;
  /** The ServiceAccount's namespace and name. */
  namespace: string;
  name: string;
  /** Evaluate in this namespace instead of the ServiceAccount's own. */
  inNamespace?: string;
}

/** `impersonate serviceaccounts in namespace "demo"`, or the server's message when it names no permission. */
function missing(e: KubeError): string {
  return e.permission ? describePermission(e.permission) : e.message;
}

function snapshotNotes(snapshot: RbacSnapshot): string[] {
  return snapshot.forbidden.map((e) => l10n.t('Some granting bindings may be unnamed: you may not {0}.', missing(e)));
}

export async function collectPermissions(
  kube: Pick<KubeModule, 'rulesReview' | 'serviceAccountAccessReviews' | 'readRbacSnapshot'>,
  client: ContextClient,
  target: PermissionsTarget,
  signal?: AbortSignal,
  now: () => Date = () => new Date(),
): Promise<PermissionMatrix> {
  const namespace = target.inNamespace ?? target.namespace;
  const sa = { namespace: target.namespace, name: target.name };
  const who = serviceAccountIdentity(sa.namespace, sa.name);
  const base = { context: target.context, serviceAccount: sa, namespace };
  const fallbacks: string[] = [];
  let snapshot: RbacSnapshot | undefined;
  const readSnapshot = async (): Promise<RbacSnapshot> => (snapshot ??= await kube.readRbacSnapshot(client, namespace, signal));

  try {
    const rules = await kube.rulesReview(client, namespace, sa, signal);
    const snap = await readSnapshot();
    const cells = cellsFromRules(rules, namespace, (req) => grantsFor(snap, who, req));
    const notes = [...snapshotNotes(snap), ...(rules.evaluationError ? [l10n.t('The server could not evaluate every rule: {0}', rules.evaluationError)] : [])];
    return { ...base, ...cells, method: 'rulesReview', fallbacks, notes, incomplete: rules.incomplete, generatedAt: now().toISOString() };
  } catch (e) {
    if (!KubeError.is(e, 'forbidden')) throw e;
    fallbacks.push(l10n.t('SelfSubjectRulesReview as the ServiceAccount was refused: you may not {0}.', missing(e)));
  }

  try {
    const checks = STANDARD_RESOURCES.flatMap((check) => checkVerbs(check).map((verb) => ({ check, verb })));
    const attrs = checks.map(({ check, verb }) => ({ verb, group: check.group, resource: check.resource, subresource: check.subresource, namespace }));
    const results = await kube.serviceAccountAccessReviews(client, sa, attrs, { signal });
    const cells = cellsFromAccessReviews(checks.map(({ check, verb }, i) => ({ check, verb, allowed: results[i].allowed, grant: parseReason(results[i].reason) })));
    return { ...base, ...cells, method: 'accessReview', fallbacks, notes: [], incomplete: false, generatedAt: now().toISOString() };
  } catch (e) {
    if (!KubeError.is(e, 'forbidden')) throw e;
    fallbacks.push(l10n.t('SubjectAccessReviews were refused: you may not {0}.', missing(e)));
  }

  const snap = await readSnapshot();
  if (snap.forbidden.length === 4) {
    throw new KubeError({
      kind: 'forbidden',
      message: [...fallbacks, l10n.t('The RBAC objects cannot be read either: you may not {0}.', missing(snap.forbidden[0]))].join(' '),
    });
  }
  const roles = applicableRoles(snap, who, namespace);
  const rules = roles.flatMap((r) => r.rules ?? []);
  const cells = cellsFromRules(
    { resourceRules: rules.filter((r) => !r.nonResourceURLs?.length), nonResourceRules: rules.filter((r) => r.nonResourceURLs?.length) },
    namespace,
    (req) => grantsFor(snap, who, req),
  );
  const dangling = roles.filter((r) => !r.rules).map((r) => l10n.t('{0} {1} refers to {2} {3}, which does not exist (or cannot be read).', r.grant.bindingKind, r.grant.bindingName, r.grant.roleKind, r.grant.roleName));
  return { ...base, ...cells, method: 'rbacObjects', fallbacks, notes: [...snapshotNotes(snap), ...dangling], incomplete: snap.forbidden.length > 0, generatedAt: now().toISOString() };
}
