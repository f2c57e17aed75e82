/**
 * Typed reading of a decoded token's claims: what kind of token it is (bound, legacy, other JWT),
 * the Kubernetes identity it names, its times and its status at a given instant. Pure. Every claim
 * is attacker-controlled input: values of the wrong type are ignored, never trusted or thrown on.
 */
import type { DecodedJwt, JsonObject } from './decode';
import { dateFromSeconds } from './time';

/**
 * `iss` of Secret-based tokens (pkg/serviceaccount/legacy.go `LegacyIssuer`). Not a sign of a legacy
 * token on its own: it was also the default `--service-account-issuer` of early bound-token clusters,
 * whose tokens carry `exp` and the `kubernetes.io` claim. Tokens are classed by their claims.
 */
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';
const LEGACY_CLAIM_PREFIX = 'kubernetes.io/serviceaccount/';
/** What the kubelet asks for (`WarnOnlyBoundTokenExpirationSeconds`, pkg/serviceaccount/claims.go). */
export const KUBELET_REQUEST_SECONDS = 3607;
/** go-jose's DefaultLeeway, which kube-apiserver applies to exp, nbf and iat. */
export const CLOCK_LEEWAY_SECONDS = 60;
const SA_SUBJECT = /^system:serviceaccount:([^:]+):([^:]+)$/;

export type TokenKind = 'bound' | 'legacy' | 'generic';
export type TokenStatus = 'valid' | 'expiresSoon' | 'expired' | 'stale' | 'legacyNoExpiry' | 'notYetValid' | 'noExpiry';

export interface ObjectRefClaim {
  name?: string;
  uid?: string;
}

/** What the token says about its Kubernetes identity and binding. */
export interface KubernetesIdentity {
  namespace?: string;
  serviceAccount?: ObjectRefClaim;
  /** Exactly one of pod / secret / node-without-pod is the binding; node with pod is informational. */
  pod?: ObjectRefClaim;
  secret?: ObjectRefClaim;
  node?: ObjectRefClaim;
  /** `JTI=<jti>`: the credential id audit logs carry (`authentication.kubernetes.io/credential-id`). */
  credentialId?: string;
  warnAfter?: Date;
  /**
   * The API server extended the token past what was asked for: `warnafter` is set and `exp` lies after
   * it. Upstream extends to 365 days; providers and external signers use other maxima, so the length
   * is read from the claims, never assumed.
   */
  extended: boolean;
  /** warnafter - iat: the lifetime that was asked for (3607 s when the kubelet asked). */
  requestedSeconds?: number;
  /** exp - warnafter: how long the token keeps working while every use is recorded as stale. */
  staleSeconds?: number;
}

export interface TokenClaims {
  kind: TokenKind;
  alg?: string;
  /** `undefined` when absent, `''` when empty (pre-1.16 Kubernetes). */
  kid?: string;
  typ?: string;
  issuer?: string;
  subject?: string;
  /** `system:serviceaccount:NS:NAME`, parsed. */
  subjectServiceAccount?: { namespace: string; name: string };
  audiences: string[];
  audienceShape: 'array' | 'string' | 'absent' | 'invalid';
  issuedAt?: Date;
  notBefore?: Date;
  expiresAt?: Date;
  jti?: string;
  kubernetes?: KubernetesIdentity;
  /** For legacy tokens: the Secret holding the token. */
  legacySecretName?: string;
  /** Claim names this reader does not explain (shown raw for generic JWTs). */
  otherClaims: string[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): JsonObject | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined);

function refOf(v: unknown): ObjectRefClaim | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const ref: ObjectRefClaim = { name: str(o.name), uid: str(o.uid) };
  return ref.name !== undefined || ref.uid !== undefined ? ref : undefined;
}

function audiencesOf(aud: unknown): Pick<TokenClaims, 'audiences' | 'audienceShape'> {
  if (aud === undefined) return { audiences: [], audienceShape: 'absent' };
  if (typeof aud === 'string') return { audiences: [aud], audienceShape: 'string' };
  if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) return { audiences: aud as string[], audienceShape: 'array' };
  return { audiences: [], audienceShape: 'invalid' };
}

const KNOWN_CLAIMS = new Set(['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'kubernetes.io']);

/** Reads the claims of a decoded token. */
export function readClaims(jwt: DecodedJwt): TokenClaims {
  const p = jwt.payload;
  const h = jwt.header;
  const issuer = str(p.iss);
  const subject = str(p.sub);
  const saMatch = subject !== undefined ? SA_SUBJECT.exec(subject) : null;
  const keys = Object.keys(p);
  const k8sClaim = obj(p['kubernetes.io']);
  // By claims, not by issuer: the legacy private claims (pkg/serviceaccount/legacy.go) without the
  // bound token's `kubernetes.io` claim. An issuer of "kubernetes/serviceaccount" alone decides nothing.
  const legacy = !k8sClaim && keys.some((k) => k.startsWith(LEGACY_CLAIM_PREFIX));
  const kind: TokenKind = legacy ? 'legacy' : k8sClaim || saMatch ? 'bound' : 'generic';
  const issuedAt = dateFromSeconds(p.iat);
  const expiresAt = dateFromSeconds(p.exp);
  const jti = str(p.jti);

  const claims: TokenClaims = {
    kind,
    alg: str(h.alg),
    kid: str(h.kid),
    typ: str(h.typ),
    issuer,
    subject,
    subjectServiceAccount: saMatch ? { namespace: saMatch[1], name: saMatch[2] } : undefined,
    ...audiencesOf(p.aud),
    issuedAt,
    notBefore: dateFromSeconds(p.nbf),
    expiresAt,
    jti,
    otherClaims: keys.filter((k) => !KNOWN_CLAIMS.has(k) && !(legacy && k.startsWith(LEGACY_CLAIM_PREFIX))),
  };

  if (legacy) {
    claims.legacySecretName = str(p[`${LEGACY_CLAIM_PREFIX}secret.name`]);
    claims.kubernetes = {
      namespace: str(p[`${LEGACY_CLAIM_PREFIX}namespace`]),
      serviceAccount: { name: str(p[`${LEGACY_CLAIM_PREFIX}service-account.name`]), uid: str(p[`${LEGACY_CLAIM_PREFIX}service-account.uid`]) },
      secret: { name: claims.legacySecretName },
      extended: false,
    };
  } else if (kind === 'bound') {
    const k = k8sClaim ?? {};
    const warnAfter = dateFromSeconds(k.warnafter);
    const extended = warnAfter !== undefined && expiresAt !== undefined && expiresAt.getTime() > warnAfter.getTime();
    claims.kubernetes = {
      namespace: str(k.namespace) ?? claims.subjectServiceAccount?.namespace,
      serviceAccount: refOf(k.serviceaccount) ?? (saMatch ? { name: saMatch[2] } : undefined),
      pod: refOf(k.pod),
      secret: refOf(k.secret),
      node: refOf(k.node),
      credentialId: jti !== undefined ? `JTI=${jti}` : undefined,
      warnAfter,
      extended,
      requestedSeconds: warnAfter && issuedAt ? (warnAfter.getTime() - issuedAt.getTime()) / 1000 : undefined,
      staleSeconds: extended && warnAfter && expiresAt ? (expiresAt.getTime() - warnAfter.getTime()) / 1000 : undefined,
    };
  }
  return claims;
}

/** What binds the token's life to an object, if anything (a node with a pod is not a binding). */
export function bindingOf(k: KubernetesIdentity | undefined): { kind: 'Pod' | 'Secret' | 'Node'; ref: ObjectRefClaim } | undefined {
  if (!k) return undefined;
  if (k.pod) return { kind: 'Pod', ref: k.pod };
  if (k.secret) return { kind: 'Secret', ref: k.secret };
  if (k.node) return { kind: 'Node', ref: k.node };
  return undefined;
}

export interface StatusOptions {
  now: number;
  /** "Expires soon" below this many seconds left; default 600. */
  soonSeconds?: number;
}

/** The token's status at `now`, from its own claims only (the cluster may still disagree). */
export function statusOf(c: TokenClaims, opts: StatusOptions): TokenStatus {
  const now = opts.now;
  if (c.notBefore && c.notBefore.getTime() > now + CLOCK_LEEWAY_SECONDS * 1000) return 'notYetValid';
  if (!c.expiresAt) return c.kind === 'legacy' ? 'legacyNoExpiry' : 'noExpiry';
  const left = (c.expiresAt.getTime() - now) / 1000;
  if (left <= 0) return 'expired';
  if (c.kubernetes?.warnAfter && c.kubernetes.warnAfter.getTime() <= now) return 'stale';
  if (left <= (opts.soonSeconds ?? 600)) return 'expiresSoon';
  return 'valid';
}

/** Share of the lifetime (iat → exp) already used at `now`, 0–100, or undefined without both times. */
export function lifetimeUsedPercent(c: TokenClaims, now: number): number | undefined {
  if (!c.issuedAt || !c.expiresAt) return undefined;
  const total = c.expiresAt.getTime() - c.issuedAt.getTime();
  if (!(total > 0)) return undefined;
  return Math.min(100, Math.max(0, Math.round(((now - c.issuedAt.getTime()) / total) * 100)));
}
