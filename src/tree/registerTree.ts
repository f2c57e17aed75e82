/**
 * The ServiceAccounts view: creates the tree view, registers its commands, and keeps it in step
 * with kubeconfig files and settings.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../common/commandIds';
import { registerCommand } from '../common/commands';
import { Config, SettingKeys } from '../common/config';
import type { Services } from '../services';
import type { KeptTokenSource } from '../common/keptToken';
import { TreeLoader } from './loaders';
import { nodeId, type TreeNode } from './model';
import { ServiceAccountTreeProvider, VIEW_ID } from './provider';
import { RoleDocuments, ROLE_SCHEME } from './roleDocument';
import { addKubeconfig, clearNamespaceFilter, deleteRevocableSecret, filterNamespaces, openBindingRole, useContextCommand } from './treeCommands';

/** What the tree feature exposes to other features and to tests. */
export interface ServiceAccountTree {
  readonly provider: ServiceAccountTreeProvider;
  readonly view: vscode.TreeView<TreeNode>;
  refresh(node?: TreeNode): void;
  /** Shows the tokens kept in `store` under their ServiceAccounts, and follows its changes. */
  showKeptTokens(store: KeptTokenSource): void;
}

const isNode = (v: unknown): v is TreeNode => typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string';

export function registerTree(services: Services): ServiceAccountTree {
  const { context, config, session, log, errors } = services;
  const setContextKey = (key: string, value: unknown): void => void vscode.commands.executeCommand('setContext', key, value);
  let kept: KeptTokenSource | undefined;
  const loader = new TreeLoader(session, config, () => kept?.list() ?? []);
  const provider = new ServiceAccountTreeProvider(session, loader, log, () => config.pageSize, (count) => setContextKey('k8sTokens.noContexts', count === 0));
  provider.live.useCaches((ctx) => (session.isLoaded ? loader.cache(ctx) : undefined));
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  // What is shown decides what is watched: collapsed or hidden parts stop their watches.
  context.subscriptions.push(
    view.onDidCollapseElement((e) => provider.live.release(nodeId(e.element))),
    view.onDidExpandElement((e) => provider.live.expanded(nodeId(e.element))),
    view.onDidChangeVisibility((e) => provider.live.setVisible(e.visible)),
  );
  const roles = new RoleDocuments();
  context.subscriptions.push(provider, view, roles, vscode.workspace.registerTextDocumentContentProvider(ROLE_SCHEME, roles));

  // Once the view shows, load the cluster layer in the background: a mint from the view then pays no load.
  if (view.visible === true) session.warm();
  context.subscriptions.push(view.onDidChangeVisibility((e) => e.visible && session.warm()));

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

  const tree: ServiceAccountTree = {
    provider,
    view,
    refresh: (node) => provider.refresh(node),
    showKeptTokens(store) {
      kept = store;
      provider.live.hasKeptTokens = () => store.list().length > 0;
      context.subscriptions.push(store.onDidChange(() => provider.live.keptTokensChanged()));
      provider.live.keptTokensChanged();
    },
  };
  const reg = (id: Parameters<typeof registerCommand>[2], handler: (...args: unknown[]) => unknown): void => registerCommand(context, errors, id, handler);

  reg(CommandIds.refresh, (node?: unknown) => provider.refresh(isNode(node) ? node : undefined, { relist: true }));
  reg(CommandIds.retry, (node?: unknown) => (isNode(node) ? provider.retry(node) : provider.refresh()));
  reg(CommandIds.loadMore, (node?: unknown) => (isNode(node) && node.kind === 'loadMore' ? provider.loadMore(node.parent) : undefined));
  reg(CommandIds.filterNamespaces, (patterns?: unknown) => filterNamespaces(config, provider, session, patterns));
  reg(CommandIds.clearNamespaceFilter, () => clearNamespaceFilter(config));
  reg(CommandIds.useContext, (arg?: unknown) => useContextCommand(session, arg));
  reg(CommandIds.addKubeconfig, (paths?: unknown) => addKubeconfig(config, paths));
  reg(CommandIds.openBindingRole, (arg?: unknown) => openBindingRole(session, roles, arg));
  reg(CommandIds.deleteRevocableSecret, (arg?: unknown, confirm?: unknown) => deleteRevocableSecret(session, arg, confirm === true));
  return tree;
}
