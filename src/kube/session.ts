import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Config } from '../common/config';
import type { Log } from '../common/log';
import type * as kubeIndex from './index';
import type { KubeConnections } from './index';

/** The type of dist/kube.js. A type-only import: nothing of it is bundled into extension.js. */
export type KubeModule = typeof kubeIndex;

// esbuild defines this as './kube.js' for the extension bundle. In tsc-compiled tests it is
// undefined and the module sits beside this file as ./index.js.
declare const KUBE_MODULE_PATH: string | undefined;

function requireKubeModule(): KubeModule {
  const target = typeof KUBE_MODULE_PATH === 'string' ? path.join(__dirname, KUBE_MODULE_PATH) : './index';
  // A computed require keeps esbuild from inlining the cluster layer into the activation bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(target) as KubeModule;
}

/**
 * The extension's view of the clusters: loads the cluster layer lazily, keeps one
 * KubeConnections for the current kubeconfig files and settings, and rebuilds it when they change.
 */
export class ClusterSession implements vscode.Disposable {
  private mod: KubeModule | undefined;
  private conns: KubeConnections | undefined;
  private watchers: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when kubeconfig files or connection settings change. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly config: Config,
    private readonly log: Log,
  ) {}

  /** True once dist/kube.js has been loaded (the activation benchmark checks it stays false). */
  get isLoaded(): boolean {
    return this.mod !== undefined;
  }

  module(): KubeModule {
    if (!this.mod) {
      const started = Date.now();
      this.mod = requireKubeModule();
      this.mod.configureL10n(vscode.l10n.bundle);
      this.log.info(`cluster layer loaded in ${Date.now() - started} ms`);
    }
    return this.mod;
  }

  connections(): KubeConnections {
    if (!this.conns) {
      const mod = this.module();
      // In a workspace that is not trusted, only the user's kubeconfig paths count (Restricted Mode).
      const trusted = vscode.workspace.isTrusted;
      const { paths, ignored } = this.config.kubeconfigPathsDecision(trusted);
      this.conns = mod.KubeConnections.fromEnvironment(
        paths,
        {
          timeoutMs: this.config.requestTimeoutMs,
          log: (line) => this.log.trace(line),
        },
        process.env,
        trusted ? undefined : { files: ignored },
      );
      for (const p of this.conns.kubeconfigs.problems) this.log.warn(`kubeconfig ${p.file}: ${p.message}`);
      if (ignored.length) this.log.warn(`Restricted Mode: not reading kubeconfig files from workspace settings: ${ignored.join(', ')}`);
      this.watch(this.conns.files);
    }
    return this.conns;
  }

  /** Drops cached connections so the next call re-reads kubeconfig files and settings. */
  reload(): void {
    this.conns?.dispose();
    this.conns = undefined;
    this.changed.fire();
  }

  private watch(files: readonly string[]): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = files.map((f) => {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(f)), path.basename(f)));
      const onChange = (): void => this.reload();
      w.onDidChange(onChange);
      w.onDidCreate(onChange);
      w.onDidDelete(onChange);
      return w;
    });
  }

  /** An AbortSignal that aborts when the token is cancelled. Dispose the result when done. */
  static signalFor(token: vscode.CancellationToken | undefined): { signal: AbortSignal | undefined; dispose(): void } {
    if (!token) return { signal: undefined, dispose: () => undefined };
    const ctrl = new AbortController();
    if (token.isCancellationRequested) ctrl.abort();
    const sub = token.onCancellationRequested(() => ctrl.abort());
    return { signal: ctrl.signal, dispose: () => sub.dispose() };
  }

  dispose(): void {
    this.conns?.dispose();
    for (const w of this.watchers) w.dispose();
    this.changed.dispose();
  }
}
