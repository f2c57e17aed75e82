/** What the user sees of a failed mint, and of a re-mint (a new mint's result opens its own panel). */
import * as vscode from 'vscode';
import { CommandIds } from '../common/commandIds';
import { displayDateCompact } from '../common/dates';
import { openUntitled } from '../common/untitled';
import type { MintOutcome, MintSuccess } from './mint';
import { safeMessage } from '../text/displayText';
import type { MintFailure, MintTarget } from './mintFailure';

export async function copyToClipboard(token: string, what: string): Promise<void> {
  await vscode.env.clipboard.writeText(token);
  void vscode.window.showInformationMessage(vscode.l10n.t('{0} copied to the clipboard.', what));
}

/** A re-mint replaces a kept token: a short message says until when the new one is valid, and why if it got less. */
function announceRemint(m: MintSuccess): void {
  const who = `${m.target.namespace}/${m.target.serviceAccount}`;
  const { warnAfter, expiresAt } = m.report;
  // An extended token is valid for a year, but its use is logged as stale after warnafter: that is when to renew it.
  const head =
    m.report.extended && warnAfter !== undefined
      ? vscode.l10n.t('Re-minted the token for {0}: renew it by {1} (warnafter).', who, displayDateCompact(warnAfter))
      : vscode.l10n.t('Re-minted the token for {0}: valid until {1}.', who, displayDateCompact(expiresAt));
  if (m.report.clamp) void vscode.window.showWarningMessage(`${head} ${m.report.notes[0] ?? ''}`.trim());
  else vscode.window.setStatusBarMessage(`$(check) ${head}`, 8000);
}

/** Shows a failed or refused mint with what can be done about it. */
export function presentFailure(f: MintFailure | { status: 'refused'; message: string }, target?: MintTarget): void {
  if (f.status === 'refused') {
    void vscode.window.showErrorMessage(safeMessage(f.message));
    return;
  }
  const rbac = vscode.l10n.t('Show RBAC That Grants It');
  const legacy = vscode.l10n.t('Create Legacy Token Secret…');
  const actions = [...(f.rbacYaml ? [rbac] : []), ...(f.suggestLegacySecret && target ? [legacy] : [])];
  void vscode.window.showErrorMessage(safeMessage(f.message), ...actions).then(async (choice) => {
    if (choice === rbac && f.rbacYaml) {
      await openUntitled(target ? `rbac-${target.namespace}-mint-${target.serviceAccount}` : 'rbac-mint-tokens', 'yaml', 'yaml', f.rbacYaml);
    } else if (choice === legacy && target) {
      await vscode.commands.executeCommand(CommandIds.createLegacyTokenSecret, target);
    }
  });
}

/** Failures of a mint or re-mint are explained; a re-mint's success is announced (a new mint's result has its own panel). */
export function presentOutcome(outcome: MintOutcome, target?: MintTarget): void {
  switch (outcome.status) {
    case 'minted':
      return outcome.kept ? announceRemint(outcome) : undefined;
    case 'failed':
      return presentFailure(outcome, target);
    case 'refused':
      return presentFailure(outcome);
    case 'cancelled':
      return;
  }
}
