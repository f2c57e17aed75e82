/**
 * Entry of dist/kube.js, the cluster layer. The extension requires this bundle on first cluster
 * use (see session.ts), never at activation. Nothing here imports `vscode`, so the same code runs
 * in plain Node tests against the test API server.
 */
import * as l10n from '@vscode/l10n';
import { ContextClient, defaultClientOptions, type ClientOptions } from './http';
import { KubeError } from '../errors/kubeError';
import { defaultKubeconfigFiles, loadKubeconfigs, type LoadedKubeconfigs } from './kubeconfig';

export { ContextClient, parseWarnings, sleep } from './http';
export type { KubeRequest, KubeResponse, ClientOptions } from './http';
export { KubeError, errorFromResponse, errorFromNetwork, parseForbiddenMessage } from '../errors/kubeError';
export { defaultKubeconfigFiles, loadKubeconfigs } from './kubeconfig';
export type { ContextEntry, KubeconfigProblem, LoadedKubeconfigs } from './kubeconfig';

/**
 * dist/kube.js carries its own copy of @vscode/l10n, so the messages it builds (src/errors/describe.ts
 * and the doctor findings) are translated only once the host hands over the bundle VS Code chose.
 */
export function configureL10n(contents: l10n.l10nJsonFormat | undefined): void {
  if (contents) l10n.config({ contents });
}

/** The kubeconfig files in effect and one cached client per context. */
export class KubeConnections {
  private loaded: LoadedKubeconfigs;
  private readonly clients = new Map<string, ContextClient>();

  constructor(
    readonly files: readonly string[],
    private readonly options: ClientOptions = defaultClientOptions,
  ) {
    this.loaded = loadKubeconfigs(files);
  }

  /** Builds connections from $KUBECONFIG (or ~/.kube/config) plus extra files. */
  static fromEnvironment(extraFiles: readonly string[], options?: Partial<ClientOptions>, env: NodeJS.ProcessEnv = process.env): KubeConnections {
    return new KubeConnections(defaultKubeconfigFiles(env, extraFiles), { ...defaultClientOptions, ...options });
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
      throw new KubeError({ kind: 'kubeconfig', message: problem?.message ?? `No context named "${context}" in ${this.files.join(', ')}.` });
    }
    c = new ContextClient(context, kc, this.options);
    this.clients.set(context, c);
    return c;
  }

  dispose(): void {
    for (const c of this.clients.values()) c.dispose();
    this.clients.clear();
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
export * from './pods';
