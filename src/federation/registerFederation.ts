/**
 * Cross-cluster trust: the command Set Up Cross-Cluster Trust… (palette, a context in the
 * ServiceAccounts view, and the doctor's "issued by another cluster" finding). It opens the plan's
 * documents as untitled editors named after what they hold, and says what is still to do.
 * Programmatic use: `executeCommand('k8sTokens.setUpCrossClusterTrust', { acceptingContext,
 * issuerContext, choices, show: false })` returns `{ plan, documents }` without any prompt.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../common/commandIds';
import { registerCommand } from '../common/commands';
import type { Services } from '../services';
import { runTrustFlow } from './trustFlow';
import type { TrustDocument, TrustPlan } from './trustPlan';

export interface TrustOutcome {
  plan: TrustPlan;
  /** The untitled documents, in the plan's order (empty with `show: false`). */
  documents: vscode.Uri[];
}

/** Opens `doc` as an untitled YAML editor named `doc.name`; an editor already open under that name gets the new text. */
async function openDocument(doc: TrustDocument): Promise<vscode.Uri> {
  const text = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'untitled', path: doc.name }));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(text.uri, text.validateRange(new vscode.Range(0, 0, text.lineCount, 0)), doc.content);
  await vscode.workspace.applyEdit(edit);
  if (text.languageId !== 'yaml') await vscode.languages.setTextDocumentLanguage(text, 'yaml');
  return text.uri;
}

async function showPlan(plan: TrustPlan): Promise<vscode.Uri[]> {
  const uris: vscode.Uri[] = [];
  for (const doc of plan.documents) uris.push(await openDocument(doc));
  // Every document in its own tab; the AuthenticationConfiguration, the one that needs the most care, in front.
  for (const uri of [...uris].reverse()) await vscode.window.showTextDocument(uri, { preview: false });
  if (plan.problems.length > 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Cross-cluster trust: {0}', plan.problems.join(' ')));
  } else {
    const forIssuer = plan.documents.filter((d) => d.cluster === 'issuer').map((d) => d.name);
    const forAccepting = plan.documents.filter((d) => d.cluster === 'accepting').map((d) => d.name);
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Cross-cluster trust: install {0} on cluster B ({1}) and apply the rest there; on cluster A apply {2}. Then mint the token of the request and check it on B with kubectl auth whoami.', forAccepting[0], plan.apiServerFlag, forIssuer.join(', ')),
    );
  }
  return uris;
}

export function registerFederation(services: Services): void {
  const { context, errors, log } = services;
  registerCommand(context, errors, CommandIds.setUpCrossClusterTrust, async (arg: unknown): Promise<TrustOutcome | undefined> => {
    const plan = await runTrustFlow(services, arg);
    if (!plan) return undefined;
    log.info(`cross-cluster trust planned: ${plan.documents.map((d) => d.name).join(', ')}; ${plan.problems.length} problem(s)`);
    const show = !(typeof arg === 'object' && arg !== null && (arg as { show?: unknown }).show === false);
    return { plan, documents: show ? await showPlan(plan) : [] };
  });
}
