/**
 * Entry of dist/kube.js, the cluster layer. The extension requires this bundle on first cluster
 * use (see session.ts), never at activation. Nothing here imports `vscode`, so the same code runs
 * in plain Node tests against the test API server.
 */
import * as l10n from '@vscode/l10n';
import { ExecPlugins } from './credentials';
import { ClusterCache, type ClusterCacheOptions } from './clusterCache';
import { ContextClient, defaultClientOptions, type ClientOptions } from './http';
import { KubeError } from '../errors/kubeError';
import { defaultKubeconfigFiles, loadKubeconfigs, type LoadedKubeconfigs } from './kubeconfig';

export { ContextClient, parseWarnings, sleep } from './http';
export type { KubeRequest, KubeResponse, ClientOptions } from './http';
export { KubeError, errorFromResponse, errorFromNetwork, parseForbiddenMessage } from '../errors/kubeError';
export { defaultKubeconfigFiles, loadKubeconfigs } from './kubeconfig';
export { configureCodeCache, flushCodeCache } from '../loader/codeCache';
export type { ContextEntry, KubeconfigProblem, LoadedKubeconfigs, ResolvedContext } from './kubeconfig';

/**
 * dist/kube.js carries its own copy of @vscode/l10n, so the messages it builds (src/errors/describe.ts
 * and the doctor findings) are translated only once the host hands over the bundle VS Code chose.
 */
export function configureL10n(contents: l10n.l10nJsonFormat | undefined): void {
  if (contents) l10n.config({ contents });
}

/**
 * The kubeconfig files in effect, one cached client per context, and the watch caches that live
 * as long as these connections (rust-analyzer's per-client cleanup scope: a session reload
 * disposes them, aborting their watches, before it disposes the clients).
 */
export class KubeConnections {
  private loaded: LoadedKubeconfigs;
  private readonly clients = new Map<string, ContextClient>();
  /** Exec plugins shared by the clients (two contexts of one user run its plugin once); killed on dispose. */
  private readonly execPlugins: ExecPlugins;
  private readonly caches = new Map<string, ClusterCache>();
  /** Options of the caches made from now on (tests shorten the linger time). */
  cacheOptions: ClusterCacheOptions;

  constructor(
    readonly files: readonly string[],
    private readonly options: ClientOptions = defaultClientOptions,
    /**
     * Set in an untrusted workspace (Restricted Mode): kubeconfig files of the workspace's settings
     * are not read. `files` lists those known (VS Code usually hides them from the extension too).
     */
    readonly restricted?: { readonly files: readonly string[] },
  ) {
    this.loaded = loadKubeconfigs(files);
    this.execPlugins = new ExecPlugins({ warn: options.warn });
    this.cacheOptions = { log: options.log };
  }

  /** Builds connections from $KUBECONFIG (or ~/.kube/config) plus extra files. */
  static fromEnvironment(extraFiles: readonly string[], options?: Partial<ClientOptions>, env: NodeJS.ProcessEnv = process.env, restricted?: { readonly files: readonly string[] }): KubeConnections {
    return new KubeConnections(defaultKubeconfigFiles(env, extraFiles), { ...defaultClientOptions, ...options }, restricted);
  }

  get kubeconfigs(): LoadedKubeconfigs {
    return this.loaded;
  }

  client(context: string): ContextClient {
    let c = this.clients.get(context);
    if (c) return c;
    const kc = this.loaded.configFor(context);
    if (!kc) {
      const problem = this.loaded.problems.find((p) => p.message.includes(`"${context}"`));
      // The context may be defined in a workspace's kubeconfig: say why it was not read.
      const files = this.restricted?.files ?? [];
      const restricted = !this.restricted
        ? ''
        : ' ' +
          (files.length
            ? l10n.t("This workspace's setting k8sTokens.kubeconfigPaths also names {0}, which is not read in Restricted Mode: its exec plugins would run programs chosen by the workspace. Trust the workspace to use it.", files.join(', '))
            : l10n.t("Kubeconfig files named in this workspace's settings are not read in Restricted Mode: their exec plugins would run programs chosen by the workspace. Trust the workspace to use them."));
      throw new KubeError({ kind: 'kubeconfig', message: (problem?.message ?? `No context named "${context}" in ${this.files.join(', ')}.`) + restricted });
    }
    c = new ContextClient(context, kc, this.options, this.execPlugins);
    this.clients.set(context, c);
    return c;
  }

  /** The live cache of what the ServiceAccounts view shows of a context. */
  cache(context: string): ClusterCache {
    let c = this.caches.get(context);
    if (!c) this.caches.set(context, (c = new ClusterCache(this.client(context), this.cacheOptions)));
    return c;
  }

  dispose(): void {
    for (const c of this.caches.values()) c.dispose();
    this.caches.clear();
    for (const c of this.clients.values()) c.dispose();
    this.clients.clear();
    this.execPlugins.dispose();
  }
}
export * from './reviews';
export * from './serviceAccounts';
export * from './bindings';
export * from './tokenRequest';
export * from './tokenDefaults';
export * from './secrets';
export * from './oidc';
export * from './doctor';
export * from './permissions';
export * from './discovery';
export * from './apply';
export * from './workloads';
export * from './legacyTokens';
export { ClusterCache } from './clusterCache';
export type { CacheChange, ClusterCacheOptions, Lease, NamespaceContents } from './clusterCache';
export { Reflector, Backoff, systemClock } from './reflector';
export type { Clock, ListerWatcher, ListPage, ReflectorOptions, ReflectorState, WatchEvent } from './reflector';
export { KeyedStore } from './watchStore';
export type { Item, StoreEvent } from './watchStore';
export { collectionListerWatcher, jsonLines, toWatchEvent } from './watch';
export * from './federation';
export * from './pods';
