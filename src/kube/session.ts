import * as path from 'node:path';
import * as vscode from 'vscode';
import { configureCodeCache, requireCached } from '../loader/codeCache';
import type { Config } from '../common/config';
import type { Log } from '../common/log';
import type * as kubeIndex from './index';
import type { KubeConnections } from './index';

/** The type of dist/kube.js. A type-only import: nothing of it is bundled into extension.js. */
export type KubeModule = typeof kubeIndex;

// esbuild defines this as './kube.js' for the extension bundle. In tsc-compiled tests it is
// undefined and the module sits beside this file as ./index.js.
declare const KUBE_MODULE_PATH: string | undefined;

function requireKubeModule(codeCacheDir: string | undefined): KubeModule {
  if (typeof KUBE_MODULE_PATH !== 'string') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('./index') as KubeModule;
  }
  // A computed require keeps esbuild from inlining the cluster layer into the activation bundle.
  const mod = requireCached(path.join(__dirname, KUBE_MODULE_PATH)) as KubeModule;
  mod.configureCodeCache(codeCacheDir); // its own copy, for dist/yaml.js
  return mod;
}

/**
 * The extension's view of the clusters: loads the cluster layer lazily, keeps one
 * KubeConnections for the current kubeconfig files and settings, and rebuilds it when they change.
 */
export class ClusterSession implements vscode.Disposable {
  private mod: KubeModule | undefined;
  private conns: KubeConnections | undefined;
  private watchers: vscode.Disposable[] = [];
  private warming: NodeJS.Timeout | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when kubeconfig files or connection settings change. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly config: Config,
    private readonly log: Log,
    /** Where V8 code caches of dist/kube.js and dist/yaml.js are kept (the extension's global storage). */
    private readonly codeCacheDir?: string,
  ) {
    // Also for this bundle's own yaml() (scaffolding, export), which may load dist/yaml.js first.
    configureCodeCache(codeCacheDir);
  }

  /** True once dist/kube.js has been loaded (the activation benchmark checks it stays false). */
  get isLoaded(): boolean {
    return this.mod !== undefined;
  }

  module(): KubeModule {
    if (!this.mod) {
      const started = Date.now();
      this.mod = requireKubeModule(this.codeCacheDir);
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
          // Exec plugins' stderr (redacted by the cluster layer) and token files that vanished.
          warn: (line) => this.log.warn(line),
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

  /**
   * Loads the cluster layer and reads the kubeconfig files soon, off the caller's event, so that
   * the first command that needs them (a mint from the view) finds them ready. Idempotent; a
   * failure is left for that command to report.
   */
  warm(): void {
    if (this.warming || this.conns) return;
    this.warming = setTimeout(() => {
      this.warming = undefined;
      try {
        this.connections();
      } catch (e) {
        this.log.trace(`warming the cluster layer failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }, 0);
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
    clearTimeout(this.warming);
    this.conns?.dispose();
    for (const w of this.watchers) w.dispose();
    this.changed.dispose();
  }
}
