/**
 * Names of the decoded-token and doctor-report documents: they name the token and the cluster
 * (`check-demo-ci-deployer-on-prod.md`), not a counter shared by every document, so a tab says
 * what it holds. Claims are attacker-controlled text: names keep only `a-z 0-9 . -` and are short,
 * so nothing in a claim can shape a path or reach a URI unescaped. Pure.
 */
import { trimChars, trimEndChars } from '../text/displayText';
import type { TokenClaims } from '../jwt/claims';

/** Longest slug of one part (ServiceAccount, namespace, context, subject). */
const MAX_PART = 40;

/** Lower-case letters, digits, dots and dashes only; `''` when nothing is left. */
export function slug(text: string): string {
  // A lone dot stays (`kube.prod`); any other run of other characters becomes one dash.
  const cleaned = text.toLowerCase().replace(/[^a-z0-9]+/g, (run) => (run === '.' ? '.' : '-'));
  return trimEndChars(trimChars(cleaned, '-.').slice(0, MAX_PART), '-.');
}

/**
 * The token's name in a document name: `demo-ci-deployer` for a ServiceAccount token (the
 * namespace first, as `demo/ci-deployer` everywhere else), else its subject, else `token`.
 */
export function tokenSlug(c: TokenClaims): string {
  const sa = c.kubernetes?.serviceAccount?.name ?? c.subjectServiceAccount?.name;
  const ns = c.kubernetes?.namespace ?? c.subjectServiceAccount?.namespace;
  const parts = sa ? [ns ?? '', sa] : [c.subject ?? ''];
  return parts.map(slug).filter((p) => p.length > 0).join('-') || 'token';
}

/** `decoded-demo-ci-deployer` or `check-demo-ci-deployer-on-prod` (without the extension). */
export function documentBaseName(kind: 'decoded' | 'check', c: TokenClaims, context?: string): string {
  const where = kind === 'check' && context !== undefined && slug(context) ? `-on-${slug(context)}` : '';
  return `${kind}-${tokenSlug(c)}${where}`;
}

/**
 * What tells two tokens with the same name apart (the same ServiceAccount, minted twice): its
 * credential id, issue time and key id. Kept in memory with the document, never written anywhere.
 */
export function tokenIdentity(c: TokenClaims): string {
  return [c.jti ?? '', c.issuedAt?.getTime() ?? '', c.expiresAt?.getTime() ?? '', c.kid ?? '', c.subject ?? '', c.issuer ?? ''].join('\u0000');
}
