/**
 * The token doctor's cluster side: gathers facts about one token from one cluster (issuer
 * discovery and signature, TokenReview, the ServiceAccount and the bound object, and what the
 * token may do). Each fact is a value or the error that prevented it, so one forbidden call never
 * hides the others. Judging the facts is pure and lives in src/doctor/doctorFindings.ts.
 */
import { KubeError, type MissingPermission } from '../errors/kubeError';
import type { ContextClient } from './http';
import { type ClusterKeyCache, type IssuerDiscovery, type SignatureCheck, verifyWithCluster } from './oidc';
import { rulesReview, selfSubjectReview, tokenReview, type RulesResult, type TokenReviewResult, type UserInfo } from './reviews';
import { toTokenSecret, type TokenSecretInfo } from './serviceAccounts';

/** Why a fact could not be established; plain data, so it crosses the bundle boundary intact. */
export interface FactError {
  kind: string;
  message: string;
  status?: number;
  permission?: MissingPermission;
}

export type Fact<T> = { ok: true; value: T } | { ok: false; error: FactError };

/** What to look up, read from the token's claims by the caller (src/doctor/doctorFindings.ts `doctorTarget`). */
export interface DoctorTarget {
  namespace?: string;
  serviceAccount?: string;
  /** The object the token is bound to (for legacy tokens: their Secret). */
  bound?: { kind: 'Pod' | 'Secret' | 'Node'; name: string };
  legacy: boolean;
  /** The token's own audiences, for a second TokenReview when the API audiences do not match. */
  audiences: string[];
}

export interface ObjectFacts {
  uid: string;
  deletionTimestamp?: string;
}

export interface TokenClusterFacts {
  context: string;
  server: string;
  /** Discovery plus the signature check against /openid/v1/jwks. */
  signature: Fact<{ discovery: IssuerDiscovery; check: SignatureCheck; keyCount: number; refreshed: boolean }>;
  /** TokenReview with the API server's own audiences (empty spec.audiences). */
  tokenReview: Fact<TokenReviewResult>;
  /** TokenReview with the token's own audiences, when they are not the API server's. */
  ownAudienceReview?: Fact<TokenReviewResult>;
  /** When the TokenReview could not be made: a SelfSubjectReview made with the token itself. */
  selfReview?: Fact<UserInfo>;
  serviceAccount?: Fact<ObjectFacts>;
  boundObject?: Fact<ObjectFacts>;
  /** Legacy tokens: their Secret, with the last-used and invalid-since labels. */
  legacySecret?: Fact<TokenSecretInfo>;
  /** SelfSubjectRulesReview in the token's namespace, made with the token. */
  rules?: Fact<RulesResult>;
}

function factError(e: unknown): FactError {
  if (KubeError.is(e)) return { kind: e.kind, message: e.message, status: e.status, permission: e.permission };
  return { kind: 'unknown', message: e instanceof Error ? e.message : String(e) };
}

/** Runs `work`; its error becomes the fact's error (cancellation still ends the whole check). */
export async function fact<T>(work: () => Promise<T>): Promise<Fact<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (e) {
    // Cancellation ends the whole check instead of becoming a finding.
    if (KubeError.is(e, 'cancelled')) throw e;
    return { ok: false, error: factError(e) };
  }
}

const nsPath = (ns: string): string => `/api/v1/namespaces/${encodeURIComponent(ns)}`;

async function objectFacts(client: ContextClient, path: string, signal?: AbortSignal): Promise<ObjectFacts> {
  const o = await client.get<{ metadata?: { uid?: string; deletionTimestamp?: string } }>(path, undefined, signal);
  return { uid: o.metadata?.uid ?? '', deletionTimestamp: o.metadata?.deletionTimestamp };
}

function boundPath(t: DoctorTarget): string | undefined {
  if (!t.bound) return undefined;
  const name = encodeURIComponent(t.bound.name);
  if (t.bound.kind === 'Node') return `/api/v1/nodes/${name}`;
  if (t.namespace === undefined) return undefined;
  return `${nsPath(t.namespace)}/${t.bound.kind === 'Pod' ? 'pods' : 'secrets'}/${name}`;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/** Gathers every fact the doctor needs about `token` from the cluster of `client`. */
export async function gatherTokenFacts(
  client: ContextClient,
  token: string,
  target: DoctorTarget,
  opts: { signal?: AbortSignal; cache?: ClusterKeyCache } = {},
): Promise<TokenClusterFacts> {
  const { signal } = opts;
  const { namespace, serviceAccount } = target;
  const path = boundPath(target);
  const [signature, review, sa, bound] = await Promise.all([
    fact(async () => {
      const r = await verifyWithCluster(client, token, opts);
      return { discovery: r.discovery, check: r.signature, keyCount: r.keyCount, refreshed: r.refreshed };
    }),
    fact(() => tokenReview(client, token, [], signal)),
    namespace !== undefined && serviceAccount ? fact(() => objectFacts(client, `${nsPath(namespace)}/serviceaccounts/${encodeURIComponent(serviceAccount)}`, signal)) : undefined,
    path ? fact(async () => client.get<Record<string, unknown>>(path, undefined, signal)) : undefined,
  ]);
  const facts: TokenClusterFacts = { context: client.context, server: client.server, signature, tokenReview: review, serviceAccount: sa };

  if (bound) {
    if (!bound.ok) facts.boundObject = bound;
    else {
      const meta = (bound.value.metadata ?? {}) as { uid?: string; deletionTimestamp?: string };
      facts.boundObject = { ok: true, value: { uid: meta.uid ?? '', deletionTimestamp: meta.deletionTimestamp } };
      // The Secret's data never leaves this function: only its labels and annotations are kept.
      if (target.legacy) {
        const info = toTokenSecret(bound.value);
        facts.legacySecret = info ? { ok: true, value: info } : { ok: false, error: { kind: 'notFound', message: 'not a ServiceAccount token Secret' } };
      }
    }
  }

  const authenticatedByReview = review.ok && review.value.authenticated;
  const audienceRejected = review.ok && !review.value.authenticated && /token audiences .* is invalid for the target audiences/.test(review.value.error ?? '');
  if (audienceRejected && target.audiences.length > 0 && !(review.ok && sameSet(review.value.audiences, target.audiences))) {
    facts.ownAudienceReview = await fact(() => tokenReview(client, token, target.audiences, signal));
  }
  if (!review.ok) {
    // Without TokenReview rights, the token can still say who it is (401 if the cluster rejects it).
    facts.selfReview = await fact(() => withTokenClient(client, token, (c) => selfSubjectReview(c, signal)));
  }
  const authenticated = authenticatedByReview || (facts.selfReview?.ok ?? false);
  if (authenticated && namespace !== undefined) {
    facts.rules = await fact(() => withTokenClient(client, token, (c) => rulesReview(c, namespace, undefined, signal)));
  }
  return facts;
}

async function withTokenClient<T>(client: ContextClient, token: string, work: (c: ContextClient) => Promise<T>): Promise<T> {
  const c = client.withBearerToken(token);
  try {
    return await work(c);
  } finally {
    c.dispose();
  }
}
