/**
 * What the host sends the dashboard about kept tokens, and what counts as a completed action.
 * Pure: KeptToken is imported as a type only.
 */
import type { KeptToken } from '../tokens/tokenStore';
import type { DashboardToken } from './protocol';

/** Field by field, so nothing that is not listed (now or later) reaches the webview. */
export function toDashboardToken(k: KeptToken): DashboardToken {
  const binding = k.boundObject ?? k.params.boundObject;
  return {
    id: k.id,
    context: k.params.context,
    namespace: k.params.namespace,
    serviceAccount: k.params.serviceAccount,
    server: k.server,
    audiences: [...k.audiences],
    binding: binding ? { kind: binding.kind, name: binding.name } : undefined,
    revocable: k.params.revocable === true || k.revocableSecret !== undefined,
    issuedAt: k.issuedAt,
    expiresAt: k.expiresAt,
    statusExpiresAt: k.statusExpiresAt,
    warnAfter: k.warnAfter,
    requestedSeconds: k.requestedSeconds,
    grantedSeconds: k.grantedSeconds,
    revokedAt: k.revokedAt,
  };
}

export type ActionOutcome = 'done' | 'cancelled' | 'failed';

/**
 * What a token command's result means for the dashboard row. The commands report their own
 * failures to the user; `undefined` is what registerCommand returns after reporting an error.
 */
export function actionOutcome(result: unknown): ActionOutcome {
  if (typeof result !== 'object' || result === null) return 'failed';
  const r = result as Record<string, unknown>;
  if (r.status === 'cancelled' || r.status === 'explained') return 'cancelled';
  if (r.status === 'failed' || r.status === 'refused' || r.copied === false || r.forgotten === false) return 'failed';
  return 'done';
}
