/**
 * TokenReview `status.error` strings, as kube-apiserver really emits them (k8s-token-semantics.md
 * §2.5 and §4: `[invalid bearer token, <reason>]`), translated into plain words with the fix. Pure.
 */
import * as l10n from '@vscode/l10n';

export type RejectionCode =
  | 'rejected.expired'
  | 'rejected.notYetValid'
  | 'rejected.audience'
  | 'rejected.invalidated'
  | 'rejected.podRecreated'
  | 'rejected.secretRecreated'
  | 'rejected.nodeRecreated'
  | 'rejected.saDeleted'
  | 'rejected.saRecreated'
  | 'rejected.legacyInvalidSince'
  | 'rejected.legacyMismatch'
  | 'rejected.signature'
  | 'rejected.unrecognised'
  | 'rejected.other';

export interface Rejection {
  code: RejectionCode;
  title: string;
  detail: string;
  fix: string;
  /** For `rejected.audience`: the audiences the server wanted (its API audiences when none were asked). */
  targetAudiences?: string[];
}

/** What the translation needs to name in its fix. */
export interface RejectionContext {
  namespace?: string;
  serviceAccount?: string;
  tokenAudiences: string[];
  boundKind?: 'Pod' | 'Secret' | 'Node';
  boundName?: string;
}

/** Parses Go's `%q` of a []string: `["a" "b"]`. */
export function parseGoQuotedList(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    try {
      out.push(JSON.parse(`"${m[1]}"`) as string);
    } catch {
      out.push(m[1]);
    }
  }
  return out;
}

/** The reasons inside `[invalid bearer token, reason…]`, without the loopback authenticator's own. */
export function reviewReasons(error: string): string[] {
  const inner = error.startsWith('[') && error.endsWith(']') ? error.slice(1, -1) : error;
  // Reasons are joined with ", " but an audience reason contains no ", " (Go lists use spaces).
  const parts = inner.split(', ').map((p) => p.trim());
  const real = parts.filter((p) => p.length > 0 && p !== 'invalid bearer token');
  return real.length > 0 ? real : parts.filter((p) => p.length > 0);
}

const AUDIENCE = /token audiences (\[.*?\]) is invalid for the target audiences (\[.*?\])/;
const UID_MISMATCH = /^(pod|secret|node) UID \(([^)]*)\) does not match service account \1 ref claim \(([^)]*)\)/;

/** The fix that applies to most rejections: a fresh token. */
export function remintFix(c: RejectionContext): string {
  return c.serviceAccount && c.namespace
    ? l10n.t('Mint a new token: kubectl create token {0} -n {1}, or "Mint Token" on the ServiceAccount in the Kubernetes SA Tokens view.', c.serviceAccount, c.namespace)
    : l10n.t('Mint a new token for the ServiceAccount.');
}

/** Translates one TokenReview error string. */
export function explainRejection(error: string, c: RejectionContext): Rejection {
  const reasons = reviewReasons(error);
  const reason = reasons.find((r) => r !== 'invalid bearer token') ?? reasons[0] ?? error;
  const sa = c.serviceAccount && c.namespace ? `${c.namespace}/${c.serviceAccount}` : '?';
  const remint = remintFix(c);
  const aud = AUDIENCE.exec(reason);
  if (aud) {
    const wanted = parseGoQuotedList(aud[2]);
    const has = parseGoQuotedList(aud[1]);
    return {
      code: 'rejected.audience',
      title: l10n.t('Wrong audience for this API server'),
      detail: l10n.t('The token is for {0}, but the API server only accepts {1}. A token minted for another service (Vault, a cloud provider, your own app) cannot call the Kubernetes API.', has.join(', ') || '?', wanted.join(', ') || '?'),
      fix:
        c.serviceAccount && c.namespace
          ? l10n.t('To call the API server, mint it with audience {0}: kubectl create token {1} -n {2} --audience {0} (or without --audience, which gives the API server\'s audiences).', wanted[0] ?? '?', c.serviceAccount, c.namespace)
          : l10n.t('To call the API server, mint a token with audience {0}.', wanted[0] ?? '?'),
      targetAudiences: wanted,
    };
  }
  if (/service account token has expired/.test(reason)) {
    return { code: 'rejected.expired', title: l10n.t('Rejected: the token has expired'), detail: l10n.t('The API server refuses tokens past their exp time (after one minute of leeway).'), fix: remint };
  }
  if (/not valid yet|issued in the future/.test(reason)) {
    return { code: 'rejected.notYetValid', title: l10n.t('Rejected: the token is not valid yet'), detail: l10n.t('Its nbf or iat time is in the future for the API server: one of the clocks is wrong.'), fix: l10n.t('Check the clocks (NTP) of the machine that minted the token and of the control plane; or wait.') };
  }
  const uid = UID_MISMATCH.exec(reason);
  if (uid) {
    const kind = uid[1] === 'pod' ? 'Pod' : uid[1] === 'secret' ? 'Secret' : 'Node';
    return {
      code: uid[1] === 'pod' ? 'rejected.podRecreated' : uid[1] === 'secret' ? 'rejected.secretRecreated' : 'rejected.nodeRecreated',
      title: l10n.t('Rejected: the bound {0} was replaced', kind),
      detail: l10n.t('A {0} named "{1}" exists, but it is a new object (uid {2}); the token was bound to the old one (uid {3}), which is gone.', kind, c.boundName ?? '?', uid[2], uid[3]),
      fix: remint,
    };
  }
  if (/service account token has been invalidated/i.test(reason) || /^token has been invalidated$/i.test(reason)) {
    const what = c.boundKind ? l10n.t('its bound {0} "{1}"', c.boundKind, c.boundName ?? '?') : l10n.t('the object it was bound to');
    return {
      code: 'rejected.invalidated',
      title: l10n.t('Rejected: the token was revoked'),
      detail: l10n.t('The API server says the token has been invalidated: {0} was deleted (or is being deleted).', what),
      fix: c.boundKind === 'Secret' && c.serviceAccount ? l10n.t('If the revocation was intended, nothing to do. Otherwise mint a new token, bound to an existing object or not bound at all. {0}', remint) : remint,
    };
  }
  const saUid = /service ?account UID \(([^)]*)\) does not match claim \(([^)]*)\)/i.exec(reason);
  if (saUid) {
    return {
      code: 'rejected.saRecreated',
      title: l10n.t('Rejected: the ServiceAccount was recreated'),
      detail: l10n.t('ServiceAccount {0} exists, but it is a new object (uid {1}); the token belongs to the deleted one (uid {2}). Recreating a ServiceAccount revokes all its tokens.', sa, saUid[1], saUid[2]),
      fix: remint,
    };
  }
  if (/serviceaccounts? "[^"]*" not found|service ?account \S+ has been deleted/i.test(reason)) {
    return {
      code: 'rejected.saDeleted',
      title: l10n.t('Rejected: the ServiceAccount was deleted'),
      detail: l10n.t('ServiceAccount {0} no longer exists, so none of its tokens work.', sa),
      fix: c.serviceAccount && c.namespace
        ? l10n.t('Recreate it (kubectl create serviceaccount {0} -n {1}) and mint a new token; RoleBindings refer to it by name, so they apply again.', c.serviceAccount, c.namespace)
        : l10n.t('Recreate the ServiceAccount and mint a new token.'),
    };
  }
  if (/has been marked invalid/.test(reason)) {
    return {
      code: 'rejected.legacyInvalidSince',
      title: l10n.t('Rejected: the legacy token was marked invalid'),
      detail: l10n.t('The legacy token cleaner labelled its Secret kubernetes.io/legacy-token-invalid-since because it went unused for a long time; it will delete the Secret later.'),
      fix: l10n.t('Replace it with a short-lived token ({0}). To use it a little longer, remove the kubernetes.io/legacy-token-invalid-since label from its Secret.', remint),
    };
  }
  if (/does not match server's copy/.test(reason)) {
    return { code: 'rejected.legacyMismatch', title: l10n.t('Rejected: the Secret holds a different token'), detail: l10n.t('The Secret named in the token exists but holds another token: it was recreated with the same name.'), fix: remint };
  }
  if (/cryptographic primitive|invalid signature|no keys found/.test(reason)) {
    return { code: 'rejected.signature', title: l10n.t('Rejected: the signature does not verify'), detail: l10n.t('No key of this cluster verifies the signature: the token was altered, or signed by another cluster or by a rotated-out key.'), fix: remint };
  }
  if (reasons.length > 0 && reasons.every((r) => r === 'invalid bearer token')) {
    return {
      code: 'rejected.unrecognised',
      title: l10n.t('Rejected: the cluster does not recognise this token'),
      detail: l10n.t('No authenticator of this cluster accepts it: it comes from another cluster or issuer, or is not a Kubernetes token.'),
      fix: l10n.t('Check it against the context of the cluster that issued it, or mint a token on this cluster.'),
    };
  }
  return { code: 'rejected.other', title: l10n.t('Rejected by the cluster'), detail: l10n.t('The API server says: {0}', error), fix: remint };
}
