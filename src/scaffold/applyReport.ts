/** The messages Apply shows when it is done, and its log lines. */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { ApplyOutcome } from './applyCommand';
import type { ObjectResult } from './applyRun';

export const objectLabel = (r: Pick<ObjectResult, 'kind' | 'name' | 'namespace' | 'index'>): string => `${r.kind ?? '?'} ${r.namespace ? `${r.namespace}/` : ''}${r.name ?? `#${r.index + 1}`}`;

const warningsOf = (results: readonly ObjectResult[]): string[] => results.flatMap((r) => (r.warnings ?? []).map((w) => `${objectLabel(r)}: ${w}`));

function appliedMessage(outcome: ApplyOutcome): { text: string; warn: boolean } {
  const created = outcome.results.filter((r) => r.action === 'created').map(objectLabel);
  const configured = outcome.results.filter((r) => r.action === 'configured').map(objectLabel);
  const parts = [
    ...(created.length ? [vscode.l10n.t('created {0}', created.join(', '))] : []),
    ...(configured.length ? [vscode.l10n.t('configured {0}', configured.join(', '))] : []),
  ];
  const lines = [vscode.l10n.t('Applied to context "{0}": {1}.', outcome.context, parts.join('; '))];
  if (outcome.forced) lines.push(vscode.l10n.t('Fields of other field managers were taken over.'));
  const warnings = warningsOf(outcome.results);
  if (warnings.length) lines.push(vscode.l10n.t('The server warned: {0}', warnings.join('; ')));
  for (const m of outcome.missingServiceAccounts ?? []) lines.push(`${m}.`);
  if (outcome.proofError) lines.push(outcome.proofError);
  else if (outcome.proof) lines.push(outcome.proof.exact ? vscode.l10n.t('The permissions were proved with SubjectAccessReviews.') : vscode.l10n.t('The proof found differences: see the matrix.'));
  const warn = warnings.length > 0 || (outcome.missingServiceAccounts?.length ?? 0) > 0 || !!outcome.proofError || outcome.proof?.exact === false;
  return { text: lines.join(' '), warn };
}

export function report(services: Services, outcome: ApplyOutcome): void {
  for (const r of [...(outcome.status === 'applied' || outcome.status === 'applyFailed' ? (outcome.dryRun ?? []) : []), ...outcome.results]) {
    const extra = [r.deferred, r.message, ...(r.warnings ?? []).map((w) => `warning: ${w}`)].filter(Boolean).join('; ');
    services.log.info(`apply ${r.phase} ${objectLabel(r)} (${outcome.context}): ${r.ok ? (r.action ?? 'ok') : 'failed'}${extra ? `: ${extra}` : ''}`);
  }
  const failed = outcome.results.filter((r) => !r.ok);
  if (outcome.status === 'applied') {
    const { text, warn } = appliedMessage(outcome);
    void (warn ? vscode.window.showWarningMessage(text) : vscode.window.showInformationMessage(text));
  } else if (outcome.status === 'conflicts') {
    const conflicted = failed.filter((r) => r.conflicts?.length);
    void vscode.window.showWarningMessage(`${vscode.l10n.t('Nothing was applied: {0} object(s) have fields another field manager set.', conflicted.length)} ${conflicted.map((r) => `${objectLabel(r)}: ${r.message ?? ''}`).join(' ')}`);
  } else if (failed.length) {
    const what =
      outcome.status === 'dryRunFailed'
        ? vscode.l10n.t('The dry run refused {0} of {1} object(s); nothing was applied.', failed.length, outcome.results.length)
        : vscode.l10n.t('{0} of {1} object(s) could not be applied.', failed.length, outcome.results.length);
    void vscode.window.showErrorMessage(`${what} ${failed.map((r) => `${objectLabel(r)}: ${r.message ?? ''}`).join(' ')}`);
  }
}
