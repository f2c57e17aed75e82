/**
 * Legacy long-lived token Secrets: creating one (discouraged, behind a modal) and copying the
 * token out of an existing one.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../common/commandIds';
import type { Services } from '../services';
import { KubeError } from '../errors/kubeError';
import { ClusterSession } from '../kube/session';
import { contextOf, type TreeNode } from '../tree/model';
import { legacySecretDialogDetail } from './legacySecretText';
import { explainMintFailure, type MintFailure } from './mintFailure';
import { presentFailure, copyToClipboard } from './present';
import { isTreeNode, resolveTarget } from './targets';

export type LegacySecretOutcome = { status: 'created'; secretName: string; namespace: string; token: string; copied: boolean } | MintFailure | { status: 'cancelled' };

interface LegacyArgs {
  confirm?: boolean;
  timeoutMs?: number;
  copy?: boolean;
}

const argsOf = <T>(arg: unknown): Partial<T> => (typeof arg === 'object' && arg !== null && !isTreeNode(arg) ? (arg as Partial<T>) : {});

export async function createLegacyTokenSecretCommand(services: Services, arg: unknown, onCreated: (node?: TreeNode) => void): Promise<LegacySecretOutcome | undefined> {
  const args = argsOf<LegacyArgs>(arg);
  const target = await resolveTarget(services.session, arg);
  if (!target) return undefined;
  if (args.confirm !== true) {
    const create = vscode.l10n.t('Create Anyway');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Create a long-lived token Secret for {0}/{1}?', target.namespace, target.serviceAccount),
      {
        modal: true,
        detail: legacySecretDialogDetail(),
      },
      create,
    );
    if (choice !== create) return { status: 'cancelled' };
  }
  const title = vscode.l10n.t('Creating a token Secret for {0}/{1}…', target.namespace, target.serviceAccount);
  const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, cancel): Promise<LegacySecretOutcome> => {
    const { signal, dispose } = ClusterSession.signalFor(cancel);
    try {
      const kube = services.session.module();
      const client = services.session.connections().client(target.context);
      const created = await kube.createLegacyTokenSecret(client, target.namespace, target.serviceAccount, signal);
      progress.report({ message: vscode.l10n.t('waiting for the token controller to fill it…') });
      const { token } = await kube.waitForSecretToken(client, target.namespace, created.name, { signal, timeoutMs: args.timeoutMs ?? 30_000 });
      return { status: 'created', secretName: created.name, namespace: target.namespace, token, copied: false };
    } catch (e) {
      if (KubeError.is(e, 'cancelled')) return { status: 'cancelled' };
      if (KubeError.is(e, 'notFound')) {
        // The token controller deletes Secrets whose ServiceAccount does not exist.
        return { ...explainMintFailure(e, target), message: vscode.l10n.t('The Secret was deleted by the token controller: ServiceAccount {0}/{1} does not exist.', target.namespace, target.serviceAccount) };
      }
      return explainMintFailure(e, target);
    } finally {
      dispose();
    }
  });
  if (outcome.status === 'failed') presentFailure(outcome);
  if (outcome.status !== 'created') return outcome;
  onCreated(isTreeNode(arg) ? arg : undefined);
  if (args.copy) {
    await vscode.env.clipboard.writeText(outcome.token);
    outcome.copied = true;
  }
  const copy = vscode.l10n.t('Copy Token');
  const exportIt = vscode.l10n.t('Export Kubeconfig');
  void vscode.window.showInformationMessage(vscode.l10n.t('Created Secret {0}/{1}; its token never expires.', outcome.namespace, outcome.secretName), copy, exportIt).then(async (c) => {
    if (c === copy) await copyToClipboard(outcome.token, vscode.l10n.t('Token'));
    else if (c === exportIt) await vscode.commands.executeCommand(CommandIds.exportKubeconfig, { ...target, token: outcome.token });
  });
  return outcome;
}

interface SecretTokenArgs {
  context?: string;
  namespace?: string;
  name?: string;
  confirm?: boolean;
}

/** Copies `data.token` of a legacy token Secret, after saying what kind of credential it is. */
export async function copySecretTokenCommand(services: Services, arg: unknown): Promise<{ copied: boolean }> {
  let where: { context: string; namespace: string; name: string } | undefined;
  if (isTreeNode(arg) && arg.kind === 'tokenSecret') {
    const context = contextOf(arg);
    if (context) where = { context, namespace: arg.secret.namespace, name: arg.secret.name };
  } else {
    const a = argsOf<SecretTokenArgs>(arg);
    if (a.context && a.namespace && a.name) where = { context: a.context, namespace: a.namespace, name: a.name };
  }
  if (!where) return { copied: false };
  if (argsOf<SecretTokenArgs>(arg).confirm !== true) {
    const copy = vscode.l10n.t('Copy');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Copy the long-lived token of Secret {0}/{1}?', where.namespace, where.name),
      { modal: true, detail: vscode.l10n.t('It never expires: anyone who gets it can use it until the Secret is deleted. Clear the clipboard when you are done.') },
      copy,
    );
    if (choice !== copy) return { copied: false };
  }
  const client = services.session.connections().client(where.context);
  const token = await services.session.module().getSecretToken(client, where.namespace, where.name);
  if (!token) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Secret {0}/{1} has no token yet: the token controller has not filled it.', where.namespace, where.name));
    return { copied: false };
  }
  await copyToClipboard(token, vscode.l10n.t('Token'));
  return { copied: true };
}
