/**
 * Fetches the children of each tree node from the cluster layer (dist/kube.js, through
 * ClusterSession). Returns model nodes; errors propagate to the provider, which turns them into
 * error nodes with a Retry action.
 */
import * as vscode from 'vscode';
import type { Config } from '../common/config';
import { KubeError } from '../errors/kubeError';
import { describeKubeError } from '../errors/describe';
import type { ContextClient } from '../kube/http';
import type { ClusterSession } from '../kube/session';
import type { NamespaceInfo } from '../kube/serviceAccounts';
import {
  appendPage,
  countTokenSecrets,
  emptyPages,
  exactNamespaces,
  namespaceMatcher,
  shouldFetchNextPage,
  type ChildPages,
  type ContextNode,
  type FolderNode,
  type NamespaceNode,
  type ParentNode,
  type ServiceAccountNode,
  type TreeNode,
} from './model';

/** A note shown above the children (filter summary, permission limits). */
export interface Note {
  message: string;
  tooltip?: string;
  warning?: boolean;
}

export interface LoadResult {
  nodes: TreeNode[];
  notes?: Note[];
  continueToken?: string;
  /** Loader state carried to the next page of the same parent (e.g. token Secret counts). */
  memo?: unknown;
}

export class TreeLoader {
  constructor(
    private readonly session: ClusterSession,
    private readonly config: Config,
  ) {}

  async load(parent: ParentNode, continueToken: string | undefined, memo: unknown, signal: AbortSignal): Promise<LoadResult> {
    switch (parent.kind) {
      case 'context':
        return this.namespaces(parent, continueToken, memo, signal);
      case 'namespace':
        return this.serviceAccounts(parent, continueToken, memo, signal);
      case 'serviceAccount':
        return { nodes: [folder(parent, 'tokenSecrets'), folder(parent, 'bindings')] };
      case 'folder':
        return parent.folder === 'tokenSecrets' ? this.tokenSecrets(parent, signal) : this.bindings(parent, signal);
    }
  }

  private client(context: string): ContextClient {
    return this.session.connections().client(context);
  }

  private async namespaces(parent: ContextNode, continueToken: string | undefined, memo: unknown, signal: AbortSignal): Promise<LoadResult> {
    const kube = this.session.module();
    const client = this.client(parent.entry.name);
    const filter = this.config.namespaceFilter;
    const toNode = (n: NamespaceInfo): NamespaceNode => ({ kind: 'namespace', name: n.name, terminating: n.terminating, parent });

    const exact = exactNamespaces(filter);
    if (exact) {
      // Exact names need no list permission: fetch each one.
      const results = await Promise.allSettled(exact.map((name) => kube.getNamespace(client, name, signal)));
      const nodes: TreeNode[] = [];
      const notes: Note[] = [{ message: vscode.l10n.t('Filtered: {0}', filter.join(', ')) }];
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') nodes.push(toNode(r.value));
        else if (KubeError.is(r.reason, 'notFound')) notes.push({ message: vscode.l10n.t('Namespace "{0}" does not exist', exact[i]), warning: true });
        else if (KubeError.is(r.reason, 'forbidden')) nodes.push(toNode({ name: exact[i], uid: '', terminating: false }));
        else throw r.reason;
      });
      return { nodes, notes };
    }

    const matches = namespaceMatcher(filter);
    const hiddenBefore = typeof memo === 'number' ? memo : 0;
    let state: ChildPages<NamespaceInfo> = { ...emptyPages<NamespaceInfo>(), hidden: hiddenBefore, continueToken };
    let pages = 0;
    try {
      do {
        const page = await kube.listNamespaces(client, { limit: this.config.pageSize, continueToken: state.continueToken, signal });
        state = appendPage(state, page, (n) => matches(n.name));
        pages++;
      } while (shouldFetchNextPage(state, pages));
    } catch (e) {
      if (!KubeError.is(e, 'forbidden') || filter.length > 0 || continueToken) throw e;
      // No permission to list namespaces: show the context's own namespace and say why.
      const own = parent.entry.namespace ?? 'default';
      return {
        nodes: [toNode({ name: own, uid: '', terminating: false })],
        notes: [{ message: vscode.l10n.t('Showing only "{0}": you may not list namespaces', own), tooltip: describeKubeError(e, parent.entry.name) + '\n' + vscode.l10n.t('Use Filter Namespaces to name the namespaces to show.'), warning: true }],
      };
    }
    const notes: Note[] = filter.length > 0 ? [{ message: vscode.l10n.t('Filtered: {0}', filter.join(', ')), tooltip: vscode.l10n.t('{0} namespaces hidden so far', state.hidden) }] : [];
    return { nodes: state.items.map(toNode), notes, continueToken: state.continueToken, memo: state.hidden };
  }

  private async serviceAccounts(parent: NamespaceNode, continueToken: string | undefined, memo: unknown, signal: AbortSignal): Promise<LoadResult> {
    const kube = this.session.module();
    const client = this.client(parent.parent.entry.name);
    // Token Secret counts: listed once per namespace expand and reused for later pages.
    const countsPromise: Promise<Map<string, number> | KubeError> =
      memo instanceof Map
        ? Promise.resolve(memo as Map<string, number>)
        : kube.listTokenSecrets(client, parent.name, signal).then(countTokenSecrets, (e: unknown) => {
            if (KubeError.is(e, 'forbidden')) return e;
            throw e;
          });
    const [page, counts] = await Promise.all([kube.listServiceAccounts(client, parent.name, { limit: this.config.pageSize, continueToken, signal }), countsPromise]);
    const nodes: ServiceAccountNode[] = page.items.map((sa) => ({
      kind: 'serviceAccount',
      sa,
      tokenSecretCount: counts instanceof Map ? (counts.get(sa.name) ?? 0) : undefined,
      parent,
    }));
    const notes: Note[] = [];
    if (!continueToken && nodes.length === 0) notes.push({ message: vscode.l10n.t('No ServiceAccounts') });
    return { nodes, notes, continueToken: page.continueToken, memo: counts instanceof Map ? counts : undefined };
  }

  private async tokenSecrets(parent: FolderNode, signal: AbortSignal): Promise<LoadResult> {
    const sa = parent.parent.sa;
    const client = this.client(parent.parent.parent.parent.entry.name);
    const secrets = (await this.session.module().listTokenSecrets(client, sa.namespace, signal)).filter((s) => s.serviceAccount === sa.name);
    const nodes: TreeNode[] = secrets.map((secret) => ({ kind: 'tokenSecret', secret, autoGenerated: sa.secretRefs.includes(secret.name), parent }));
    const notes: Note[] =
      nodes.length === 0
        ? [{ message: vscode.l10n.t('No long-lived token Secrets'), tooltip: vscode.l10n.t('Good: short-lived tokens from the TokenRequest API (Mint Token) are the recommended way.') }]
        : [];
    return { nodes, notes };
  }

  private async bindings(parent: FolderNode, signal: AbortSignal): Promise<LoadResult> {
    const sa = parent.parent.sa;
    const context = parent.parent.parent.parent.entry.name;
    const result = await this.session.module().listBindingsFor(this.client(context), { namespace: sa.namespace, name: sa.name }, signal);
    const nodes: TreeNode[] = result.bindings.map((binding) => ({ kind: 'binding', binding, parent }));
    const notes: Note[] = [];
    if (result.roleBindingsNamespaceOnly) {
      notes.push({ message: vscode.l10n.t('RoleBindings of other namespaces not shown'), tooltip: vscode.l10n.t('You may not list RoleBindings cluster-wide; only namespace "{0}" was searched.', sa.namespace), warning: true });
    }
    if (result.clusterBindingsError) {
      notes.push({ message: vscode.l10n.t('ClusterRoleBindings not shown'), tooltip: describeKubeError(result.clusterBindingsError, context), warning: true });
    }
    if (nodes.length === 0) notes.push({ message: vscode.l10n.t('No bindings grant this ServiceAccount anything') });
    return { nodes, notes };
  }
}

function folder(parent: ServiceAccountNode, kind: FolderNode['folder']): FolderNode {
  return { kind: 'folder', folder: kind, parent };
}
