/** Command handlers of the ServiceAccounts view that are more than one line. */
import * as vscode from 'vscode';
import { SettingKeys, type Config } from '../common/config';
import type { RoleRef } from '../kube/bindings';
import type { ClusterSession } from '../kube/session';
import { useContext } from './currentContext';
import { contextOf, type TreeNode } from './model';
import type { ServiceAccountTreeProvider } from './provider';
import type { RoleDocuments } from './roleDocument';

const asStrings = (v: unknown): string[] | undefined =>
  typeof v === 'string' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

const isNode = (v: unknown): v is TreeNode => typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string';

/**
 * Sets k8sTokens.namespaceFilter. With `patterns` (a string or a list) it writes them directly;
 * otherwise a multi-select quick pick offers the namespaces seen so far and accepts typed patterns.
 */
export async function filterNamespaces(config: Config, provider: ServiceAccountTreeProvider, patterns?: unknown): Promise<string[] | undefined> {
  const given = asStrings(patterns);
  if (given) {
    await config.update(SettingKeys.namespaceFilter, given);
    return given;
  }
  const current = config.namespaceFilter;
  const base = [...new Set([...current, ...provider.knownNamespaces()])].sort().map((label) => ({ label }));
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem>();
  qp.canSelectMany = true;
  qp.title = vscode.l10n.t('Show only these namespaces');
  qp.placeholder = vscode.l10n.t('Pick namespaces, or type a name or pattern such as team-* and press Enter');
  let selected = new Set(current);
  const build = (typed: string): void => {
    const extra = typed && !base.some((i) => i.label === typed) ? [{ label: typed, description: vscode.l10n.t('pattern') }] : [];
    qp.items = [...extra, ...base];
    qp.selectedItems = qp.items.filter((i) => selected.has(i.label));
  };
  build('');
  const result = await new Promise<string[] | undefined>((resolve) => {
    qp.onDidChangeSelection((items) => (selected = new Set(items.map((i) => i.label))));
    qp.onDidChangeValue((v) => build(v.trim()));
    qp.onDidAccept(() => {
      const typed = qp.value.trim();
      if (typed) selected.add(typed);
      resolve([...selected]);
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (result === undefined) return undefined;
  await config.update(SettingKeys.namespaceFilter, result);
  return result;
}

export async function clearNamespaceFilter(config: Config): Promise<void> {
  await config.update(SettingKeys.namespaceFilter, undefined);
}

/** Makes a context the current one in the kubeconfig file that decides it. Returns that file. */
export async function useContextCommand(session: ClusterSession, arg?: unknown): Promise<{ context: string; file: string } | undefined> {
  const name = typeof arg === 'string' ? arg : isNode(arg) ? contextOf(arg) : undefined;
  if (!name) return undefined;
  const loaded = session.connections().kubeconfigs;
  const entry = loaded.contexts.find((c) => c.name === name);
  if (!entry) throw new Error(vscode.l10n.t('No context named "{0}".', name));
  const file = await useContext(loaded.files, entry.file, name);
  void vscode.window.showInformationMessage(vscode.l10n.t('"{0}" is now the current context (written to {1}).', name, file));
  session.reload();
  return { context: name, file };
}

/** Adds kubeconfig files to k8sTokens.kubeconfigPaths (from the argument or an open dialog). */
export async function addKubeconfig(config: Config, paths?: unknown): Promise<string[] | undefined> {
  let chosen = asStrings(paths);
  if (!chosen) {
    const uris = await vscode.window.showOpenDialog({ canSelectMany: true, openLabel: vscode.l10n.t('Add Kubeconfig'), title: vscode.l10n.t('Add kubeconfig files') });
    chosen = uris?.map((u) => u.fsPath);
  }
  if (!chosen?.length) return undefined;
  // The user's list only: the effective one may come from the workspace's settings, which must
  // never be copied into the user's (that would carry a workspace's kubeconfig into every window).
  const all = [...new Set([...config.userKubeconfigPaths, ...chosen])];
  await config.update(SettingKeys.kubeconfigPaths, all);
  return all;
}

interface RoleTarget {
  context: string;
  roleRef: RoleRef;
  namespace?: string;
}

function roleTarget(arg: unknown): RoleTarget | undefined {
  if (isNode(arg) && arg.kind === 'binding') {
    const context = contextOf(arg);
    return context ? { context, roleRef: arg.binding.roleRef, namespace: arg.binding.namespace } : undefined;
  }
  const o = arg as Partial<RoleTarget> | undefined;
  if (o && typeof o.context === 'string' && o.roleRef && typeof o.roleRef.name === 'string') {
    return { context: o.context, roleRef: { kind: o.roleRef.kind === 'Role' ? 'Role' : 'ClusterRole', name: o.roleRef.name }, namespace: o.namespace };
  }
  return undefined;
}

/** Opens the Role or ClusterRole a binding grants, as YAML in a read-only editor. */
export async function openBindingRole(session: ClusterSession, roles: RoleDocuments, arg?: unknown): Promise<{ uri: string; text: string } | undefined> {
  const target = roleTarget(arg);
  if (!target) return undefined;
  const client = session.connections().client(target.context);
  const role = await session.module().getRole(client, target.roleRef, target.namespace);
  const doc = await roles.show(target.context, role);
  return { uri: doc.uri.toString(), text: doc.getText() };
}
