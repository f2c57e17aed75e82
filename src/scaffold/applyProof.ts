/**
 * After Apply: which ServiceAccount subjects of the applied bindings exist, and SubjectAccessReviews
 * proving what the bound ServiceAccount may do. RBAC answers a SubjectAccessReview for a user name
 * whether or not a ServiceAccount of that name exists, so a proof for a missing ServiceAccount would
 * "prove" permissions nobody has: its existence is checked first and the proof skipped without it.
 */
import * as l10n from '@vscode/l10n';
import { KubeError } from '../errors/kubeError';
import type { ContextClient } from '../kube/http';
import type { Services } from '../services';
import { keyText, subjectServiceAccounts } from './applyPlan';
import type { ManifestObjectLike } from './manifestDocuments';
import { proofCells, proofPlanFor, proofResult, type ProofResult } from './rbacGenerator';

export interface ProofOutcome {
  proof?: ProofResult;
  /** Why nothing was proved (a missing ServiceAccount, or the reviews were refused). */
  proofError?: string;
  /** ServiceAccount subjects of the applied bindings that do not exist, each with the binding naming it. */
  missingServiceAccounts: string[];
}

export async function proveApplied(services: Services, client: ContextClient, context: string, objects: readonly ManifestObjectLike[], defaultNamespace: string, signal: AbortSignal | undefined): Promise<ProofOutcome> {
  const kube = services.session.module();
  const missing: { namespace: string; name: string; text: string }[] = [];
  for (const s of subjectServiceAccounts(objects, defaultNamespace)) {
    try {
      await kube.getServiceAccount(client, s.namespace, s.name, signal);
    } catch (e) {
      if (!KubeError.is(e, 'notFound')) throw e;
      missing.push({ ...s, text: l10n.t('ServiceAccount {0}/{1} (named by {2}) does not exist', s.namespace, s.name, keyText(s.binding)) });
    }
  }
  const out: ProofOutcome = { missingServiceAccounts: missing.map((m) => m.text) };
  const plan = proofPlanFor(objects, defaultNamespace);
  if (!plan) return out;
  if (missing.some((m) => m.namespace === plan.serviceAccount.namespace && m.name === plan.serviceAccount.name)) {
    out.proofError = l10n.t(
      'Nothing was proved: ServiceAccount {0}/{1} does not exist. The binding takes effect once a ServiceAccount of that name is created; SubjectAccessReviews answer for the name alone, so they would show permissions no account has.',
      plan.serviceAccount.namespace,
      plan.serviceAccount.name,
    );
    return out;
  }
  const cells = proofCells(plan);
  const attrs = cells.map((c) => ({ verb: c.verb, group: c.check.group, resource: c.check.resource, subresource: c.check.subresource, namespace: plan.namespace }));
  // In a namespace, LocalSubjectAccessReviews: a namespace admin may create those, not cluster-wide ones.
  const answers = await kube.serviceAccountAccessReviews(client, plan.serviceAccount, attrs, { signal, local: plan.namespace !== undefined });
  out.proof = proofResult(context, plan, cells, answers);
  return out;
}
