/**
 * Which ServiceAccount a command acts on: taken from a tree node or an argument object, with quick
 * picks (context → namespace → ServiceAccount) for whatever is missing.
 */
import * as vscode from 'vscode';
import { KubeError } from '../errors/kubeError';
import type { ClusterSession } from '../kube/session';
import { contextOf, serviceAccountOf, type TreeNode } from '../tree/model';
import type { MintTarget } from './mintFailure';
import { nonEmptyString } from '../common/args';

export const isTreeNode = (v: unknown): v is TreeNode =>
  typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string' && ('parent' in v || 'entry' in v);


/** What an argument says about the target, without prompting. */
export function partialTarget(arg: unknown): Partial<MintTarget> {
  if (isTreeNode(arg)) {
    const sa = serviceAccountOf(arg);
    if (sa) return { context: contextOf(sa), namespace: sa.sa.namespace, serviceAccount: sa.sa.name };
    if (arg.kind === 'namespace') return { context: contextOf(arg), namespace: arg.name };
    return { context: contextOf(arg) };
  }
  const o = (typeof arg === 'object' && arg !== null ? arg : {}) as Record<string, unknown>;
  return { context: nonEmptyString(o.context), namespace: nonEmptyString(o.namespace), serviceAccount: nonEmptyString(o.serviceAccount) };
}

async function pickContext(session: ClusterSession): Promise<string | undefined> {
  const loaded = session.connections().kubeconfigs;
  if (loaded.contexts.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('No kubeconfig contexts found. Add a kubeconfig file first.'));
    return undefined;
  }
  const items = [...loaded.contexts]
    .sort((a, b) => Number(b.isCurrent) - Number(a.isCurrent))
    .map((c) => ({ label: c.name, description: c.isCurrent ? vscode.l10n.t('current') : c.server }));
  return (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Context'), placeHolder: vscode.l10n.t('Pick a kubeconfig context') }))?.label;
}

/** A quick pick of `load()`'s names; falls back to an input box when listing is forbidden. */
async function pickName(title: string, load: () => Promise<string[]>, fallback?: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, load);
  } catch (e) {
    if (!KubeError.is(e, 'forbidden')) throw e;
    return vscode.window.showInputBox({ title, value: fallback, prompt: vscode.l10n.t('You may not list these; type the name.') });
  }
  return (await vscode.window.showQuickPick(names.sort(), { title, placeHolder: title }))?.toString();
}

/** The full target: from the argument, completed with quick picks. Undefined when the user cancels. */
export async function resolveTarget(session: ClusterSession, arg: unknown): Promise<MintTarget | undefined> {
  const t = partialTarget(arg);
  const context = t.context ?? (await pickContext(session));
  if (!context) return undefined;
  const kube = session.module();
  const client = session.connections().client(context);
  const entry = session.connections().kubeconfigs.contexts.find((c) => c.name === context);
  const namespace =
    t.namespace ??
    (await pickName(
      vscode.l10n.t('Namespace'),
      async () => (await kube.listNamespaces(client, { limit: 500 })).items.map((n) => n.name),
      entry?.namespace ?? 'default',
    ));
  if (!namespace) return undefined;
  const serviceAccount =
    t.serviceAccount ??
    (await pickName(vscode.l10n.t('ServiceAccount'), async () => (await kube.listServiceAccounts(client, namespace, { limit: 500 })).items.map((s) => s.name), 'default'));
  if (!serviceAccount) return undefined;
  return { context, namespace, serviceAccount };
}
