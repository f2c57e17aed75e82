/**
 * TreeDataProvider of the ServiceAccounts view. Children load on expand and are kept per parent.
 * Those read from the watch cache or the TokenStore are `live`: when either reports a change the
 * provider reads them again (a batch every 50 ms) and redraws only the parents concerned.
 * Nodes are interned by id, so an update keeps the objects VS Code holds (expansion, selection
 * and `reveal` keep working, and `onDidChangeTreeData` can name them). Failures become error
 * nodes with a Retry action; nothing is shown as a modal.
 *
 * What is shown decides what is watched: a live parent holds a cache lease while it is expanded
 * and the view visible (see liveUpdates.ts).
 */
import * as vscode from 'vscode';
import type { Log } from '../common/log';
import { Disposable } from '../common/lifecycle';
import { KubeError } from '../errors/kubeError';
import { describeKubeError } from '../errors/describe';
import type { ClusterSession } from '../kube/session';
import type { TreeLoader, Note } from './loaders';
import { LiveUpdates } from './liveUpdates';
import { contextOf, isParentNode, nodeId, type ErrorNode, type InfoNode, type LoadMoreNode, type ParentNode, type TreeNode } from './model';
import { withTreeProgress } from './progress';
import { renderNode } from './render';

export const VIEW_ID = 'k8sTokens.serviceAccounts';

interface ChildrenState {
  /** The node these children were loaded for: their `parent`. */
  owner: ParentNode;
  nodes: TreeNode[];
  notes: InfoNode[];
  /** How many children are shown (display paging over cached data). */
  shown: number;
  more?: LoadMoreNode;
  live: boolean;
  /** The load failed: the only child shown. */
  error?: ErrorNode;
}

const within = (key: string, k: string): boolean => k === key || k.startsWith(`${key}/`);

export class ServiceAccountTreeProvider extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = this.register(new vscode.EventEmitter<TreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private roots: TreeNode[] | undefined;
  private readonly states = new Map<string, ChildrenState>();
  private readonly interned = new Map<string, TreeNode>();
  private readonly inflight = new Map<string, { promise: Promise<void>; controller: AbortController }>();
  /** getChildren calls running, by parent id ('' for the root). */
  private readonly fetching = new Map<string, number>();
  /** Redraws held back until the fetches they would race with are done. */
  private readonly deferred = new Map<string, ParentNode>();
  readonly live: LiveUpdates;

  constructor(
    private readonly session: ClusterSession,
    private readonly loader: TreeLoader,
    private readonly log: Log,
    private readonly pageSize: () => number,
    /** Called with the number of contexts each time the root is read (for the welcome view). */
    private readonly onRoots: (contextCount: number) => void,
  ) {
    super();
    this.live = this.register(new LiveUpdates((keys) => this.reloadLive(keys), () => [...this.states.entries()].filter(([, st]) => st.live).map(([k, st]) => ({ key: k, owner: st.owner }))));
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
    this.fetching.set(key, (this.fetching.get(key) ?? 0) + 1);
    try {
      return await this.children(node, key);
    } finally {
      const n = (this.fetching.get(key) ?? 1) - 1;
      if (n > 0) this.fetching.set(key, n);
      else this.fetching.delete(key);
      for (const [k, owner] of [...this.deferred]) {
        if (this.blocked(k)) continue;
        this.deferred.delete(k);
        this.changed.fire(owner);
      }
    }
  }

  /**
   * VS Code's extension-host tree clears a parent's children when it starts fetching them and
   * registers the new ones when the fetch ends; a redraw of that parent, an ancestor or a
   * descendant in between makes it register an id twice ("Element with id … is already
   * registered") and drop the update. So a redraw waits for the fetches it overlaps.
   */
  private blocked(key: string): boolean {
    for (const f of this.fetching.keys()) if (within(key, f) || within(f, key)) return true;
    return false;
  }

  private redraw(owner: ParentNode): void {
    const key = nodeId(owner);
    if (this.blocked(key)) this.deferred.set(key, owner);
    else this.changed.fire(owner);
  }

  private async children(node: ParentNode, key: string): Promise<TreeNode[]> {
    // A refresh during the load (e.g. a kubeconfig file changed) drops its result: load again,
    // so callers never see an empty list that only means "interrupted".
    for (let attempt = 0; attempt < 3 && !this.states.has(key); attempt++) await this.load(node, this.pageSize(), true);
    const st = this.states.get(key);
    if (!st) return [];
    if (st.error) return [st.error];
    const tail: TreeNode[] = st.more ? [st.more] : [];
    return [...st.notes, ...st.nodes, ...tail];
  }

  /**
   * Forgets cached children (all, or of `node` and below) and asks VS Code to re-read them.
   * `relist`: the user asked (Refresh): the caches list everything again too.
   */
  refresh(node?: TreeNode, opts: { relist?: boolean } = {}): void {
    const target = node && !isParentNode(node) ? node.parent : node;
    if (!target) {
      if (opts.relist) this.relistCaches();
      for (const f of this.inflight.values()) f.controller.abort();
      this.inflight.clear();
      this.states.clear();
      this.interned.clear();
      this.live.releaseAll();
      this.roots = undefined;
      this.changed.fire(undefined);
      return;
    }
    if (opts.relist) this.relistCaches(contextOf(target));
    this.forget(nodeId(target));
    this.changed.fire(target);
  }

  private relistCaches(context?: string): void {
    try {
      const conns = this.session.connections();
      for (const c of conns.kubeconfigs.contexts) if (!context || c.name === context) conns.cache(c.name).relist();
    } catch (e) {
      this.log.warn(`tree: refreshing the caches failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Drops the children of the node with id `key` and of everything below it, loaded or loading. */
  private forget(key: string): void {
    for (const [k, f] of this.inflight) {
      if (within(key, k)) {
        f.controller.abort();
        this.inflight.delete(k);
      }
    }
    for (const k of [...this.states.keys()]) if (within(key, k)) this.states.delete(k);
    this.live.release(key);
  }

  /** The node VS Code holds for an id (the one it was given), if it was shown. */
  nodeFor(key: string): TreeNode | undefined {
    return this.interned.get(key);
  }

  /** Names of the namespaces loaded so far, for the filter quick pick. */
  knownNamespaces(): string[] {
    const names = new Set<string>();
    for (const st of this.states.values()) for (const n of st.nodes) if (n.kind === 'namespace') names.add(n.name);
    return [...names];
  }

  /** Retry of an error node: ask the caches to list again, and reload the parent. */
  async retry(node: TreeNode): Promise<void> {
    if (node.kind === 'kubeconfigProblem') return this.session.reload(); // session.onDidChange refreshes the tree
    this.refresh(node.parent, { relist: true });
  }

  /** Shows another page of `parent`'s children (the "Load more…" node). */
  async loadMore(parent: ParentNode): Promise<void> {
    const st = this.states.get(nodeId(parent));
    if (!st?.more) return;
    await this.load(st.owner, st.shown + this.pageSize(), false);
    this.redraw(st.owner);
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
        for (const r of this.roots) this.interned.set(nodeId(r), r);
        this.onRoots(loaded.contexts.length);
      } catch (e) {
        this.log.error('reading kubeconfig files', e);
        this.roots = [this.errorNode(e, undefined)];
        this.onRoots(0);
      }
    }
    return this.roots;
  }

  /** The node with this id: the object already shown, updated with the new data, or `node` itself. */
  private intern<T extends TreeNode>(node: T): T {
    const key = nodeId(node);
    const existing = this.interned.get(key);
    if (existing && existing.kind === node.kind) return Object.assign(existing, node) as T;
    this.interned.set(key, node);
    return node;
  }

  /** Loads (or reloads) the children of `parent`; `progress` shows the view's progress bar. */
  private load(parent: ParentNode, shown: number, progress: boolean): Promise<void> {
    const key = nodeId(parent);
    const running = this.inflight.get(key);
    if (running) return running.promise;
    const controller = new AbortController();
    const promise = (async () => {
      let st: ChildrenState;
      try {
        const work = (signal: AbortSignal): ReturnType<TreeLoader['load']> => this.loader.load(parent, shown, signal);
        const r = progress ? await withTreeProgress(VIEW_ID, this.progressTitle(parent), controller, work) : await work(controller.signal);
        if (this.inflight.get(key)?.controller !== controller) {
          r.lease?.dispose();
          return;
        }
        const nodes = r.nodes.map((n) => this.intern(n));
        st = { owner: parent, nodes, notes: this.notes(parent, r.notes), shown, live: r.live === true, more: r.more ? { kind: 'loadMore', parent } : undefined };
        this.live.hold(key, r.lease, contextOf(parent));
      } catch (e) {
        // Parents read from the cache stay live when they fail: once the cache lists again (its
        // retries, or a Retry), the error gives way to the data by itself.
        const live = parent.kind !== 'groupBindings' && !(parent.kind === 'folder' && parent.folder === 'bindings');
        st = { owner: parent, nodes: [], notes: [], shown, live, error: this.errorNode(e, parent) };
      }
      // A refresh during the load replaced or dropped this request: its result is stale.
      if (this.inflight.get(key)?.controller !== controller) return;
      this.inflight.delete(key);
      const before = this.states.get(key);
      this.states.set(key, st);
      // Children that are gone (a deleted ServiceAccount): drop what was cached below them.
      const now = new Set(st.nodes.map((n) => nodeId(n)));
      for (const old of before?.nodes ?? []) {
        const id = nodeId(old);
        if (!now.has(id)) {
          this.forget(id);
          for (const k of [...this.interned.keys()]) if (within(id, k)) this.interned.delete(k);
        }
      }
    })();
    this.inflight.set(key, { promise, controller });
    return promise;
  }

  /** Reads these live parents again (the cache or the kept tokens changed) and redraws them. */
  private async reloadLive(keys: string[]): Promise<void> {
    const reloaded: ParentNode[] = [];
    for (const key of keys.sort((a, b) => a.length - b.length)) {
      const st = this.states.get(key);
      if (!st?.live) continue;
      await this.load(st.owner, st.shown, false);
      if (this.states.has(key)) reloaded.push(st.owner);
    }
    // Firing a parent redraws its subtree; children of a redrawn parent need no event of their own.
    const ids = reloaded.map((n) => nodeId(n));
    for (const n of reloaded) if (!ids.some((id) => id !== nodeId(n) && within(id, nodeId(n)))) this.redraw(n);
  }

  private notes(parent: ParentNode, notes: Note[] | undefined): InfoNode[] {
    return (notes ?? []).map((n, index) => ({ kind: 'info', message: n.message, tooltip: n.tooltip, warning: n.warning, index, parent }));
  }

  private errorNode(e: unknown, parent: ParentNode | undefined): ErrorNode {
    if (!KubeError.is(e, 'cancelled')) this.log.warn(`tree: loading ${nodeId(parent) || 'contexts'} failed: ${e instanceof Error ? e.message : String(e)}`);
    return {
      kind: 'error',
      message: describeKubeError(e, parent ? contextOf(parent) : undefined),
      errorKind: KubeError.is(e) ? e.kind : 'other',
      permission: KubeError.is(e) ? e.permission : undefined,
      retry: 'children',
      index: 0,
      parent,
    };
  }

  private progressTitle(parent: ParentNode): string {
    switch (parent.kind) {
      case 'context':
        return vscode.l10n.t('Loading namespaces of {0}…', parent.entry.name);
      case 'namespace':
        return vscode.l10n.t('Loading ServiceAccounts in {0}…', parent.name);
      case 'serviceAccount':
        return vscode.l10n.t('Loading {0}…', parent.sa.name);
      default:
        return vscode.l10n.t('Loading {0}…', parent.parent.kind === 'serviceAccount' ? parent.parent.sa.name : parent.parent.parent.sa.name);
    }
  }
}
