/**
 * The reports' words shared by the view and the exports: what to do about a row of the audit report,
 * the audit's summary lines, the migration's actions. Pure
 * (`@vscode/l10n`, configured with the host's bundle in both places): no `vscode`, no DOM.
 */
import * as l10n from '@vscode/l10n';
import type { AuditReport, AuditRow, WorkloadAction } from './protocol';

/**
 * Client libraries that re-read the projected token file, as the Amazon EKS user guide lists them
 * ("Kubernetes service accounts", section "Service account tokens",
 * https://docs.aws.amazon.com/eks/latest/userguide/service-accounts.html#service-account-tokens):
 * "Go version 0.15.7 and later, Python version 12.0.0 and later, Java version 9.0.0 and later,
 * JavaScript version 0.10.3 and later, Ruby master branch, Haskell version 0.3.0.0, C# version 7.0.5 and later".
 */
export const RELOADING_CLIENTS_SOURCE = 'https://docs.aws.amazon.com/eks/latest/userguide/service-accounts.html#service-account-tokens';

export function kindLabel(kind: AuditRow['kind']): string {
  return kind === 'stale' ? l10n.t('stale') : l10n.t('legacy');
}

export function adviceFor(row: AuditRow): string {
  if (row.kind === 'stale') {
    // The versions are those of RELOADING_CLIENTS_SOURCE (above), written into the sentence so a
    // translation can use its own list punctuation.
    return l10n.t(
      'The client keeps a projected token past its refresh: make it re-read the token file (at least every few minutes). Client libraries that do: client-go ≥ 0.15.7, Python ≥ 12.0.0, Java ≥ 9.0.0, JavaScript ≥ 0.10.3, C# ≥ 7.0.5. The API server accepts the token only until its extended lifetime ends.',
    );
  }
  if (row.refused > 0) {
    return l10n.t('The Secret is marked invalid (kubernetes.io/legacy-token-invalid-since), so these requests were refused. Migrate to a projected token (Find Legacy Token Secrets…).');
  }
  return row.secret
    ? l10n.t('A long-lived token from Secret {0}: migrate its users to a projected ServiceAccount token (Find Legacy Token Secrets…).', row.namespace ? `${row.namespace}/${row.secret}` : row.secret)
    : l10n.t('A long-lived Secret token: migrate its users to a projected ServiceAccount token (Find Legacy Token Secrets…).');
}

export function auditSummary(a: AuditReport): string[] {
  const out = [l10n.t('{0} lines in {1} file(s); {2} requests with a stale or legacy token.', a.lines, a.files.length, a.requests)];
  if (a.malformed) out.push(l10n.t('{0} lines are not audit events (skipped).', a.malformed));
  if (a.tooLong) out.push(l10n.t('{0} lines are longer than the limit (skipped unread).', a.tooLong));
  if (a.omittedRows) out.push(l10n.t('{0} more identities ({1} requests) are left out: the report keeps the first 10,000.', a.omittedRows, a.omittedRequests));
  for (const f of a.files) if (f.error) out.push(l10n.t('{0} could not be read completely: {1}', f.name, f.error));
  return out;
}

export function actionLabel(action: WorkloadAction): string {
  switch (action) {
    case 'patch':
      return l10n.t('patch');
    case 'recreate':
      return l10n.t('recreate');
    case 'rollout':
      return l10n.t('roll out');
    case 'manual':
      return l10n.t('by hand');
  }
}
