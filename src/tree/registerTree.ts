/**
 * The ServiceAccounts view: creates the tree view, registers its commands, and keeps it in step
 * with kubeconfig files and settings.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../common/commandIds';
import { registerCommand } from '../common/commands';
import { Config, SettingKeys } from '../common/config';
import type { Services } from '../services';
import { TreeLoader } from './loaders';
import type { TreeNode } from './model';
import { ServiceAccountTreeProvider, VIEW_ID } from './provider';
import { RoleDocuments, ROLE_SCHEME } from './roleDocument';
import { addKubeconfig, clearNamespaceFilter, filterNamespaces, openBindingRole, useContextCommand } from './treeCommands';

/** What the tree feature exposes to other features and to tests. */
export interface ServiceAccountTree {
  readonly provider: ServiceAccountTreeProvider;
  readonly view: vscode.TreeView<TreeNode>;
  refresh(node?: TreeNode): void;
}

const isNode = (v: unknown): v is TreeNode => typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string';

export function registerTree(services: Services): ServiceAccountTree {
  const { context, config, session, log, errors } = services;
  const setContextKey = (key: string, value: unknown): void => void vscode.commands.executeCommand('setContext', key, value);
  const provider = new ServiceAccountTreeProvider(session, new TreeLoader(session, config), log, (count) => setContextKey('k8sTokens.noContexts', count === 0));
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  const roles = new RoleDocuments();
  context.subscriptions.push(provider, view, roles, vscode.workspace.registerTextDocumentContentProvider(ROLE_SCHEME, roles));

  const syncFilterKey = (): void => setContextKey('k8sTokens.namespaceFilterActive', config.namespaceFilter.length > 0);
  syncFilterKey();

  context.subscriptions.push(
    session.onDidChange(() => provider.refresh()),
    // Trusting the workspace lets its k8sTokens.kubeconfigPaths count (src/common/restrictedSettings.ts).
    vscode.workspace.onDidGrantWorkspaceTrust(() => session.reload()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (Config.affects(e, SettingKeys.kubeconfigPaths) || Config.affects(e, SettingKeys.requestTimeoutSeconds)) {
        session.reload(); // fires onDidChange, which refreshes the tree
      } else if (Config.affects(e, SettingKeys.namespaceFilter) || Config.affects(e, SettingKeys.pageSize)) {
        syncFilterKey();
        provider.refresh();
      }
    }),
  );

  const tree: ServiceAccountTree = { provider, view, refresh: (node) => provider.refresh(node) };
  const reg = (id: Parameters<typeof registerCommand>[2], handler: (...args: unknown[]) => unknown): void => registerCommand(context, errors, id, handler);

  reg(CommandIds.refresh, (node?: unknown) => provider.refresh(isNode(node) ? node : undefined));
  reg(CommandIds.retry, (node?: unknown) => (isNode(node) ? provider.retry(node) : provider.refresh()));
  reg(CommandIds.loadMore, (node?: unknown) => {
    if (isNode(node) && node.kind === 'loadMore') return provider.loadMore(node.parent);
    if (isNode(node) && node.kind === 'error' && node.parent) return provider.loadMore(node.parent);
    return undefined;
  });
  reg(CommandIds.filterNamespaces, (patterns?: unknown) => filterNamespaces(config, provider, patterns));
  reg(CommandIds.clearNamespaceFilter, () => clearNamespaceFilter(config));
  reg(CommandIds.useContext, (arg?: unknown) => useContextCommand(session, arg));
  reg(CommandIds.addKubeconfig, (paths?: unknown) => addKubeconfig(config, paths));
  reg(CommandIds.openBindingRole, (arg?: unknown) => openBindingRole(session, roles, arg));
  return tree;
}
