/**
 * What a cluster's tokens default to, learnt from TokenRequest responses: the API audiences (the
 * `spec.audiences` a request without audiences gets back, pkg/registry/core/serviceaccount/storage/token.go
 * `req.Spec.Audiences = r.auds`) and the longest lifetime it grants (the clamp Warning
 * `requested expiration of X seconds shortened to Y seconds`). Nothing else publishes them:
 * `--api-audiences` may list more than the issuer that discovery shows.
 *
 * Learnt from every token minted through requestToken, and on demand from a dry-run TokenRequest.
 * kube-apiserver answers a dry run with a real, signed token: TokenREST.Create never reads
 * `options.DryRun` (pkg/registry/core/serviceaccount/storage/token.go, v1.37.2), and the create
 * handler passes the request on as for any create (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/create.go);
 * only connect requests refuse dryRun (handlers/rest.go). The probe asks for the shortest lifetime,
 * 600 s, and drops the token at once: only its defaults are kept. Tokens are never stored here.
 */
import type { ContextClient } from './http';

export interface LearntTokenDefaults {
  apiAudiences?: string[];
  /** The clamp a Warning header announced: the cluster's --service-account-max-token-expiration. */
  maxSeconds?: number;
}

const CLAMP_WARNING = /requested expiration of (\d+) seconds shortened to (\d+) seconds/;
const learnt = new Map<string, LearntTokenDefaults>();
// One cluster can appear under several contexts: key by server and context name.
const keyOf = (client: ContextClient): string => `${client.server}\u0000${client.context}`;

/** Records what a TokenRequest response shows about the cluster's defaults. */
export function learnFromTokenResponse(client: ContextClient, requestedAudiences: readonly string[] | undefined, audiences: readonly string[], warnings: readonly string[], grantedSeconds?: number): void {
  const entry = { ...learnt.get(keyOf(client)) };
  if ((!requestedAudiences || requestedAudiences.length === 0) && audiences.length > 0) entry.apiAudiences = [...audiences];
  const clamp = warnings.map((w) => CLAMP_WARNING.exec(w)).find((m) => m !== null);
  if (clamp) entry.maxSeconds = Number(clamp[2]);
  // Granted more than the maximum learnt before, without a clamp: the cluster's maximum was raised or lifted.
  else if (entry.maxSeconds !== undefined && grantedSeconds !== undefined && grantedSeconds > entry.maxSeconds) delete entry.maxSeconds;
  learnt.set(keyOf(client), entry);
}

/** What earlier responses showed about this context's cluster (nothing before the first token). */
export function learntTokenDefaults(client: ContextClient): LearntTokenDefaults {
  return { ...learnt.get(keyOf(client)) };
}
