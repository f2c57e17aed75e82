/** What the user sees after a mint: the result with its explanation and actions, or the failure. */
import * as vscode from 'vscode';
import { CommandIds } from '../common/commandIds';
import { safeMessage } from '../common/displayText';
import type { Services } from '../common/services';
import { formatDuration } from './duration';
import { keepMinted, type MintOutcome, type MintSuccess } from './mint';
import type { MintFailure, MintTarget } from './mintFailure';
import type { TokenStore } from './tokenStore';

/** Opens the decoded header and claims (never the signature) in a read-only document. */
export async function openDecoded(token: string): Promise<void> {
  await vscode.commands.executeCommand(CommandIds.decodeToken, token);
}

export async function copyToClipboard(token: string, what: string): Promise<void> {
  await vscode.env.clipboard.writeText(token);
  void vscode.window.showInformationMessage(vscode.l10n.t('{0} copied to the clipboard.', what));
}

function present(services: Services, store: TokenStore, m: MintSuccess): void {
  const { namespace, serviceAccount } = m.target;
  const lifetime = formatDuration(Math.round((m.report.expiresAt - m.report.issuedAt) / 1000));
  const head = vscode.l10n.t('Token for {0}/{1}: valid {2}, until {3}.', namespace, serviceAccount, lifetime, new Date(m.report.expiresAt).toLocaleString());
  const revocable = m.revocableSecret ? vscode.l10n.t('Revocable: deleting Secret {0} invalidates it.', m.revocableSecret) : '';
  const text = [head, ...m.report.notes, revocable].filter((s) => s.length > 0).join(' ');
  const copy = vscode.l10n.t('Copy');
  const keep = vscode.l10n.t('Keep');
  const decode = vscode.l10n.t('Open Decoded');
  const exportIt = vscode.l10n.t('Export Kubeconfig');
  const actions = [copy, ...(m.kept ? [] : [keep]), decode, exportIt];
  const show = m.report.clamp ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void show(text, ...actions).then(async (choice) => {
    try {
      if (choice === copy) await copyToClipboard(m.token, vscode.l10n.t('Token'));
      else if (choice === keep) m.kept = await keepMinted(store, m);
      else if (choice === decode) await openDecoded(m.token);
      else if (choice === exportIt) {
        await vscode.commands.executeCommand(CommandIds.exportKubeconfig, { ...m.target, token: m.token, ...(m.kept ? { id: m.kept.id } : {}) });
      }
    } catch (e) {
      // Keeping failed: the token is still here, offer to copy it.
      services.errors.report(e, choice ?? 'mint');
      if (choice === keep) offerCopyAfterKeepFailure(m, e instanceof Error ? e.message : String(e));
    }
  });
  if (m.keepError) offerCopyAfterKeepFailure(m, m.keepError);
}

function offerCopyAfterKeepFailure(m: MintSuccess, reason: string): void {
  const copy = vscode.l10n.t('Copy Token');
  void vscode.window.showErrorMessage(vscode.l10n.t('The token could not be kept ({0}). Copy it now, or it is lost when you close this message.', reason), copy).then((c) => {
    if (c === copy) return copyToClipboard(m.token, vscode.l10n.t('Token'));
    return undefined;
  });
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
      const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: f.rbacYaml });
      await vscode.window.showTextDocument(doc);
    } else if (choice === legacy && target) {
      await vscode.commands.executeCommand(CommandIds.createLegacyTokenSecret, target);
    }
  });
}

export function presentOutcome(services: Services, store: TokenStore, outcome: MintOutcome, target?: MintTarget): void {
  switch (outcome.status) {
    case 'minted':
      return present(services, store, outcome);
    case 'failed':
      return presentFailure(outcome, target);
    case 'refused':
      return presentFailure(outcome);
    case 'cancelled':
      return;
  }
}
