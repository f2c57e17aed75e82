/**
 * What the host sends the dashboard about kept tokens, and what counts as a completed action.
 * Pure: KeptToken is imported as a type only.
 */
import type { KeptToken } from '../tokens/tokenStore';
import type { DashboardToken, TokenAction } from './protocol';

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
 * What a token command's result means for the dashboard row, read per action: a re-mint result
 * also carries `copied: false` (nothing was asked to be copied), which is no failure of a re-mint.
 * The commands report their own failures to the user; `undefined` is what registerCommand returns
 * after reporting an error.
 */
export function actionOutcome(action: TokenAction, result: unknown): ActionOutcome {
  if (typeof result !== 'object' || result === null) return 'failed';
  const r = result as Record<string, unknown>;
  switch (action) {
    case 'copy':
      return r.copied === true ? 'done' : 'failed';
    case 'forget':
      return r.forgotten === true ? 'done' : 'failed';
    case 'remint':
      return r.status === 'minted' ? 'done' : r.status === 'cancelled' ? 'cancelled' : 'failed';
    case 'revoke':
      return r.status === 'revoked' ? 'done' : r.status === 'cancelled' || r.status === 'explained' ? 'cancelled' : 'failed';
    case 'exportKubeconfig':
      return r.status === 'exported' ? 'done' : r.status === 'cancelled' ? 'cancelled' : 'failed';
  }
}
