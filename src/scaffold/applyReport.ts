/** The messages Apply shows when it is done, and its log lines. */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { safeMessage } from '../text/displayText';
import type { ApplyOutcome, ObjectResult } from './applyRun';

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

const PHASE_TITLES = (): Record<ObjectResult['phase'], string> => ({ parse: vscode.l10n.t('YAML'), dryRun: vscode.l10n.t('Server-side dry run'), apply: vscode.l10n.t('Apply') });

/** Everything Apply found, per object, as Markdown: what a toast cannot show in full. */
export function applyDetails(outcome: ApplyOutcome): string {
  const lines = [`# ${vscode.l10n.t('Apply to context "{0}"', outcome.context)}`, ''];
  const passes = outcome.dryRun && outcome.dryRun !== outcome.results ? [outcome.dryRun, outcome.results] : [outcome.results];
  for (const pass of passes) {
    if (!pass.length) continue;
    lines.push(`## ${PHASE_TITLES()[pass[0].phase]}`, '');
    for (const r of pass) {
      const state = !r.ok ? vscode.l10n.t('refused') : r.deferred ? vscode.l10n.t('not checked') : r.action === 'configured' ? vscode.l10n.t('configured') : r.action === 'created' ? vscode.l10n.t('created') : vscode.l10n.t('accepted');
      lines.push(`- **${objectLabel(r)}**: ${state}`);
      for (const text of [r.deferred, r.message, ...(r.warnings ?? []).map((w) => vscode.l10n.t('warning: {0}', w))]) {
        if (text) lines.push(`  - ${text}`);
      }
    }
    lines.push('');
  }
  for (const m of outcome.missingServiceAccounts ?? []) lines.push(`- ${m}.`);
  if (outcome.proofError) lines.push('', outcome.proofError);
  return lines.join('\n') + '\n';
}

async function showWithDetails(show: typeof vscode.window.showErrorMessage, text: string, outcome: ApplyOutcome): Promise<void> {
  const details = vscode.l10n.t('Show Details');
  // Server messages quote the manifest, which may hold a token.
  if ((await show(safeMessage(text), details)) !== details) return;
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: applyDetails(outcome) });
  await vscode.window.showTextDocument(doc, { preview: true });
}

export function report(services: Services, outcome: ApplyOutcome): void {
  for (const r of [...(outcome.status === 'applied' || outcome.status === 'applyFailed' ? (outcome.dryRun ?? []) : []), ...outcome.results]) {
    const extra = [r.deferred, r.message, ...(r.warnings ?? []).map((w) => `warning: ${w}`)].filter(Boolean).join('; ');
    services.log.info(`apply ${r.phase} ${objectLabel(r)} (${outcome.context}): ${r.ok ? (r.action ?? 'ok') : 'failed'}${extra ? `: ${extra}` : ''}`);
  }
  const failed = outcome.results.filter((r) => !r.ok);
  if (outcome.status === 'applied') {
    const { text, warn } = appliedMessage(outcome);
    void (warn ? showWithDetails(vscode.window.showWarningMessage, text, outcome) : vscode.window.showInformationMessage(text));
  } else if (outcome.status === 'conflicts') {
    const conflicted = failed.filter((r) => r.conflicts?.length);
    void showWithDetails(vscode.window.showWarningMessage, `${vscode.l10n.t('Nothing was applied: {0} object(s) have fields another field manager set.', conflicted.length)} ${conflicted.map((r) => `${objectLabel(r)}: ${r.message ?? ''}`).join(' ')}`, outcome);
  } else if (failed.length) {
    const what =
      outcome.status === 'dryRunFailed'
        ? vscode.l10n.t('The dry run refused {0} of {1} object(s); nothing was applied.', failed.length, outcome.results.length)
        : vscode.l10n.t('{0} of {1} object(s) could not be applied.', failed.length, outcome.results.length);
    // The causes in full; what only failed because of them by name (Show Details has everything).
    const causes = failed.filter((r) => !r.blockedBy);
    const blocked = failed.filter((r) => r.blockedBy);
    const names = blocked.map(objectLabel).join(', ');
    const after = !blocked.length ? '' : ` ${outcome.status === 'dryRunFailed' ? vscode.l10n.t('Not checked, as they need those: {0}.', names) : vscode.l10n.t('Also not applied, as they need those: {0}.', names)}`;
    void showWithDetails(vscode.window.showErrorMessage, `${what} ${causes.map((r) => `${objectLabel(r)}: ${r.message ?? ''}`).join(' ')}${after}`, outcome);
  }
}
