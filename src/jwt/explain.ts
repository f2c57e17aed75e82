/**
 * A decoded token explained in words: a headline, a status, label/value rows and plain-language
 * notes about what the Kubernetes claims mean. Pure; labels go through @vscode/l10n. Values in
 * rows are claim text (untrusted): renderers must escape them.
 */
import * as l10n from '@vscode/l10n';
import { neutraliseBidi } from '../text/displayText';
import { bindingOf, KUBELET_REQUEST_SECONDS, lifetimeUsedPercent, readClaims, statusOf, type ObjectRefClaim, type TokenClaims, type TokenStatus } from './claims';
import type { DecodedJwt, DecodeError } from './decode';
import { providerNotes } from './providerNotes';
import { formatLocal, formatUtc, humanDuration, relativeTime } from './time';

export interface ExplainOptions {
  /** The instant to explain the token at, in ms since the epoch. */
  now: number;
  /** "Expires soon" below this many seconds left; default 600. */
  soonSeconds?: number;
  /** Time zone and locale of the "local" times; default the machine's. */
  timeZone?: string;
  locale?: string;
}

export interface Row {
  label: string;
  value: string;
}

export interface Explanation {
  claims: TokenClaims;
  status: TokenStatus;
  /** Short status badge text: `valid`, `expires soon`, `expired`, `stale`, … */
  statusLabel: string;
  /** A sentence with the status and the time it is relative to: `Valid, expires in 3 h 5 min`. */
  statusText: string;
  /** `Kubernetes ServiceAccount token for system:serviceaccount:demo:ci-deployer` */
  headline: string;
  rows: Row[];
  notes: string[];
  usedPercent?: number;
}

/** Longest claim value shown in a row; longer ones are cut with an ellipsis. */
const MAX_VALUE_LENGTH = 200;
/** Unexplained claims shown one per row; the rest are counted. */
const MAX_OTHER_CLAIMS = 30;
const cut = (s: string): string => (s.length > MAX_VALUE_LENGTH ? `${s.slice(0, MAX_VALUE_LENGTH)}…` : s);

export function statusLabel(status: TokenStatus): string {
  switch (status) {
    case 'valid':
      return l10n.t('valid');
    case 'expiresSoon':
      return l10n.t('expires soon');
    case 'expired':
      return l10n.t('expired');
    case 'stale':
      return l10n.t('stale');
    case 'legacyNoExpiry':
      return l10n.t('legacy, no expiry');
    case 'notYetValid':
      return l10n.t('not yet valid');
    case 'noExpiry':
      return l10n.t('no expiry');
  }
}

function statusText(c: TokenClaims, status: TokenStatus, now: number): string {
  const left = c.expiresAt ? humanDuration((c.expiresAt.getTime() - now) / 1000) : '';
  switch (status) {
    case 'valid':
      return l10n.t('Valid, expires in {0}', left);
    case 'expiresSoon':
      return l10n.t('Expires soon: in {0}', left);
    case 'expired':
      return l10n.t('Expired {0} ago', left);
    case 'stale':
      return l10n.t('Stale: past its warn-after time by {0}; still works, expires in {1}', humanDuration((now - (c.kubernetes?.warnAfter?.getTime() ?? now)) / 1000), left);
    case 'legacyNoExpiry':
      return l10n.t('Legacy token: never expires');
    case 'notYetValid':
      return l10n.t('Not yet valid: becomes valid in {0}', humanDuration(((c.notBefore?.getTime() ?? now) - now) / 1000));
    case 'noExpiry':
      return l10n.t('No expiry (no exp claim)');
  }
}

function when(date: Date, o: ExplainOptions): string {
  return `${formatUtc(date)} · ${formatLocal(date, o.timeZone, o.locale)} (${relativeTime(date, o.now)})`;
}

const refText = (r: ObjectRefClaim): string => (r.uid ? `${r.name ?? '?'} (uid ${r.uid})` : (r.name ?? '?'));

function headlineOf(c: TokenClaims): string {
  const who = c.subject ? cut(c.subject) : undefined;
  switch (c.kind) {
    case 'bound':
      return who ? l10n.t('Kubernetes ServiceAccount token for {0}', who) : l10n.t('Kubernetes ServiceAccount token');
    case 'legacy':
      return who ? l10n.t('Legacy Kubernetes ServiceAccount token for {0}', who) : l10n.t('Legacy Kubernetes ServiceAccount token');
    case 'generic':
      return who ? l10n.t('JSON Web Token for {0}', who) : l10n.t('JSON Web Token');
  }
}

function rowsOf(jwt: DecodedJwt, c: TokenClaims, o: ExplainOptions, usedPercent: number | undefined): Row[] {
  const rows: Row[] = [];
  const add = (label: string, value: string | undefined): void => {
    if (value !== undefined) rows.push({ label, value: cut(value) });
  };
  add(l10n.t('Algorithm'), c.alg);
  add(l10n.t('Key ID'), c.kid === '' ? l10n.t('(empty: issued before Kubernetes 1.16)') : c.kid);
  add(l10n.t('Issuer'), c.issuer);
  add(l10n.t('Subject'), c.subject);
  if (c.audienceShape !== 'absent') add(l10n.t('Audiences'), c.audienceShape === 'invalid' ? l10n.t('(not a string or a list of strings)') : c.audiences.join(', '));
  if (c.issuedAt) add(l10n.t('Issued'), when(c.issuedAt, o));
  if (c.notBefore && c.notBefore.getTime() !== c.issuedAt?.getTime()) add(l10n.t('Not before'), when(c.notBefore, o));
  if (c.expiresAt) add(l10n.t('Expires'), when(c.expiresAt, o));
  if (c.issuedAt && c.expiresAt) {
    const lifetime = humanDuration((c.expiresAt.getTime() - c.issuedAt.getTime()) / 1000);
    add(l10n.t('Lifetime'), usedPercent !== undefined ? l10n.t('{0} ({1} % used)', lifetime, usedPercent) : lifetime);
  }
  const k = c.kubernetes;
  if (k?.warnAfter) add(l10n.t('Warn after'), when(k.warnAfter, o));
  if (k) {
    add(l10n.t('Namespace'), k.namespace);
    if (k.serviceAccount) add(l10n.t('ServiceAccount'), refText(k.serviceAccount));
    if (c.kind === 'legacy') add(l10n.t('Token Secret'), c.legacySecretName);
    else {
      if (k.pod) add(l10n.t('Bound to Pod'), refText(k.pod));
      if (k.secret) add(l10n.t('Bound to Secret'), refText(k.secret));
      if (k.node) add(k.pod ? l10n.t('Node of the Pod') : l10n.t('Bound to Node'), refText(k.node));
    }
    add(l10n.t('Credential ID'), k.credentialId);
  } else {
    add(l10n.t('Token ID (jti)'), c.jti);
  }
  for (const name of c.otherClaims.slice(0, MAX_OTHER_CLAIMS)) {
    let value: string;
    try {
      value = JSON.stringify(jwt.payload[name]) ?? String(jwt.payload[name]);
    } catch {
      value = '?';
    }
    add(cut(name), value);
  }
  if (c.otherClaims.length > MAX_OTHER_CLAIMS) add(l10n.t('More claims'), String(c.otherClaims.length - MAX_OTHER_CLAIMS));
  return rows;
}

function bindingNote(c: TokenClaims): string | undefined {
  const k = c.kubernetes;
  const binding = bindingOf(k);
  if (c.kind !== 'bound') return undefined;
  if (!binding) return l10n.t('Not bound to an object: it stays valid until it expires, unless its ServiceAccount is deleted or recreated.');
  const name = binding.ref.name ?? '?';
  switch (binding.kind) {
    case 'Pod':
      return k?.node
        ? l10n.t('Bound to Pod "{0}": it stops working when that Pod is deleted or replaced by a new Pod of the same name. The node "{1}" is recorded for information only; the API server does not check it.', name, k.node.name ?? '?')
        : l10n.t('Bound to Pod "{0}": it stops working when that Pod is deleted or replaced by a new Pod of the same name.', name);
    case 'Secret':
      return l10n.t('Bound to Secret "{0}": deleting that Secret revokes the token at once.', name);
    case 'Node':
      return l10n.t('Bound to Node "{0}": it stops working when that Node object is deleted or recreated.', name);
  }
}

function legacyNote(c: TokenClaims): string {
  const secret = c.legacySecretName ?? '?';
  // Never contradict a shown claim: "no expiry" only when there is no exp row.
  if (c.expiresAt) {
    return l10n.t(
      'Legacy Secret-based claims (Secret "{0}"), yet the token carries an expiry: Kubernetes writes no exp into legacy tokens, so another issuer made it or it was altered. It stops working at its exp at the latest.',
      secret,
    );
  }
  // pkg/controller/serviceaccount/legacy_serviceaccount_token_cleaner.go: only Secrets listed in the
  // ServiceAccount's `secrets` field (auto-generated ones) are labelled invalid, then deleted.
  return l10n.t(
    'Legacy Secret-based token: it has no expiry and stays valid until its Secret "{0}" or its ServiceAccount is deleted, so a leaked copy keeps working for years. Since Kubernetes 1.30 the legacy token cleaner marks such tokens invalid after a year without use (label kubernetes.io/legacy-token-invalid-since) and deletes them a year later, but only when the Secret is listed in the ServiceAccount\'s secrets field; Secrets created by hand are never cleaned up. Prefer short-lived tokens: kubectl create token, or a projected serviceAccountToken volume.',
    secret,
  );
}

function extendedNote(k: NonNullable<TokenClaims['kubernetes']>, c: TokenClaims): string {
  const asked = k.requestedSeconds ?? 0;
  const lifetime = c.issuedAt && c.expiresAt ? humanDuration((c.expiresAt.getTime() - c.issuedAt.getTime()) / 1000) : '?';
  const stale = humanDuration(k.staleSeconds ?? 0);
  return asked === KUBELET_REQUEST_SECONDS
    ? l10n.t(
        'Extended token: the kubelet asked for {0} s and the API server extended it to {1} (--service-account-extend-token-expiration), so clients that never reload the file keep working. After "warn after" it keeps working for another {2}, but the API server records every use as stale (audit annotation authentication.k8s.io/stale-token). The kubelet replaces the file long before "warn after".',
        KUBELET_REQUEST_SECONDS,
        lifetime,
        stale,
      )
    : l10n.t(
        'Extended token: it was asked for {0} and the issuer extended it to {1}. After "warn after" it keeps working for another {2}, but every use is recorded as stale (audit annotation authentication.k8s.io/stale-token).',
        humanDuration(asked),
        lifetime,
        stale,
      );
}

function notesOf(c: TokenClaims, status: TokenStatus, o: ExplainOptions): string[] {
  const notes: string[] = [];
  const k = c.kubernetes;
  if (c.kind === 'legacy') notes.push(legacyNote(c));
  const binding = bindingNote(c);
  if (binding) notes.push(binding);
  if (k?.extended) notes.push(extendedNote(k, c));
  notes.push(...providerNotes(c, o.now));
  if (status === 'stale') {
    notes.push(l10n.t('Stale: past "warn after", so the kubelet would already have replaced this copy with a fresh token. Whoever still uses it holds an old copy (copied out of a Pod?). It keeps working until it expires.'));
  }
  if (k?.credentialId) {
    notes.push(l10n.t('Credential ID {0}: audit log entries of requests made with this token carry it in user.extra as authentication.kubernetes.io/credential-id, so you can find everything this token did.', k.credentialId));
  }
  if (c.kid === '') notes.push(l10n.t('Empty key ID: issued by a cluster older than Kubernetes 1.16, or by a signer that sets none.'));
  const sa = c.subjectServiceAccount;
  if (sa && k && ((k.namespace !== undefined && k.namespace !== sa.namespace) || (k.serviceAccount?.name !== undefined && k.serviceAccount.name !== sa.name))) {
    notes.push(l10n.t('The subject and the Kubernetes claims name different ServiceAccounts: Kubernetes never issues such a token. It was altered or made elsewhere.'));
  }
  if (c.issuedAt && c.issuedAt.getTime() > o.now + 60_000) notes.push(l10n.t('Issued in the future: the clock of the issuer or of this machine is wrong.'));
  if (status === 'notYetValid') notes.push(l10n.t('Not valid yet: the API server refuses it until {0}.', formatUtc(c.notBefore ?? new Date(o.now))));
  if (c.kind === 'bound' && c.audienceShape === 'string') notes.push(l10n.t('The audience is a plain string; Kubernetes always writes a list, so another issuer made this token.'));
  return notes;
}

/** Explains a decoded token at `opts.now`. */
export function explainJwt(jwt: DecodedJwt, opts: ExplainOptions): Explanation {
  const claims = readClaims(jwt);
  const status = statusOf(claims, opts);
  const usedPercent = lifetimeUsedPercent(claims, opts.now);
  // Claim text reaches every string below; bidi controls in it would reorder what the user reads.
  return {
    claims,
    status,
    statusLabel: statusLabel(status),
    statusText: neutraliseBidi(statusText(claims, status, opts.now)),
    headline: neutraliseBidi(headlineOf(claims)),
    rows: rowsOf(jwt, claims, opts, usedPercent).map((r) => ({ label: neutraliseBidi(r.label), value: neutraliseBidi(r.value) })),
    notes: notesOf(claims, status, opts).map(neutraliseBidi),
    usedPercent,
  };
}

/** Why text is not a readable JWT, in words. */
export function describeDecodeError(e: DecodeError): string {
  const where = e.segment === 'payload' ? l10n.t('payload') : l10n.t('header');
  switch (e.kind) {
    case 'empty':
      return l10n.t('There is no token to decode.');
    case 'tooLong':
      return l10n.t('The text is too long to be a token.');
    case 'notJwt':
      return l10n.t('Not a JWT: a JWT has three parts separated by dots (header.payload.signature).');
    case 'badBase64':
      return l10n.t('Not a JWT: the {0} is not valid base64url.', where);
    case 'badUtf8':
      return l10n.t('Not a JWT: the {0} does not decode to UTF-8 text.', where);
    case 'badJson':
      return l10n.t('Not a JWT: the {0} is not JSON.', where);
    case 'notObject':
      return l10n.t('Not a JWT: the {0} is JSON but not an object.', where);
  }
}

/**
 * One line for a CodeLens: `Token for system:serviceaccount:demo:ci-deployer expires in 3 h`,
 * `… expired 2 d ago`, `Legacy token for … never expires`.
 */
export function oneLineSummary(x: Explanation, now: number): string {
  const who = x.claims.subject ? neutraliseBidi(cut(x.claims.subject)) : l10n.t('an unknown subject');
  const exp = x.claims.expiresAt;
  const left = exp ? humanDuration((exp.getTime() - now) / 1000) : '';
  switch (x.status) {
    case 'valid':
      return l10n.t('Token for {0} expires in {1}', who, left);
    case 'expiresSoon':
      return l10n.t('Token for {0} expires soon: in {1}', who, left);
    case 'expired':
      return l10n.t('Token for {0} expired {1} ago', who, left);
    case 'stale':
      return l10n.t('Token for {0} is stale (past warn-after); expires in {1}', who, left);
    case 'legacyNoExpiry':
      return l10n.t('Legacy token for {0} never expires', who);
    case 'notYetValid':
      return l10n.t('Token for {0} is not valid yet', who);
    case 'noExpiry':
      return l10n.t('Token for {0} has no expiry', who);
  }
}
