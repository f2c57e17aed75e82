/**
 * The children of each tree node. Namespaces, ServiceAccounts and token Secrets come from the
 * context's watch cache (ClusterCache in dist/kube.js, through ClusterSession): read from memory
 * once listed, and marked `live` so the provider reads them again when the cache reports a
 * change. Kept tokens come from the TokenStore (metadata only). Bindings are fetched on expand.
 * Errors propagate to the provider, which turns them into error nodes with a Retry action.
 */
import * as vscode from 'vscode';
import type { Config } from '../common/config';
import { KubeError } from '../errors/kubeError';
import { describeKubeError } from '../errors/describe';
import type { ClusterCache, Lease, NamespaceContents } from '../kube/clusterCache';
import type { ClusterSession } from '../kube/session';
import type { NamespaceInfo } from '../kube/serviceAccounts';
import type { KeptToken } from '../common/keptToken';
import {
  countTokenSecrets,
  exactNamespaces,
  namespaceMatcher,
  splitBindings,
  visiblePage,
  type ContextNode,
  type FolderNode,
  type GroupBindingsNode,
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
  /** More children than `shown`: a "Load more…" node follows. */
  more?: boolean;
  /** Read from the cache or the TokenStore: read again when they change. */
  live?: boolean;
  /** Keeps the cache watching what these children show, until the provider releases it. */
  lease?: Lease;
}

const contextName = (n: ParentNode): string => {
  let cur: TreeNode = n;
  while (cur.kind !== 'context') cur = cur.parent as TreeNode;
  return cur.entry.name;
};

export class TreeLoader {
  constructor(
    private readonly session: ClusterSession,
    private readonly config: Config,
    private readonly keptTokens: () => readonly KeptToken[],
  ) {}

  /** `shown`: how many children the view shows so far (display paging). */
  async load(parent: ParentNode, shown: number, signal: AbortSignal): Promise<LoadResult> {
    switch (parent.kind) {
      case 'context':
        return this.namespaces(parent, shown, signal);
      case 'namespace':
        return this.serviceAccounts(parent, shown, signal);
      case 'serviceAccount':
        return this.serviceAccountChildren(parent, signal);
      case 'folder':
        return parent.folder === 'tokenSecrets' ? this.tokenSecrets(parent, signal) : this.bindings(parent, signal);
      case 'groupBindings':
        return { nodes: parent.bindings.map((binding) => ({ kind: 'binding', binding, parent })) };
    }
  }

  cache(context: string): ClusterCache {
    return this.session.connections().cache(context);
  }

  private async namespaces(parent: ContextNode, shown: number, signal: AbortSignal): Promise<LoadResult> {
    const cache = this.cache(parent.entry.name);
    const filter = this.config.namespaceFilter;
    const toNode = (n: NamespaceInfo): NamespaceNode => ({ kind: 'namespace', name: n.name, terminating: n.terminating, parent });
    const lease = cache.watchNamespaces();
    let all: NamespaceInfo[];
    try {
      all = await cache.namespaces(signal);
    } catch (e) {
      lease.dispose();
      if (!KubeError.is(e, 'forbidden')) throw e;
      return this.namespacesWithoutList(parent, filter, e, signal);
    }
    const exact = exactNamespaces(filter);
    const notes: Note[] = [];
    let kept = all;
    if (exact) {
      notes.push({ message: vscode.l10n.t('Filtered: {0}', filter.join(', ')) });
      const names = new Set(all.map((n) => n.name));
      for (const name of exact) if (!names.has(name)) notes.push({ message: vscode.l10n.t('Namespace "{0}" does not exist', name), warning: true });
      kept = all.filter((n) => exact.includes(n.name));
    } else if (filter.length > 0) {
      const matches = namespaceMatcher(filter);
      kept = all.filter((n) => matches(n.name));
      notes.push({ message: vscode.l10n.t('Filtered: {0}', filter.join(', ')), tooltip: vscode.l10n.t('{0} namespaces hidden', all.length - kept.length) });
    }
    const page = visiblePage(kept, shown);
    return { nodes: page.items.map(toNode), notes, more: page.more, live: true, lease };
  }

  /** Without permission to list namespaces: the filter's exact names (GET needs less), else the context's own namespace. */
  private async namespacesWithoutList(parent: ContextNode, filter: string[], listError: KubeError, signal: AbortSignal): Promise<LoadResult> {
    const kube = this.session.module();
    const client = this.session.connections().client(parent.entry.name);
    const toNode = (n: NamespaceInfo): NamespaceNode => ({ kind: 'namespace', name: n.name, terminating: n.terminating, parent });
    const exact = exactNamespaces(filter);
    if (exact) {
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
    const own = parent.entry.namespace ?? 'default';
    return {
      nodes: [toNode({ name: own, uid: '', terminating: false })],
      notes: [
        {
          message: vscode.l10n.t('Showing only "{0}": you may not list namespaces', own),
          tooltip: describeKubeError(listError, parent.entry.name) + '\n' + vscode.l10n.t('Use Filter Namespaces to name the namespaces to show.'),
          warning: true,
        },
      ],
    };
  }

  /** Kept tokens of one ServiceAccount (all of them when `name` is undefined) in a namespace of a context. */
  private kept(context: string, namespace: string, name?: string): KeptToken[] {
    return this.keptTokens().filter((t) => t.params.context === context && t.params.namespace === namespace && (name === undefined || t.params.serviceAccount === name));
  }

  private async serviceAccounts(parent: NamespaceNode, shown: number, signal: AbortSignal): Promise<LoadResult> {
    const cache = this.cache(parent.parent.entry.name);
    const lease = await cache.watchNamespace(parent.name, signal);
    let contents: NamespaceContents;
    try {
      contents = await cache.contents(parent.name, signal);
    } catch (e) {
      lease.dispose();
      throw e;
    }
    const counts = Array.isArray(contents.tokenSecrets) ? countTokenSecrets(contents.tokenSecrets) : undefined;
    const kept = this.kept(parent.parent.entry.name, parent.name);
    const usedSecrets = new Set(kept.map((t) => t.revocableSecret));
    const orphans = Array.isArray(contents.revocableSecrets) ? contents.revocableSecrets.filter((s) => !usedSecrets.has(s.name)) : [];
    const page = visiblePage(contents.serviceAccounts, shown);
    const nodes: ServiceAccountNode[] = page.items.map((sa) => ({
      kind: 'serviceAccount',
      sa,
      tokenSecretCount: counts ? (counts.get(sa.name) ?? 0) : undefined,
      keptCount: kept.filter((t) => t.params.serviceAccount === sa.name).length,
      orphanRevocableCount: orphans.filter((s) => s.serviceAccount === sa.name).length,
      parent,
    }));
    const notes: Note[] = nodes.length === 0 ? [{ message: vscode.l10n.t('No ServiceAccounts') }] : [];
    return { nodes, notes, more: page.more, live: true, lease };
  }

  private async serviceAccountChildren(parent: ServiceAccountNode, signal: AbortSignal): Promise<LoadResult> {
    const { namespace, name } = parent.sa;
    const context = contextName(parent);
    const contents = await this.cache(context).contents(namespace, signal);
    const inNamespace = this.kept(context, namespace);
    const revocable = Array.isArray(contents.revocableSecrets) ? contents.revocableSecrets : undefined;
    const nodes: TreeNode[] = inNamespace
      .filter((t) => t.params.serviceAccount === name)
      .sort((a, b) => b.issuedAt - a.issuedAt)
      .map((token) => ({
        kind: 'keptToken',
        id: token.id,
        token,
        secretGone: token.revocableSecret !== undefined && revocable !== undefined && !revocable.some((s) => s.name === token.revocableSecret),
        parent,
      }));
    const used = new Set(inNamespace.map((t) => t.revocableSecret));
    for (const secret of revocable ?? []) if (secret.serviceAccount === name && !used.has(secret.name)) nodes.push({ kind: 'revocableSecret', secret, parent });
    const tokenSecrets = Array.isArray(contents.tokenSecrets) ? contents.tokenSecrets.filter((s) => s.serviceAccount === name).length : 0;
    if (tokenSecrets > 0) nodes.push({ kind: 'folder', folder: 'tokenSecrets', parent });
    nodes.push({ kind: 'folder', folder: 'bindings', parent });
    return { nodes, live: true };
  }

  private async tokenSecrets(parent: FolderNode, signal: AbortSignal): Promise<LoadResult> {
    const sa = parent.parent.sa;
    const contents = await this.cache(contextName(parent)).contents(sa.namespace, signal);
    if (!Array.isArray(contents.tokenSecrets)) throw contents.tokenSecrets;
    const nodes: TreeNode[] = contents.tokenSecrets
      .filter((s) => s.serviceAccount === sa.name)
      .map((secret) => ({ kind: 'tokenSecret', secret, autoGenerated: sa.secretRefs.includes(secret.name), parent }));
    return { nodes, live: true };
  }

  private async bindings(parent: FolderNode, signal: AbortSignal): Promise<LoadResult> {
    const sa = parent.parent.sa;
    const context = contextName(parent);
    const client = this.session.connections().client(context);
    const result = await this.session.module().listBindingsFor(client, { namespace: sa.namespace, name: sa.name }, signal);
    const { direct, viaGroups } = splitBindings(result.bindings);
    const nodes: TreeNode[] = direct.map((binding) => ({ kind: 'binding', binding, parent }));
    if (viaGroups.length > 0) nodes.push({ kind: 'groupBindings', bindings: viaGroups, parent } satisfies GroupBindingsNode);
    const notes: Note[] = [];
    if (result.roleBindingsNamespaceOnly) {
      notes.push({ message: vscode.l10n.t('RoleBindings of other namespaces not shown'), tooltip: vscode.l10n.t('You may not list RoleBindings cluster-wide; only namespace "{0}" was searched.', sa.namespace), warning: true });
    }
    if (result.clusterBindingsError) {
      notes.push({ message: vscode.l10n.t('ClusterRoleBindings not shown'), tooltip: describeKubeError(result.clusterBindingsError, context), warning: true });
    }
    if (result.bindings.length === 0) notes.push({ message: vscode.l10n.t('No bindings grant this ServiceAccount anything') });
    else if (direct.length === 0) notes.push({ message: vscode.l10n.t('No binding names this ServiceAccount'), tooltip: vscode.l10n.t('It has only what every ServiceAccount (or every authenticated user) gets through groups.') });
    return { nodes, notes };
  }
}
