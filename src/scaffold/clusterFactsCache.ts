/**
 * Cached cluster lookups for the YAML diagnostics: the current context's API audiences and the
 * ServiceAccount names of a namespace. Concurrent asks share one request; answers (failures too,
 * as "unknown") are kept for a while, so typing never triggers a request per keystroke. Lookups
 * run only once the cluster layer is loaded (the user is connected): diagnostics alone never load it.
 */
import type { Services } from '../services';
import type { ClusterFacts } from './clusterChecks';

const AUDIENCES_TTL_MS = 5 * 60_000;
const SERVICE_ACCOUNTS_TTL_MS = 15_000;

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
  async facts(namespaces: (defaultNamespace: string) => string[], wantAudiences: boolean): Promise<ClusterFacts | undefined> {
    const session = this.services.session;
    if (!session.isLoaded) return undefined;
    const loaded = session.connections().kubeconfigs;
    const context = loaded.currentContext;
    if (!context || !loaded.contexts.some((c) => c.name === context)) return undefined;
    const defaultNamespace = loaded.contexts.find((c) => c.name === context)?.namespace ?? 'default';
    const kube = session.module();
    const client = session.connections().client(context);
    const wanted = namespaces(defaultNamespace);
    const [apiAudiences, lists] = await Promise.all([
      wantAudiences ? this.cached(`${context}\u0000audiences`, AUDIENCES_TTL_MS, () => kube.apiAudiences(client)) : Promise.resolve(undefined),
      Promise.all(wanted.map((ns) => this.cached(`${context}\u0000sa\u0000${ns}`, SERVICE_ACCOUNTS_TTL_MS, async () => (await kube.listAll<{ metadata?: { name?: string } }>(client, `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts`)).map((s) => s.metadata?.name ?? '')))),
    ]);
    const serviceAccounts = new Map<string, readonly string[]>();
    wanted.forEach((ns, i) => {
      const names = lists[i];
      if (names) serviceAccounts.set(ns, names);
    });
    return { context, defaultNamespace, apiAudiences, serviceAccounts };
  }
}
