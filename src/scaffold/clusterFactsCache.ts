/**
 * Cached cluster lookups for the YAML diagnostics: the current context's API audiences, its longest
 * token lifetime, the ServiceAccount names and legacy token Secret names of a namespace. Concurrent
 * asks share one request; answers (failures too, as "unknown") are kept for a while, so typing never
 * triggers a request per keystroke. Lookups run only once the cluster layer is loaded (the user is
 * connected): diagnostics alone never load it.
 *
 * API audiences: what a token minted from the context defaulted to (src/kube/tokenDefaults.ts), else
 * one dry-run TokenRequest for `default` of the context's namespace (a 600 s token, dropped), else
 * the issuer from discovery, which is only one of them when --api-audiences lists several.
 */
import type { Services } from '../services';
import { providerOfIssuer } from '../jwt/providers';
import type { ClusterFacts } from './clusterChecks';

const AUDIENCES_TTL_MS = 30 * 60_000;
const ISSUER_TTL_MS = 30 * 60_000;
const SERVICE_ACCOUNTS_TTL_MS = 15_000;

export interface FactsRequest {
  /** Namespaces whose ServiceAccounts are needed, given the default namespace. */
  namespaces: (defaultNamespace: string) => string[];
  /** Namespaces whose legacy token Secret names are needed. */
  secretNamespaces: (defaultNamespace: string) => string[];
  wantAudiences: boolean;
  wantMaxLifetime: boolean;
}

interface Entry<T> {
  at: number;
  value: Promise<T | undefined>;
}

export class ClusterFactsCache {
  private readonly entries = new Map<string, Entry<unknown>>();

  constructor(private readonly services: Services) {}

  clear(): void {
    this.entries.clear();
  }

  private cached<T>(key: string, ttl: number, load: () => Promise<T>): Promise<T | undefined> {
    const hit = this.entries.get(key) as Entry<T> | undefined;
    if (hit && Date.now() - hit.at < ttl) return hit.value;
    const value = load().catch((e: unknown) => {
      // Not reachable, not allowed, not served: the check is skipped quietly.
      this.services.log.trace(`diagnostics lookup ${key} failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    });
    this.entries.set(key, { at: Date.now(), value });
    return value;
  }

  /** Facts for the current context, or undefined when not connected. */
  async facts(request: FactsRequest): Promise<ClusterFacts | undefined> {
    const session = this.services.session;
    if (!session.isLoaded) return undefined;
    const loaded = session.connections().kubeconfigs;
    const context = loaded.currentContext;
    if (!context || !loaded.contexts.some((c) => c.name === context)) return undefined;
    const defaultNamespace = loaded.contexts.find((c) => c.name === context)?.namespace ?? 'default';
    const kube = session.module();
    const client = session.connections().client(context);
    const names = (path: string) => async () => (await kube.listAll<{ metadata?: { name?: string } }>(client, path)).map((s) => s.metadata?.name ?? '');
    const byNamespace = async (namespaces: string[], kind: string, load: (ns: string) => () => Promise<string[]>): Promise<Map<string, readonly string[]>> => {
      const lists = await Promise.all(namespaces.map((ns) => this.cached(`${context}\u0000${kind}\u0000${ns}`, SERVICE_ACCOUNTS_TTL_MS, load(ns))));
      const out = new Map<string, readonly string[]>();
      namespaces.forEach((ns, i) => {
        const list = lists[i];
        if (list) out.set(ns, list);
      });
      return out;
    };
    const issuer = (): Promise<string | undefined> => this.cached(`${context}\u0000issuer`, ISSUER_TTL_MS, async () => (await kube.fetchDiscovery(client)).issuer);
    const audiences = async (): Promise<ClusterFacts['apiAudiences']> => {
      const learnt = kube.learntTokenDefaults(client).apiAudiences;
      if (learnt?.length) return { values: learnt, source: 'token' };
      const probed = await this.cached(`${context}\u0000audiences`, AUDIENCES_TTL_MS, () => kube.probeApiAudiences(client, defaultNamespace));
      if (probed?.length) return { values: probed, source: 'token' };
      const iss = await issuer();
      return iss ? { values: [iss], source: 'issuer' } : undefined;
    };
    const maxLifetime = async (): Promise<ClusterFacts['maxTokenSeconds']> => {
      const clamp = kube.learntTokenDefaults(client).maxSeconds;
      if (clamp) return { seconds: clamp, source: 'clamp' };
      const p = providerOfIssuer(await issuer());
      return p?.maxTokenSeconds.known ? { seconds: p.maxTokenSeconds.value, source: 'provider', provider: p.name } : undefined;
    };
    const [apiAudiences, maxTokenSeconds, serviceAccounts, legacyTokenSecrets] = await Promise.all([
      request.wantAudiences ? audiences() : Promise.resolve(undefined),
      request.wantMaxLifetime ? maxLifetime() : Promise.resolve(undefined),
      byNamespace(request.namespaces(defaultNamespace), 'sa', (ns) => names(`/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts`)),
      byNamespace(request.secretNamespaces(defaultNamespace), 'legacy', (ns) => async () => (await kube.listTokenSecrets(client, ns)).map((s) => s.name)),
    ]);
    return { context, defaultNamespace, apiAudiences, maxTokenSeconds, serviceAccounts, legacyTokenSecrets };
  }
}
