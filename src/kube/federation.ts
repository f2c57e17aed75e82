/**
 * Cross-cluster trust, cluster side: what cluster A (the token issuer) and cluster B (the cluster
 * that should accept A's ServiceAccount tokens) say about themselves, for the generator in
 * src/federation/trustPlan.ts.
 *
 * B's API server fetches A's issuer discovery ({issuer}/.well-known/openid-configuration, or the
 * configured discoveryURL) and then the document's jwks_uri, WITHOUT credentials
 * (staging/src/k8s.io/apiserver/plugin/pkg/authenticator/token/oidc/oidc.go: a plain HTTP client
 * with the configured CA). So the checks here are made anonymously, from this machine: they show
 * whether A serves discovery to anonymous callers and whether those URLs answer at all. They
 * cannot show whether B's control plane can reach them (its network, DNS, proxies, firewalls):
 * only a token accepted by B proves that (`verifyTrust`).
 */
import { trimEndChars } from '../text/displayText';
import { KubeError } from '../errors/kubeError';
import { fact, type Fact } from './doctor';
import { anonymousClient, type ContextClient } from './http';
import { fetchDiscovery, fetchJwks, type IssuerDiscovery } from './oidc';
import { selfSubjectReview, type UserInfo } from './reviews';
import { learntTokenDefaults } from './tokenDefaults';

export const DISCOVERY_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/openid/v1/jwks';

/** What an anonymous GET got: an answer, 401 (anonymous requests are not authenticated at all), 403 (no RBAC grant), or no answer. */
export type AnonymousAnswer =
  | { status: 'ok'; issuer?: string; keyCount?: number }
  | { status: 'unauthorized' | 'forbidden' | 'notFound' }
  | { status: 'unreachable'; message: string };

export interface IssuerClusterFacts {
  context: string;
  /** A's API server URL as the kubeconfig names it. */
  server: string;
  /** Discovery read with the kubeconfig's credentials (the issuer, jwks_uri). */
  discovery: Fact<IssuerDiscovery>;
  keyCount?: number;
  /** The CA bundle the context trusts for A's API server (PEM), if it names one. */
  caPem?: string;
  /** Anonymous GET of discovery on A's API server. */
  anonymousDiscovery: AnonymousAnswer;
  /** Anonymous GET of `{issuer}/.well-known/openid-configuration` when the issuer is not A's API server. */
  issuerDiscovery?: AnonymousAnswer;
  /** Anonymous GET of the discovery document's jwks_uri. */
  anonymousJwks?: AnonymousAnswer;
  /** A's API audiences, when a token minted earlier showed them. */
  apiAudiences?: string[];
}

export interface KubernetesVersion {
  gitVersion: string;
  major: number;
  minor: number;
}

export interface AcceptingClusterFacts {
  context: string;
  server: string;
  /** B's own issuer (its `--service-account-issuer`): an authenticator may not use it. */
  discovery: Fact<IssuerDiscovery>;
  version: Fact<KubernetesVersion>;
}

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

async function anonymousAnswer(work: () => Promise<{ issuer?: string; keyCount?: number }>): Promise<AnonymousAnswer> {
  try {
    return { status: 'ok', ...(await work()) };
  } catch (e) {
    if (KubeError.is(e, 'cancelled')) throw e;
    if (KubeError.is(e, 'unauthorized')) return { status: 'unauthorized' };
    if (KubeError.is(e, 'forbidden')) return { status: 'forbidden' };
    if (KubeError.is(e, 'notFound')) return { status: 'notFound' };
    return { status: 'unreachable', message: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * An anonymous client for `url`'s origin: A's own (with the context's CA) when it is A's API
 * server, else one that trusts the system roots, as B would without a certificateAuthority.
 */
function clientFor(a: ContextClient, url: string, base: string): ContextClient {
  return originOf(url) === originOf(a.server) ? a.anonymous() : anonymousClient(`anonymous ${base}`, { name: base, server: base });
}

async function withClient<T>(c: ContextClient, work: (c: ContextClient) => Promise<T>): Promise<T> {
  try {
    return await work(c);
  } finally {
    c.dispose();
  }
}

/** Everything about cluster A that the trust configuration needs. */
export async function gatherIssuerFacts(a: ContextClient, signal?: AbortSignal): Promise<IssuerClusterFacts> {
  const [discovery, keys, anonymousDiscovery] = await Promise.all([
    fact(() => fetchDiscovery(a, signal)),
    fact(() => fetchJwks(a, signal)),
    withClient(a.anonymous(), (c) => anonymousAnswer(async () => ({ issuer: (await fetchDiscovery(c, signal)).issuer }))),
  ]);
  let caPem: string | undefined;
  try {
    caPem = await a.caPem();
  } catch {
    caPem = undefined; // An unreadable CA file: the generator says the CA is missing.
  }
  const facts: IssuerClusterFacts = { context: a.context, server: a.server, discovery, keyCount: keys.ok ? keys.value.length : undefined, caPem, anonymousDiscovery, apiAudiences: learntTokenDefaults(a).apiAudiences };
  if (!discovery.ok) return facts;
  const { issuer, jwksUri } = discovery.value;
  const checks: Promise<void>[] = [];
  if (issuer && originOf(issuer) && originOf(issuer) !== originOf(a.server)) {
    const base = trimEndChars(issuer, '/');
    checks.push(withClient(clientFor(a, base, base), (c) => anonymousAnswer(async () => ({ issuer: (await fetchDiscovery(c, signal)).issuer }))).then((r) => void (facts.issuerDiscovery = r)));
  }
  const jwksOrigin = jwksUri ? originOf(jwksUri) : undefined;
  if (jwksUri && jwksOrigin) {
    const url = new URL(jwksUri);
    checks.push(
      withClient(clientFor(a, jwksUri, jwksOrigin), (c) =>
        anonymousAnswer(async () => {
          const { body } = await c.request<{ keys?: unknown[] }>({ method: 'GET', path: url.pathname + url.search, headers: { accept: 'application/jwk-set+json, application/json' }, signal });
          return { keyCount: Array.isArray(body.keys) ? body.keys.length : 0 };
        }),
      ).then((r) => void (facts.anonymousJwks = r)),
    );
  }
  await Promise.all(checks);
  return facts;
}

/** `v1.30.2-eks-1a2b3c` → 1 / 30. */
export function parseKubernetesVersion(body: { gitVersion?: unknown; major?: unknown; minor?: unknown }): KubernetesVersion {
  const gitVersion = typeof body.gitVersion === 'string' ? body.gitVersion : '';
  const m = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  const major = m ? Number(m[1]) : Number.parseInt(String(body.major ?? ''), 10);
  const minor = m ? Number(m[2]) : Number.parseInt(String(body.minor ?? ''), 10);
  if (!Number.isFinite(major) || !Number.isFinite(minor)) throw new KubeError({ kind: 'server', message: `Unrecognised version "${gitVersion}".` });
  return { gitVersion, major, minor };
}

/** Everything about cluster B that the trust configuration needs. */
export async function gatherAcceptingFacts(b: ContextClient, signal?: AbortSignal): Promise<AcceptingClusterFacts> {
  const [discovery, version] = await Promise.all([
    fact(() => fetchDiscovery(b, signal)),
    fact(async () => parseKubernetesVersion(await b.get<{ gitVersion?: unknown; major?: unknown; minor?: unknown }>('/version', undefined, signal))),
  ]);
  return { context: b.context, server: b.server, discovery, version };
}

/**
 * The end-to-end proof: who B says a token of A is (SelfSubjectReview made WITH the token, as
 * `kubectl auth whoami` does). 401 means B does not accept it (yet: B caches failed and successful
 * authentications briefly, and reloads its authentication config within a minute of the change).
 */
export async function whoAmIWithToken(b: ContextClient, token: string, signal?: AbortSignal): Promise<UserInfo> {
  return withClient(b.withBearerToken(token), (c) => selfSubjectReview(c, signal));
}
