/**
 * Notes on a token from what the managed service that issued it documents (src/jwt/providers.ts):
 * the service is recognised from the issuer form. Pure; strings through @vscode/l10n.
 */
import * as l10n from '@vscode/l10n';
import type { TokenClaims } from './claims';
import { providerOfIssuer } from './providers';
import { formatUtc, humanDuration } from './time';

/** What the managed service that issued the token documents, when its issuer form says which one it is. */
export function providerNotes(c: TokenClaims, now: number): string[] {
  const p = providerOfIssuer(c.issuer);
  if (!p) return [];
  const notes = [l10n.t('Issued by {0} (issuer form {1}).', p.name, p.issuerForm.value)];
  const ext = p.extension;
  if (c.kubernetes?.extended && ext.known && ext.value.kind === 'seconds' && c.issuedAt) {
    const cutoff = new Date(c.issuedAt.getTime() + ext.value.seconds * 1000);
    if (c.expiresAt && cutoff.getTime() < c.expiresAt.getTime()) {
      notes.push(
        cutoff.getTime() <= now
          ? l10n.t('{0} documents that its API server rejects extended tokens older than {1}: this one passed that age on {2}, although its exp is later.', p.name, humanDuration(ext.value.seconds), formatUtc(cutoff))
          : l10n.t('{0} documents that its API server rejects extended tokens older than {1}: this one stops working on {2}, before its exp.', p.name, humanDuration(ext.value.seconds), formatUtc(cutoff)),
      );
    }
  }
  if (c.kubernetes?.extended && ext.known && ext.value.kind === 'disabled') {
    notes.push(l10n.t('{0} turns the extension off from Kubernetes {1} (--service-account-extend-token-expiration=false), so this extended token comes from an earlier version or another issuer.', p.name, ext.value.sinceVersion));
  }
  const max = p.maxTokenSeconds;
  if (max.known && c.issuedAt && c.expiresAt && !c.kubernetes?.extended && (c.expiresAt.getTime() - c.issuedAt.getTime()) / 1000 > max.value) {
    notes.push(l10n.t('{0} documents a maximum token lifetime of {1}; this token claims a longer one.', p.name, humanDuration(max.value)));
  }
  return notes;
}
