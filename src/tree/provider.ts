/**
 * TreeDataProvider of the ServiceAccounts view. Children load lazily on expand, page by page,
 * and are cached per parent until a refresh. Failures become error nodes with a Retry action;
 * nothing is shown as a modal.
 */
import * as vscode from 'vscode';
import type { Log } from '../common/log';
import { Disposable } from '../common/lifecycle';
import { KubeError } from '../errors/kubeError';
import { describeKubeError } from '../errors/describe';
import type { ClusterSession } from '../kube/session';
import type { TreeLoader, Note } from './loaders';
import { contextOf, isParentNode, nodeId, type ErrorNode, type InfoNode, type LoadMoreNode, type ParentNode, type TreeNode } from './model';
import { withTreeProgress } from './progress';
import { renderNode } from './render';

export const VIEW_ID = 'k8sTokens.serviceAccounts';

interface ChildrenState {
  /** The node these children were loaded for: their `parent`. */
  owner: ParentNode;
  nodes: TreeNode[];
  notes: InfoNode[];
  continueToken?: string;
  memo?: unknown;
  more?: LoadMoreNode;
  /** The first page failed: the only child shown. */
  error?: ErrorNode;
  /** A later page failed: shown in place of "Load more". */
  pageError?: ErrorNode;
}

export class ServiceAccountTreeProvider extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = this.register(new vscode.EventEmitter<TreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private roots: TreeNode[] | undefined;
  private readonly states = new Map<string, ChildrenState>();
  private readonly inflight = new Map<string, { promise: Promise<void>; controller: AbortController; owner: ParentNode }>();

  constructor(
    private readonly session: ClusterSession,
    private readonly loader: TreeLoader,
    private readonly log: Log,
    /** Called with the number of contexts each time the root is read (for the welcome view). */
    private readonly onRoots: (contextCount: number) => void,
  ) {
    super();
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return renderNode(node);
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.rootNodes();
    if (!isParentNode(node)) return [];
    const key = nodeId(node);
    // After a reload of its parent, a node is a new object with fresher data (e.g. a Secret count)
    // under the same id; children cached for the object it replaced would point at stale data.
    const cached = this.states.get(key);
    if (cached && cached.owner !== node && this.isCurrent(node)) this.forget(key);
    // A refresh during the load (e.g. a kubeconfig file changed) drops its result: load again,
    // so callers never see an empty list that only means "interrupted".
    for (let attempt = 0; attempt < 3 && !this.states.has(key); attempt++) await this.loadFirstPage(node);
    const st = this.states.get(key);
    if (!st) return [];
    if (st.error) return [st.error];
    const tail: TreeNode[] = st.pageError ? [st.pageError] : st.continueToken ? [(st.more ??= { kind: 'loadMore', parent: node })] : [];
    return [...st.notes, ...st.nodes, ...tail];
  }

  /** Forgets cached children (all, or of `node` and below) and asks VS Code to re-read them. */
  refresh(node?: TreeNode): void {
    const target = node && !isParentNode(node) ? node.parent : node;
    if (!target) {
      for (const f of this.inflight.values()) f.controller.abort();
      this.inflight.clear();
      this.states.clear();
      this.roots = undefined;
      this.changed.fire(undefined);
      return;
    }
    this.forget(nodeId(target));
    this.changed.fire(target);
  }

  /** Drops the children of the node with id `key` and of everything below it, loaded or loading. */
  private forget(key: string): void {
    const within = (k: string): boolean => k === key || k.startsWith(`${key}/`);
    for (const [k, f] of this.inflight) {
      if (within(k)) {
        f.controller.abort();
        this.inflight.delete(k);
      }
    }
    for (const k of [...this.states.keys()]) if (within(k)) this.states.delete(k);
  }

  /** True when `node` is the object its parent's children list holds now (not one a reload replaced). */
  private isCurrent(node: ParentNode): boolean {
    const siblings = node.kind === 'context' ? this.roots : this.states.get(nodeId(node.parent))?.nodes;
    return siblings?.includes(node) ?? false;
  }

  /** Names of the namespaces loaded so far, for the filter quick pick. */
  knownNamespaces(): string[] {
    const names = new Set<string>();
    for (const st of this.states.values()) for (const n of st.nodes) if (n.kind === 'namespace') names.add(n.name);
    return [...names];
  }

  /** Retry of an error node: reload the parent, or the failed next page. */
  async retry(node: TreeNode): Promise<void> {
    if (node.kind === 'kubeconfigProblem') return this.session.reload(); // session.onDidChange refreshes the tree
    if (node.kind === 'error' && node.retry === 'nextPage' && node.parent) return this.loadMore(node.parent);
    this.refresh(node.parent);
  }

  /** Fetches the next page of `parent`'s children (the "Load more…" node). */
  async loadMore(parent: ParentNode): Promise<void> {
    const key = nodeId(parent);
    const st = this.states.get(key);
    if (!st?.continueToken && !st?.pageError) return;
    const running = this.inflight.get(key);
    if (running) return running.promise;
    const controller = new AbortController();
    const promise = (async () => {
      try {
        const r = await withTreeProgress(VIEW_ID, this.progressTitle(parent), controller, (signal) => this.loader.load(parent, st.continueToken, st.memo, signal));
        if (this.inflight.get(key)?.controller !== controller) return;
        st.nodes = [...st.nodes, ...r.nodes];
        st.notes = this.notes(parent, r.notes);
        st.continueToken = r.continueToken;
        st.memo = r.memo;
        st.pageError = undefined;
      } catch (e) {
        if (this.inflight.get(key)?.controller !== controller) return;
        st.pageError = this.errorNode(e, parent, 'nextPage', 0);
      } finally {
        if (this.inflight.get(key)?.controller === controller) this.inflight.delete(key);
      }
      this.changed.fire(parent);
    })();
    this.inflight.set(key, { promise, controller, owner: parent });
    return promise;
  }

  private rootNodes(): TreeNode[] {
    if (!this.roots) {
      try {
        const conns = this.session.connections();
        const loaded = conns.kubeconfigs;
        // Restricted Mode: VS Code hides a workspace's value of a restricted setting from the
        // extension too, so the files are usually unknown here; say what is not read either way.
        const restricted: TreeNode[] = conns.restricted
          ? [{ kind: 'kubeconfigProblem', restricted: true, problem: { file: conns.restricted.files.join(', '), message: vscode.l10n.t("Kubeconfig files named in this workspace's settings are not read: their exec plugins would run programs chosen by the workspace. Trust the workspace to use them.") } }]
          : [];
        this.roots = [
          ...loaded.contexts.map((entry): TreeNode => ({ kind: 'context', entry })),
          ...loaded.problems.map((problem): TreeNode => ({ kind: 'kubeconfigProblem', problem })),
          ...restricted,
        ];
        this.onRoots(loaded.contexts.length);
      } catch (e) {
        this.log.error('reading kubeconfig files', e);
        this.roots = [this.errorNode(e, undefined, 'children', 0)];
        this.onRoots(0);
      }
    }
    return this.roots;
  }

  private loadFirstPage(parent: ParentNode): Promise<void> {
    const key = nodeId(parent);
    const running = this.inflight.get(key);
    if (running && (running.owner === parent || !this.isCurrent(parent))) return running.promise;
    running?.controller.abort(); // loading for a node that a reload replaced
    const controller = new AbortController();
    const promise = (async () => {
      let st: ChildrenState;
      try {
        const r = await withTreeProgress(VIEW_ID, this.progressTitle(parent), controller, (signal) => this.loader.load(parent, undefined, undefined, signal));
        st = { owner: parent, nodes: r.nodes, notes: this.notes(parent, r.notes), continueToken: r.continueToken, memo: r.memo };
      } catch (e) {
        st = { owner: parent, nodes: [], notes: [], error: this.errorNode(e, parent, 'children', 0) };
      }
      // A refresh during the load replaced or dropped this request: its result is stale.
      if (this.inflight.get(key)?.controller !== controller) return;
      this.inflight.delete(key);
      this.states.set(key, st);
    })();
    this.inflight.set(key, { promise, controller, owner: parent });
    return promise;
  }

  private notes(parent: ParentNode, notes: Note[] | undefined): InfoNode[] {
    return (notes ?? []).map((n, index) => ({ kind: 'info', message: n.message, tooltip: n.tooltip, warning: n.warning, index, parent }));
  }

  private errorNode(e: unknown, parent: ParentNode | undefined, retry: ErrorNode['retry'], index: number): ErrorNode {
    if (!KubeError.is(e, 'cancelled')) this.log.warn(`tree: loading ${nodeId(parent) || 'contexts'} failed: ${e instanceof Error ? e.message : String(e)}`);
    return {
      kind: 'error',
      message: describeKubeError(e, parent ? contextOf(parent) : undefined),
      errorKind: KubeError.is(e) ? e.kind : 'other',
      permission: KubeError.is(e) ? e.permission : undefined,
      retry,
      index,
      parent,
    };
  }

  private progressTitle(parent: ParentNode): string {
    switch (parent.kind) {
      case 'context':
        return vscode.l10n.t('Loading namespaces of {0}…', parent.entry.name);
      case 'namespace':
        return vscode.l10n.t('Loading ServiceAccounts in {0}…', parent.name);
      default:
        return vscode.l10n.t('Loading {0}…', parent.kind === 'folder' ? parent.parent.sa.name : parent.sa.name);
    }
  }
}
