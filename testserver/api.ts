/**
 * Public contract of the test API server. Tests and the demo import only from here and index.ts.
 *
 * `ClusterOptions`, `KubeconfigOptions` and `ClusterUnderTest` are BACKEND-NEUTRAL: the real
 * kube-apiserver launcher (realcluster/launcher, `startRealCluster`) takes and returns the same shapes,
 * so a differential test (test/differential) runs the same assertions against both. Everything else
 * here (`TestClusterOptions` beyond `ClusterOptions`, `TestCluster` beyond `ClusterUnderTest`: the
 * direct `store`, faults, `configure`, request counts, static tokens) is testserver-only.
 */

/** Token flags of kube-apiserver, named after them; both backends take these. */
export interface ClusterOptions {
  /** `--service-account-issuer` values; the first signs. Default ['https://kubernetes.default.svc.cluster.local']. */
  issuers?: string[];
  /** `--api-audiences`; default: all issuers. */
  apiAudiences?: string[];
  /** `--service-account-max-token-expiration` in seconds; 0 (default) means no cap. */
  maxTokenExpirationSeconds?: number;
  /** `--service-account-extend-token-expiration`; default true. */
  extendTokenExpiration?: boolean;
  /** Signing key type; default RS256. */
  keyType?: 'RS256' | 'ES256';
}

/**
 * A user that is not a ServiceAccount, with its groups (system:authenticated is added by the server).
 * The real server gets a client certificate (CN=name, O=group per group), the test server a static
 * bearer token; in both, RBAC applies to exactly this name and these groups.
 */
export interface ClusterUser {
  name: string;
  groups?: string[];
}

/** A PEM key pair (PKCS#8 private key, SPKI public key). */
export interface KeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
}

/**
 * The service-account keys of a cluster, for tests that forge tokens: `signing` signs (the
 * `--service-account-signing-key-file`), `trusted` is a second `--service-account-key-file` whose
 * tokens verify (in the JWKS too), `unknown` was never given to the server (its kid is unknown).
 */
export interface ServiceAccountKeys {
  signing: KeyPairPem;
  trusted: KeyPairPem;
  unknown: KeyPairPem;
}

export interface TestClusterOptions extends ClusterOptions {
  /**
   * Also trust a second key and keep a third the server never sees, like the real-cluster launcher:
   * the JWKS lists two keys and `serviceAccountKeys` is set. Off by default (key generation costs
   * about half a second); the differential suite turns it on.
   */
  serviceAccountKeys?: boolean;
  /**
   * `--service-account-signing-key-file` contents: a PEM private key (RSA or ECDSA P-256; PKCS#1, SEC1 or
   * PKCS#8). The alg follows the key type and `keyType` is ignored. Default: a fresh key per cluster.
   */
  signingKeyPem?: string;
  /** Seed data: 'demo' (default) is a small realistic cluster, 'empty' has only system objects. */
  seed?: 'demo' | 'empty';
  /** Adds `namespaces` namespaces with `serviceAccountsPerNamespace` SAs each (e.g. 2000 x 10). */
  bulk?: { namespaces: number; serviceAccountsPerNamespace: number };
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** Delay before the token controller fills a legacy token Secret; default 300 ms. */
  legacyTokenControllerDelayMs?: number;
  /**
   * Success cache of kube-apiserver's token authenticator (`TokenSuccessCacheTTL`): a successfully authenticated token keeps working this long even after its SA, pod or Secret is gone.
   * The real default is 10 s; default here 0 (off) so tests see revocation at once.
   */
  tokenSuccessCacheTtlMs?: number;
  /** Clock for token times, in ms since the epoch; default Date.now. Lets tests expire tokens. */
  now?: () => number;
  /**
   * How many changes a watch can resume from (kube-apiserver's watch cache history); a watch from
   * an older resourceVersion gets 410 Expired. Default 10,000.
   */
  watchHistoryEvents?: number;
  /** How often a watch with `allowWatchBookmarks` gets a BOOKMARK; default 60 s (cacher `defaultBookmarkFrequency`). */
  watchBookmarkIntervalMs?: number;
}

/** Fault injection, applied to every request until cleared (except the ones `match` excludes). */
export interface Fault {
  /**
   * `watchDrop`: a watch's connection is cut after `afterEvents` events (default 0: right after
   * the head). `watchExpired`: a watch answers one ERROR event with a 410 Expired Status, as
   * kube-apiserver does for a resourceVersion older than its history. Both affect only watch
   * requests (`?watch=true`); the other kinds affect any request.
   */
  kind: 'latency' | 'status429' | 'status500' | 'reset' | 'tokenRequest404' | 'watchDrop' | 'watchExpired';
  /** Only requests whose path contains this string are affected; default all. */
  pathIncludes?: string;
  /** latency: delay in ms. */
  delayMs?: number;
  /** status429: Retry-After seconds (default 1). */
  retryAfterSeconds?: number;
  /** Affect only the first N matching requests, then pass through; default unlimited. */
  times?: number;
  /**
   * status500: the text after "Internal error occurred: " in Status.message (default "injected
   * fault"): a hostile or careless server's message (a credential, 150 KB of text, bidi controls).
   */
  message?: string;
  /** watchDrop: events sent before the connection is cut. */
  afterEvents?: number;
}

export interface KubeconfigOptions {
  /** Context (and cluster/user) name; default 'test-admin'. */
  contextName?: string;
  /** Credentials: the cluster admin (default), or a bearer token (e.g. a minted SA token or userToken()). */
  token?: string;
  /** Credentials of this user instead of the admin (ignored when `token` is set); see `ClusterUser`. */
  user?: ClusterUser;
  /** Default namespace of the context. */
  namespace?: string;
  /** Write a CA that did NOT sign the server certificate (TLS failure tests). */
  wrongCa?: boolean;
  /** Point the context at this server URL instead (e.g. an unreachable port). */
  server?: string;
}

/** A Kubernetes object as stored (JSON). */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/** What every backend offers: the in-repo test server, a real kube-apiserver, (in part) any cluster. */
export interface ClusterUnderTest {
  /** Which server answers: the assertions are the same, the failure messages say which. */
  readonly backend: 'testserver' | 'kube-apiserver';
  /** https://127.0.0.1:PORT */
  readonly url: string;
  /** PEM of the CA that signed the serving certificate. */
  readonly caPem: string;
  /** The first issuer (the `iss` of minted tokens). */
  readonly issuer: string;
  /** All `--service-account-issuer` values. */
  readonly issuers: readonly string[];
  /** `--api-audiences` in effect (the default audiences of a TokenRequest). */
  readonly apiAudiences: readonly string[];
  /** `--service-account-max-token-expiration` in seconds; 0: no cap. */
  readonly maxTokenExpirationSeconds: number;
  /** `--service-account-extend-token-expiration`. */
  readonly extendTokenExpiration: boolean;
  /**
   * The service-account keys, for forging tokens: always on a real cluster, on the test server when
   * started with `serviceAccountKeys: true`; not known for an existing cluster.
   */
  readonly serviceAccountKeys?: ServiceAccountKeys;
  /** A kubeconfig YAML text for this cluster: one context, the admin unless `token`/`user` say otherwise. */
  kubeconfig(opts?: KubeconfigOptions): string;
  /** Writes kubeconfig(opts) to `file` (mode 0600) and returns the path. */
  writeKubeconfig(file: string, opts?: KubeconfigOptions): string;
  close(): Promise<void>;
}

export interface TestCluster extends ClusterUnderTest {
  readonly backend: 'testserver';
  /** Bearer token of the admin user (system:masters). */
  readonly adminToken: string;
  /** A static bearer token for a plain user with the given groups (plus system:authenticated). RBAC applies. */
  userToken(user: string, groups?: string[]): string;
  /** Direct access to stored objects, bypassing HTTP, RBAC and admission. */
  readonly store: {
    create(obj: Omit<KObject, 'metadata'> & { metadata: Partial<KObject['metadata']> & { name: string } }): KObject;
    get(apiVersion: string, kind: string, name: string, namespace?: string): KObject | undefined;
    list(apiVersion: string, kind: string, namespace?: string): KObject[];
    /** Deletes immediately (no grace period) and returns whether it existed. */
    delete(apiVersion: string, kind: string, name: string, namespace?: string): boolean;
  };
  /** Sets (or clears, with undefined) the injected fault. */
  setFault(fault: Fault | undefined): void;
  /** Changes token options at run time, as if the API server was restarted with other flags. */
  configure(opts: Pick<TestClusterOptions, 'maxTokenExpirationSeconds' | 'extendTokenExpiration' | 'apiAudiences' | 'watchBookmarkIntervalMs' | 'watchHistoryEvents'>): void;
  /**
   * etcd compaction of every revision handed out so far: watches resuming from an earlier
   * resourceVersion and list continue tokens issued before now answer 410 Expired.
   */
  compact(): void;
  /** Number of HTTP requests served, by `METHOD path` (without query); for tests of caching and retries. */
  requestCounts(): Map<string, number>;
}
