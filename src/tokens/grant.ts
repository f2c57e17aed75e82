/**
 * Explains what the API server granted compared with what was requested: a clamp by
 * --service-account-max-token-expiration (announced by a Warning header), a silent cap
 * (managed clusters, external signers), or the Pod-bound extension (`warnafter`; upstream extends
 * to 365 days, providers and external signers to other maxima). What a managed service documents
 * comes from src/jwt/providers.ts, recognised from the token's issuer; nothing else is assumed.
 * Pure: the numbers come from the TokenRequest response and the decoded JWT.
 */
import * as l10n from '@vscode/l10n';
import { formatDuration, WARN_ONLY_BOUND_SECONDS } from './duration';
import { readClaims } from '../jwt/claims';
import type { JsonObject } from '../jwt/decode';
import { providerNotes } from '../jwt/providerNotes';
import { providerOfIssuer } from '../jwt/providers';

const CLAMP_WARNING = /requested expiration of (\d+) seconds shortened to (\d+) seconds/;

export interface GrantInput {
  /** What we sent; undefined when the server default (3600 s) applied. */
  requestedSeconds?: number;
  /** spec.expirationSeconds of the response. */
  grantedSeconds: number;
  /** status.expirationTimestamp. */
  expirationTimestamp: string;
  warnings: readonly string[];
  boundKind?: 'Pod' | 'Secret' | 'Node';
  /** The token's payload (decoded with src/jwt/decode.ts). */
  claims?: JsonObject;
  /** Fallback for iat when the token cannot be decoded (ms). */
  now: number;
}

export type Clamp =
  | { kind: 'maxExpiration'; requestedSeconds: number; grantedSeconds: number }
  | { kind: 'silent'; requestedSeconds: number; grantedSeconds: number };

export interface GrantReport {
  requestedSeconds: number;
  grantedSeconds: number;
  /** JWT iat (ms). */
  issuedAt: number;
  /** JWT exp (ms): when the token really stops working. */
  expiresAt: number;
  /** status.expirationTimestamp (ms). */
  statusExpiresAt: number;
  /** kubernetes.io.warnafter (ms), on extended tokens. */
  warnAfter?: number;
  clamp?: Clamp;
  /** True when exp is beyond the granted lifetime because of the Pod-bound extension. */
  extended: boolean;
  /** Sentences for the user, most important first. */
  notes: string[];
}

const numberClaim = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Parses the TokenRequest clamp warning: `requested expiration of X seconds shortened to Y seconds`. */
export function parseClampWarning(warnings: readonly string[]): { from: number; to: number } | undefined {
  for (const w of warnings) {
    const m = CLAMP_WARNING.exec(w);
    if (m) return { from: Number(m[1]), to: Number(m[2]) };
  }
  return undefined;
}

export function explainGrant(input: GrantInput): GrantReport {
  const requested = input.requestedSeconds ?? 3600;
  const granted = input.grantedSeconds;
  const parsedStatus = Date.parse(input.expirationTimestamp);
  const claims = input.claims ?? {};
  const iat = numberClaim(claims.iat);
  const iatMs = iat !== undefined ? iat * 1000 : undefined;
  const issuedAt = iatMs ?? (Number.isFinite(parsedStatus) ? parsedStatus - granted * 1000 : input.now);
  const statusExpiresAt = Number.isFinite(parsedStatus) ? parsedStatus : issuedAt + granted * 1000;
  const exp = numberClaim(claims.exp);
  const expiresAt = exp !== undefined ? exp * 1000 : statusExpiresAt;
  const k8s = claims['kubernetes.io'];
  const warnafter = typeof k8s === 'object' && k8s !== null ? numberClaim((k8s as JsonObject).warnafter) : undefined;
  const warnAfter = warnafter !== undefined ? warnafter * 1000 : undefined;
  const jwtLifetime = Math.round((expiresAt - issuedAt) / 1000);
  const notes: string[] = [];

  let clamp: Clamp | undefined;
  const warned = parseClampWarning(input.warnings);
  if (warned) {
    clamp = { kind: 'maxExpiration', requestedSeconds: warned.from, grantedSeconds: warned.to };
    notes.push(
      l10n.t(
        'The API server shortened the lifetime from {0} to {1}: it runs with --service-account-max-token-expiration={2}s, the longest lifetime it issues.',
        formatDuration(warned.from),
        formatDuration(warned.to),
        warned.to,
      ),
    );
  } else if (input.requestedSeconds !== undefined && granted < requested) {
    clamp = { kind: 'silent', requestedSeconds: requested, grantedSeconds: granted };
    notes.push(silentCapNote(granted, requested, typeof claims.iss === 'string' ? claims.iss : undefined));
  }

  // warnafter is the signal, whatever the extended length (365 d upstream, other maxima elsewhere).
  const extended = warnAfter !== undefined && expiresAt > warnAfter;
  if (extended) {
    notes.push(
      l10n.t(
        'Extended: bound to a Pod and requested for exactly {0} s, this token is treated like a kubelet-issued one. The JWT is valid for {1} (exp), although the response says {2}; for the last {3}, after kubernetes.io.warnafter, the API server records each use as stale (audit annotation authentication.k8s.io/stale-token) but still accepts it.',
        WARN_ONLY_BOUND_SECONDS,
        formatDuration(jwtLifetime),
        formatDuration(granted),
        formatDuration(Math.round((expiresAt - (warnAfter ?? expiresAt)) / 1000)),
      ),
    );
    notes.push(...providerNotes(readClaims({ ok: true, header: {}, payload: claims, signatureLength: 0 }), input.now).slice(1));
  } else if (input.boundKind === 'Pod' && granted === WARN_ONLY_BOUND_SECONDS) {
    notes.push(
      l10n.t(
        'Not extended: a Pod-bound {0} s token is only extended when the API server runs with --service-account-extend-token-expiration and every requested audience is one of its API audiences.',
        WARN_ONLY_BOUND_SECONDS,
      ),
    );
  } else if (exp !== undefined && Math.abs(jwtLifetime - granted) > 1) {
    notes.push(l10n.t('The JWT says it is valid for {0}, while the response says {1}.', formatDuration(jwtLifetime), formatDuration(granted)));
  }

  if (!clamp && !extended) {
    notes.push(
      input.requestedSeconds === undefined
        ? l10n.t('Granted the server default: {0}.', formatDuration(granted))
        : l10n.t('Granted as requested: {0}.', formatDuration(granted)),
    );
  }
  return { requestedSeconds: requested, grantedSeconds: granted, issuedAt, expiresAt, statusExpiresAt, warnAfter, clamp, extended, notes };
}

/** A shorter grant without the clamp warning: what the issuer's provider documents, if it is recognised. */
function silentCapNote(granted: number, requested: number, issuer: string | undefined): string {
  const lead = l10n.t('The cluster granted {0} instead of the {1} requested, without a warning.', formatDuration(granted), formatDuration(requested));
  const p = providerOfIssuer(issuer);
  if (!p) return `${lead} ${l10n.t('A managed cluster or an external signer (--service-account-signing-endpoint) applies its own maximum.')}`;
  return p.maxTokenSeconds.known
    ? `${lead} ${l10n.t('The issuer is {0}, which documents a maximum token lifetime of {1}.', p.name, formatDuration(p.maxTokenSeconds.value))}`
    : `${lead} ${l10n.t('The issuer is {0}, whose documentation does not state its maximum token lifetime.', p.name)}`;
}
