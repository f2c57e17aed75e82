/**
 * What the ServiceAccounts view shows of one context, kept live by reflectors: namespaces,
 * ServiceAccounts, token Secrets (type kubernetes.io/service-account-token only, by field
 * selector) and the Secrets revocable tokens are bound to (by label). ServiceAccounts and Secrets
 * are watched cluster-wide when a SelfSubjectAccessReview says the user may list them in every
 * namespace (one list+watch instead of two requests per namespace), else per expanded namespace.
 *
 * Reflectors run only while something shows their data: the view takes a lease per namespace it
 * shows and releases it when the namespace is collapsed or the view hidden; a reflector stops 30 s
 * after its last lease (so collapse + expand does not relist) and resumes from its resourceVersion.
 * KubeConnections owns one cache per context and disposes it before its clients, so a session
 * reload aborts every watch.
 */
import { KubeError } from '../errors/kubeError';
import type { ContextClient } from './http';
import { Reflector, systemClock, type Clock, type ReflectorOptions } from './reflector';
import { selfAccessReview } from './reviews';
import { REVOCABLE_LABEL, toRevocableSecret, type RevocableSecretInfo } from './secrets';
import { SA_TOKEN_SECRET_TYPE, toNamespace, toServiceAccount, toTokenSecret, type NamespaceInfo, type ServiceAccountInfo, type TokenSecretInfo } from './serviceAccounts';
import { collectionListerWatcher, type Convert, type RawObject } from './watch';

export interface NamespaceContents {
  serviceAccounts: ServiceAccountInfo[];
  /** The token Secrets, or why they cannot be shown (e.g. no permission to list Secrets). */
  tokenSecrets: TokenSecretInfo[] | KubeError;
  revocableSecrets: RevocableSecretInfo[] | KubeError;
}

/** What changed: the namespace list, the contents of these namespaces, or (after a list) possibly any. */
export interface CacheChange {
  namespaces: boolean;
  contents: ReadonlySet<string>;
  /** A list was stored: anything of this kind may differ, including namespaces that were empty. */
  relisted: boolean;
}

export interface Lease {
  dispose(): void;
}

export interface ClusterCacheOptions {
  /** How long a reflector keeps running after its last lease; default 30 s. */
  lingerMs?: number;
  pageSize?: number;
  minWatchTimeoutSeconds?: number;
  clock?: Clock;
  log?: (line: string) => void;
}

type Kind = 'serviceaccounts' | 'tokenSecrets' | 'revocableSecrets';

/** Where a kind is listed: every namespace at once, or one namespace at a time. */
interface Placement {
  clusterWide: boolean;
  watch: boolean;
}

const ns = (namespace: string): string => `/api/v1/namespaces/${encodeURIComponent(namespace)}`;

/** A reflector's key: what it lists, where (empty: every namespace) and whether it watches. */
const keyOf = (kind: Kind, p: Placement, namespace: string): string => `${kind}|${p.clusterWide ? '' : namespace}|${p.watch ? 'w' : 'l'}`;
const keysOf = (p: Record<Kind, Placement>, namespace: string): string[] => [keyOf('serviceaccounts', p.serviceaccounts, namespace), keyOf('tokenSecrets', p.tokenSecrets, namespace), keyOf('revocableSecrets', p.revocableSecrets, namespace)];

export class ClusterCache {
  private placement: Promise<Record<Kind, Placement>> | undefined;
  /** The placement once the access reviews answered (the common case: no await per namespace). */
  private placed: Record<Kind, Placement> | undefined;
  private readonly reflectors = new Map<string, Reflector<unknown>>();
  private readonly leases = new Map<string, number>();
  private readonly lingering = new Map<string, () => void>();
  private readonly listeners = new Set<(change: CacheChange) => void>();
  private readonly clock: Clock;
  private disposed = false;

  constructor(
    private readonly client: ContextClient,
    private readonly opts: ClusterCacheOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
  }

  onDidChange(listener: (change: CacheChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /**
   * Keeps the namespace list live until the lease is disposed. Whoever shows namespaces is about
   * to expand one: the access review and the cluster-wide lists start now, in parallel (they
   * stop again after the linger time if no namespace is expanded).
   */
  watchNamespaces(): Lease {
    const lease = this.lease(['namespaces|']);
    void this.scope().then(
      (p) => {
        for (const kind of Object.keys(p) as Kind[]) if (p[kind].clusterWide && !this.disposed) this.touch(keyOf(kind, p[kind], ''));
      },
      () => undefined, // the namespace's own load reports it
    );
    return lease;
  }

  /** Namespaces, once listed; throws the list's error (e.g. forbidden) if the first list failed. */
  async namespaces(signal?: AbortSignal): Promise<NamespaceInfo[]> {
    const r = this.reflector<NamespaceInfo>('namespaces|');
    this.touch('namespaces|');
    await r.waitForSync(signal);
    return r.store.list().map((i) => i.value);
  }

  /** Keeps one namespace's ServiceAccounts and Secrets live until the lease is disposed. */
  async watchNamespace(namespace: string, signal?: AbortSignal): Promise<Lease> {
    return this.lease(this.placed ? keysOf(this.placed, namespace) : await this.keysFor(namespace, signal));
  }

  /** ServiceAccounts and Secrets of a namespace; throws when ServiceAccounts cannot be listed. */
  async contents(namespace: string, signal?: AbortSignal): Promise<NamespaceContents> {
    const keys = this.placed ? keysOf(this.placed, namespace) : await this.keysFor(namespace, signal);
    for (const k of keys) this.touch(k);
    const listed = this.listedNow(namespace, keys);
    if (listed) return listed;
    const [saKey, tokenKey, revocableKey] = keys;
    const read = async <T>(key: string): Promise<T[]> => {
      const r = this.reflector<T>(key);
      await r.waitForSync(signal);
      return r.store.list(namespace).map((i) => i.value);
    };
    const orError = <T>(p: Promise<T[]>): Promise<T[] | KubeError> =>
      p.catch((e: unknown) => {
        if (KubeError.is(e) && e.kind !== 'cancelled') return e;
        throw e;
      });
    const [serviceAccounts, tokenSecrets, revocableSecrets] = await Promise.all([
      read<ServiceAccountInfo>(saKey),
      orError(read<TokenSecretInfo>(tokenKey)),
      orError(read<RevocableSecretInfo>(revocableKey)),
    ]);
    return { serviceAccounts, tokenSecrets, revocableSecrets };
  }

  /**
   * The contents straight from memory when all three lists are there: a view expanding 2,000
   * namespaces reads them 2,000 times, and the promise chain below costs more than the reading.
   */
  private listedNow(namespace: string, keys: string[]): NamespaceContents | undefined {
    const rs = keys.map((k) => this.reflectors.get(k));
    if (!rs.every((r) => r?.store.hasSynced)) return undefined;
    const [sa, tokens, revocable] = rs.map((r) => r?.store.list(namespace).map((i) => i.value) ?? []);
    return { serviceAccounts: sa as ServiceAccountInfo[], tokenSecrets: tokens as TokenSecretInfo[], revocableSecrets: revocable as RevocableSecretInfo[] };
  }

  /** Where ServiceAccounts and Secrets are listed from, decided once per cache ("cluster" or per namespace). */
  async scope(signal?: AbortSignal): Promise<Record<Kind, Placement>> {
    if (this.placed) return this.placed;
    this.placement ??= this.askPlacement(signal);
    try {
      return (this.placed = await this.placement);
    } catch (e) {
      this.placement = undefined;
      throw e;
    }
  }

  /** Keys of the reflectors that run now (`kind|namespace|w`), e.g. `serviceaccounts||w` for a cluster-wide watch. */
  running(): string[] {
    return [...this.reflectors].filter(([, r]) => r.running).map(([k]) => k);
  }

  /** A user's Refresh: ask again what may be listed, and list everything that runs again. */
  relist(): void {
    this.placement = undefined;
    this.placed = undefined;
    for (const [key, r] of this.reflectors) {
      if (r.running || r.state === 'failed' || r.state === 'listOnly') r.relist();
      if (!this.leases.get(key)) this.linger(key);
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const stop of this.lingering.values()) stop();
    this.lingering.clear();
    for (const r of this.reflectors.values()) r.stop();
    this.reflectors.clear();
    this.listeners.clear();
  }

  private async askPlacement(signal?: AbortSignal): Promise<Record<Kind, Placement>> {
    const may = async (verb: string, resource: string): Promise<boolean> => {
      try {
        return (await selfAccessReview(this.client, { verb, resource }, signal)).allowed;
      } catch (e) {
        // A cluster that forbids or does not serve access reviews: try per namespace; the
        // lists themselves will say what is not allowed.
        if (KubeError.is(e, 'forbidden') || KubeError.is(e, 'unsupported') || KubeError.is(e, 'notFound')) return false;
        throw e;
      }
    };
    const [listSa, watchSa, listSecrets, watchSecrets] = await Promise.all([may('list', 'serviceaccounts'), may('watch', 'serviceaccounts'), may('list', 'secrets'), may('watch', 'secrets')]);
    this.opts.log?.(`${this.client.context}: ServiceAccounts ${listSa ? 'cluster-wide' : 'per namespace'}, Secrets ${listSecrets ? 'cluster-wide' : 'per namespace'}`);
    const sa: Placement = { clusterWide: listSa, watch: !listSa || watchSa };
    const secrets: Placement = { clusterWide: listSecrets, watch: !listSecrets || watchSecrets };
    return { serviceaccounts: sa, tokenSecrets: secrets, revocableSecrets: secrets };
  }

  private async keysFor(namespace: string, signal?: AbortSignal): Promise<string[]> {
    return keysOf(await this.scope(signal), namespace);
  }

  private lease(keys: string[]): Lease {
    for (const k of keys) {
      this.leases.set(k, (this.leases.get(k) ?? 0) + 1);
      this.lingering.get(k)?.();
      this.lingering.delete(k);
      this.reflector(k).start();
    }
    let released = false;
    return {
      dispose: () => {
        if (released) return;
        released = true;
        for (const k of keys) {
          const n = (this.leases.get(k) ?? 1) - 1;
          if (n > 0) this.leases.set(k, n);
          else {
            this.leases.delete(k);
            this.linger(k);
          }
        }
      },
    };
  }

  /** A read without a lease: run the reflector, and stop it after the linger time unless leased. */
  private touch(key: string): void {
    const r = this.reflector(key);
    if (!r.running && r.state !== 'failed' && r.state !== 'listOnly') r.start();
    if (!this.leases.get(key)) this.linger(key);
  }

  private linger(key: string): void {
    if (this.disposed) return;
    this.lingering.get(key)?.();
    this.lingering.set(
      key,
      this.clock.timer(this.opts.lingerMs ?? 30_000, () => {
        this.lingering.delete(key);
        if (!this.leases.get(key)) this.reflectors.get(key)?.stop();
      }),
    );
  }

  private reflector<T>(key: string): Reflector<T> {
    let r = this.reflectors.get(key) as Reflector<T> | undefined;
    if (r) return r;
    const [kind, namespace, mode] = key.split('|');
    const opts: ReflectorOptions = {
      name: `${this.client.context} ${kind}${namespace ? ` in ${namespace}` : ''}`,
      pageSize: this.opts.pageSize,
      minWatchTimeoutSeconds: this.opts.minWatchTimeoutSeconds,
      watch: mode !== 'l',
      clock: this.clock,
      log: this.opts.log,
    };
    const base = namespace ? ns(namespace) : '/api/v1';
    const make = <R extends RawObject, V>(path: string, convert: Convert<R, V>, selectors?: Record<string, string>): Reflector<V> =>
      new Reflector(collectionListerWatcher(this.client, path, convert, selectors), opts);
    switch (kind) {
      case 'namespaces':
        r = make('/api/v1/namespaces', toNamespace) as unknown as Reflector<T>;
        break;
      case 'serviceaccounts':
        r = make(`${base}/serviceaccounts`, (o) => toServiceAccount(o)) as unknown as Reflector<T>;
        break;
      case 'tokenSecrets':
        r = make(`${base}/secrets`, toTokenSecret, { fieldSelector: `type=${SA_TOKEN_SECRET_TYPE}` }) as unknown as Reflector<T>;
        break;
      default:
        r = make(`${base}/secrets`, toRevocableSecret, { labelSelector: REVOCABLE_LABEL }) as unknown as Reflector<T>;
    }
    const isNamespaces = kind === 'namespaces';
    r.onChange((changed, relisted) => {
      const change: CacheChange = isNamespaces ? { namespaces: true, contents: new Set(), relisted } : { namespaces: false, contents: changed, relisted };
      for (const l of [...this.listeners]) l(change);
    });
    this.reflectors.set(key, r as Reflector<unknown>);
    return r;
  }
}
