/** What the "Minted token" panel shows of a mint (no token value), field by field. Pure. */
import type { MintSuccess } from './mint';
import type { MintResultView } from './resultProtocol';

export interface ResultProgress {
  kept: boolean;
  copied: boolean;
  exported: boolean;
  revoked: boolean;
}

export function toResultView(m: MintSuccess, progress: ResultProgress): MintResultView {
  const r = m.report;
  return {
    context: m.target.context,
    namespace: m.target.namespace,
    serviceAccount: m.target.serviceAccount,
    server: m.server,
    requestedSeconds: r.requestedSeconds,
    grantedSeconds: r.grantedSeconds,
    issuedAt: r.issuedAt,
    expiresAt: r.expiresAt,
    statusExpiresAt: r.statusExpiresAt,
    warnAfter: r.warnAfter,
    requestedAudiences: [...m.metadata.params.audiences],
    audiences: [...m.audiences],
    binding: m.boundObject ? { kind: m.boundObject.kind, name: m.boundObject.name } : undefined,
    revocable: m.revocableSecret !== undefined,
    notes: [...r.notes],
    clamped: r.clamp !== undefined,
    extended: r.extended,
    ...progress,
  };
}
