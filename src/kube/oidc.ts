/**
 * Service-account issuer discovery and signature checks against a cluster's own keys:
 * `GET /.well-known/openid-configuration` and `GET /openid/v1/jwks` on the API server with the
 * kubeconfig credentials (the jwks_uri in the document may name an address the client cannot
 * reach, so the API server's own path is used), then jose verifies the token. Keys are cached
 * per context with a TTL; a kid that is not in the cached set triggers one refresh, since the
 * cluster may have rotated its key since.
 */
import { compactVerify, importJWK, type JWK } from 'jose';
import type { ContextClient } from './http';

export interface IssuerDiscovery {
  /** The first `--service-account-issuer`: the `iss` of every token the cluster mints now. */
  issuer: string;
  jwksUri?: string;
  algorithms: string[];
}

export interface ClusterKeys {
  discovery: IssuerDiscovery;
  keys: JWK[];
  /** When they were fetched (ms since the epoch). */
  fetchedAt: number;
}

export type SignatureCheck =
  /** A key of the cluster verifies the signature. */
  | { status: 'verified'; kid: string; alg: string }
  /** The token names a kid the cluster does not publish: another cluster's token, or a rotated key. */
  | { status: 'noMatchingKid'; kid: string; availableKids: string[] }
  /** Keys that could have signed it exist, but none verifies: altered, or signed by another key. */
  | { status: 'badSignature'; triedKids: string[] }
  /** Not signed with an algorithm a cluster uses (`none`, HMAC, unknown). */
  | { status: 'unsupportedAlg'; alg: string }
  /** jose could not parse the token as a compact JWS. */
  | { status: 'malformed'; detail: string };

/** Public-key JWS algorithms: the ones kube-apiserver can sign with (RSA, ECDSA, external signers). */
const ASYMMETRIC_ALGS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);
const KTY_FOR_ALG_PREFIX: Record<string, string> = { RS: 'RSA', PS: 'RSA', ES: 'EC', Ed: 'OKP' };

interface DiscoveryBody {
  issuer?: unknown;
  jwks_uri?: unknown;
  id_token_signing_alg_values_supported?: unknown;
}

/** The cluster's issuer discovery document. 404 when the issuer is not an https URL; 403 without `get` on the path. */
export async function fetchDiscovery(client: ContextClient, signal?: AbortSignal): Promise<IssuerDiscovery> {
  const body = await client.get<DiscoveryBody>('/.well-known/openid-configuration', undefined, signal);
  const algs = body.id_token_signing_alg_values_supported;
  return {
    issuer: typeof body.issuer === 'string' ? body.issuer : '',
    jwksUri: typeof body.jwks_uri === 'string' ? body.jwks_uri : undefined,
    algorithms: Array.isArray(algs) ? algs.filter((a): a is string => typeof a === 'string') : [],
  };
}

/**
 * The cluster's public keys (`/openid/v1/jwks`). kube-apiserver serves them only to an Accept that
 * names `application/jwk-set+json` (or `*\/*`): the route is a go-restful WebService that
 * `Produces("application/jwk-set+json")`, so the client's default `Accept: application/json` gets
 * 406 Not Acceptable [src kubernetes pkg/routes/openidmetadata.go; go-restful route.go matchesAccept].
 */
export async function fetchJwks(client: ContextClient, signal?: AbortSignal): Promise<JWK[]> {
  const { body } = await client.request<{ keys?: unknown }>({ method: 'GET', path: '/openid/v1/jwks', headers: { accept: 'application/jwk-set+json, application/json' }, signal });
  const keys = Array.isArray(body.keys) ? body.keys : [];
  return keys.filter((k): k is JWK => typeof k === 'object' && k !== null && typeof (k as { kty?: unknown }).kty === 'string');
}

/** Discovery + JWKS per context and server, for `ttlMs`. Concurrent callers share one fetch. */
export class ClusterKeyCache {
  private readonly entries = new Map<string, { promise: Promise<ClusterKeys>; expires: number }>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Cached keys (`cached: true`), or fresh ones when missing, expired or `refresh` is set. */
  async get(client: ContextClient, opts: { signal?: AbortSignal; refresh?: boolean } = {}): Promise<ClusterKeys & { cached: boolean }> {
    const key = `${client.context}\n${client.server}`;
    const hit = this.entries.get(key);
    if (hit && !opts.refresh && hit.expires > this.now()) return { ...(await hit.promise), cached: true };
    const promise = (async (): Promise<ClusterKeys> => {
      const [discovery, keys] = await Promise.all([fetchDiscovery(client, opts.signal), fetchJwks(client, opts.signal)]);
      return { discovery, keys, fetchedAt: this.now() };
    })();
    this.entries.set(key, { promise, expires: this.now() + this.ttlMs });
    // A failure (403, cancel, network) is not cached: the next check tries again.
    promise.catch(() => {
      if (this.entries.get(key)?.promise === promise) this.entries.delete(key);
    });
    return { ...(await promise), cached: false };
  }

  /** Forgets one context (all servers), or everything. */
  invalidate(context?: string): void {
    if (context === undefined) this.entries.clear();
    else for (const k of [...this.entries.keys()]) if (k.startsWith(`${context}\n`)) this.entries.delete(k);
  }
}

/** The cache the extension uses (one per loaded cluster layer). */
export const clusterKeyCache = new ClusterKeyCache();

function protectedHeader(token: string): { alg?: unknown; kid?: unknown } | undefined {
  try {
    const h: unknown = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
    return typeof h === 'object' && h !== null ? (h as { alg?: unknown; kid?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies the token's signature with `keys`. With a kid, only keys of that kid are tried (as
 * kube-apiserver does since v1.32); with an empty or absent kid (pre-1.16 tokens), every key of
 * a matching type is.
 */
export async function verifySignature(token: string, keys: readonly JWK[]): Promise<SignatureCheck> {
  const header = protectedHeader(token);
  if (!header) return { status: 'malformed', detail: 'the header is not a JSON object' };
  const alg = typeof header.alg === 'string' ? header.alg : '';
  if (!ASYMMETRIC_ALGS.has(alg)) return { status: 'unsupportedAlg', alg };
  const kid = typeof header.kid === 'string' ? header.kid : '';
  const kty = KTY_FOR_ALG_PREFIX[alg.slice(0, 2)];
  const usable = keys.filter((k) => k.kty === kty && (k.alg === undefined || k.alg === alg) && (k.use === undefined || k.use === 'sig'));
  const candidates = kid ? usable.filter((k) => k.kid === kid) : usable;
  if (kid && candidates.length === 0) {
    return { status: 'noMatchingKid', kid, availableKids: keys.map((k) => k.kid ?? '').filter((k) => k.length > 0) };
  }
  const tried: string[] = [];
  for (const jwk of candidates) {
    tried.push(jwk.kid ?? '');
    try {
      const key = await importJWK(jwk, alg);
      await compactVerify(token, key, { algorithms: [alg] });
      return { status: 'verified', kid: jwk.kid ?? '', alg };
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code === 'ERR_JWS_INVALID') return { status: 'malformed', detail: e instanceof Error ? e.message : String(e) };
      // ERR_JWS_SIGNATURE_VERIFICATION_FAILED, or a key jose cannot import: try the next key.
    }
  }
  return { status: 'badSignature', triedKids: tried };
}

export interface ClusterSignatureCheck {
  discovery: IssuerDiscovery;
  signature: SignatureCheck;
  keyCount: number;
  fetchedAt: number;
  /** True when cached keys did not verify the token and were fetched again (key rotation). */
  refreshed: boolean;
}

/** Verifies `token` against the cluster of `client`, refreshing cached keys once when the kid is unknown. */
export async function verifyWithCluster(
  client: ContextClient,
  token: string,
  opts: { signal?: AbortSignal; cache?: ClusterKeyCache } = {},
): Promise<ClusterSignatureCheck> {
  const cache = opts.cache ?? clusterKeyCache;
  let keys = await cache.get(client, { signal: opts.signal });
  let signature = await verifySignature(token, keys.keys);
  let refreshed = false;
  if (keys.cached && (signature.status === 'noMatchingKid' || signature.status === 'badSignature')) {
    keys = await cache.get(client, { signal: opts.signal, refresh: true });
    signature = await verifySignature(token, keys.keys);
    refreshed = true;
  }
  return { discovery: keys.discovery, signature, keyCount: keys.keys.length, fetchedAt: keys.fetchedAt, refreshed };
}
