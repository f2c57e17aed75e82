/**
 * Errors from the cluster layer, classified so features can explain them.
 *
 * The class is shared by two bundles (dist/kube.js throws, dist/extension.js catches), so callers
 * must use `KubeError.is(e)`, a structural check, never `instanceof`.
 */
import { safeMessage } from '../text/displayText';

/**
 * Longest message a KubeError carries. A cluster (or a proxy, or an exec plugin's stderr) can send
 * any amount of text: a 150 KB `Status.message` used to reach the log and the tree whole.
 */
export const MAX_CLUSTER_TEXT = 4000;
/** Status `details.causes` kept; a 422 names one per invalid field, a few in practice. */
const MAX_CAUSES = 20;

export type KubeErrorKind =
  | 'badRequest' // 400
  | 'unauthorized' // 401: credentials rejected or expired
  | 'forbidden' // 403: RBAC denied; see `permission`
  | 'notFound' // 404 for an object
  | 'unsupported' // 404/405 for an API the server does not serve (e.g. TokenRequest on very old clusters)
  | 'conflict' // 409
  | 'invalid' // 422
  | 'expired' // 410: a watch resourceVersion or a list continue token older than the server keeps
  | 'rateLimited' // 429
  | 'server' // 5xx
  | 'timeout' // no answer within the request timeout
  | 'unreachable' // connection refused, DNS failure, no route
  | 'connectionReset' // the server closed the connection mid-request
  | 'tls' // certificate not trusted, expired, wrong host name
  | 'kubeconfig' // the kubeconfig is malformed or names missing entries
  | 'cancelled' // the user cancelled
  | 'unknown';

/** A permission the caller lacks, parsed from a 403 message. */
export interface MissingPermission {
  user: string;
  verb: string;
  /** Resource without subresource, e.g. `serviceaccounts`. Empty for non-resource paths. */
  resource: string;
  subresource?: string;
  /** API group; `""` is the core group. */
  group: string;
  /** Absent for cluster-scoped requests. */
  namespace?: string;
  /** Set for non-resource URLs such as `/openid/v1/jwks`. */
  path?: string;
}

/** The subset of metav1.Status we read. */
export interface StatusBody {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  /** A 410 for a list's continue token carries a fresh one here (etcd3 `handleCompactedErrorForPaging`). */
  metadata?: { continue?: string; resourceVersion?: string };
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
}

export interface KubeErrorInit {
  kind: KubeErrorKind;
  message: string;
  status?: number;
  status_?: StatusBody;
  retryAfterSeconds?: number;
  permission?: MissingPermission;
  cause?: unknown;
  /** Network error code, e.g. ECONNREFUSED or UNABLE_TO_VERIFY_LEAF_SIGNATURE. */
  code?: string;
}

const BRAND = 'k8sTokens.KubeError';

export class KubeError extends Error {
  readonly brand = BRAND;
  readonly kind: KubeErrorKind;
  /** HTTP status, when the server answered. */
  readonly status?: number;
  /** The Status object the server sent, when there was one. */
  readonly body?: StatusBody;
  readonly retryAfterSeconds?: number;
  readonly permission?: MissingPermission;
  readonly code?: string;

  constructor(init: KubeErrorInit) {
    // Every message is shown or logged somewhere: bounded, credentials redacted, bidi neutralised.
    super(safeMessage(String(init.message), MAX_CLUSTER_TEXT), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'KubeError';
    this.kind = init.kind;
    this.status = init.status;
    this.body = init.status_;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.permission = init.permission;
    this.code = init.code;
  }

  /** Structural check that works across bundles. */
  static is(e: unknown, kind?: KubeErrorKind): e is KubeError {
    return (
      typeof e === 'object' &&
      e !== null &&
      (e as { brand?: unknown }).brand === BRAND &&
      (kind === undefined || (e as { kind?: unknown }).kind === kind)
    );
  }
}

const FORBIDDEN_RESOURCE =
  /User "((?:[^"\\]|\\.)*)" cannot (\S+) resource "([^"]*)" in API group "([^"]*)"(?: in the namespace "([^"]*)"| at the cluster scope)/;
const FORBIDDEN_PATH = /User "((?:[^"\\]|\\.)*)" cannot (\S+) path "([^"]*)"/;

/** Parses the permission out of a kube-apiserver Forbidden message. */
export function parseForbiddenMessage(message: string): MissingPermission | undefined {
  const m = FORBIDDEN_RESOURCE.exec(message);
  if (m) {
    const [resource, subresource] = m[3].split('/', 2);
    const p: MissingPermission = { user: m[1], verb: m[2], resource, group: m[4] };
    if (subresource) p.subresource = subresource;
    if (m[5] !== undefined) p.namespace = m[5];
    return p;
  }
  const pm = FORBIDDEN_PATH.exec(message);
  if (pm) return { user: pm[1], verb: pm[2], resource: '', group: '', path: pm[3] };
  return undefined;
}

function kindForStatus(status: number, reason: string | undefined): KubeErrorKind {
  switch (status) {
    case 400:
      return 'badRequest';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      // A 404 without a Status reason of NotFound comes from a path the server does not serve.
      return reason === 'NotFound' ? 'notFound' : 'unsupported';
    case 405:
      return 'unsupported';
    case 409:
      return 'conflict';
    case 410:
      return 'expired';
    case 422:
      return 'invalid';
    case 429:
      return 'rateLimited';
    default:
      return status >= 500 ? 'server' : 'unknown';
  }
}

/** Longest continue token or resourceVersion kept from a Status (etcd's are well under 1 KB). */
const MAX_OPAQUE_TOKEN = 4096;

/** `o` without its undefined fields. */
function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** A text field of a cluster answer, if it is a string: bounded, redacted, bidi neutralised. */
export const clusterText = (v: unknown): string | undefined => (typeof v === 'string' ? safeMessage(v, MAX_CLUSTER_TEXT) : undefined);
const text = clusterText;
const seconds = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

/**
 * The Status fields we read, type-checked and bounded: the body is whatever the server (or a proxy
 * in front of it) sent.
 */
function readStatus(parsed: unknown): StatusBody | undefined {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const p = parsed as Record<string, unknown>;
  const body: StatusBody = { kind: text(p.kind), status: text(p.status), message: text(p.message), reason: text(p.reason) };
  if (typeof p.code === 'number') body.code = p.code;
  const d = p.details;
  if (typeof d === 'object' && d !== null && !Array.isArray(d)) {
    const details = d as Record<string, unknown>;
    const causes = Array.isArray(details.causes) ? details.causes.slice(0, MAX_CAUSES) : [];
    // Only the fields the server sent: an absent field stays absent, as in the Status itself.
    body.details = definedOnly({
      name: text(details.name),
      group: text(details.group),
      kind: text(details.kind),
      causes: Array.isArray(details.causes)
        ? causes.map((c: unknown) => {
            const cause = (typeof c === 'object' && c !== null ? c : {}) as Record<string, unknown>;
            return definedOnly({ reason: text(cause.reason), message: text(cause.message), field: text(cause.field) });
          })
        : undefined,
      retryAfterSeconds: seconds(details.retryAfterSeconds),
    });
  }
  // ListMeta of a 410 for an expired continue token: the fresh token to go on with. A continue
  // token is opaque base64 (of JSON, so it looks like a JWT to the redactor) and no credential:
  // kept as is when it has that shape and a sane length, dropped otherwise.
  const m = p.metadata;
  if (typeof m === 'object' && m !== null && !Array.isArray(m)) {
    const meta = m as Record<string, unknown>;
    const opaque = (v: unknown): string | undefined => (typeof v === 'string' && v.length <= MAX_OPAQUE_TOKEN && /^[\w+/=-]*$/.test(v) ? v : undefined);
    const metadata = definedOnly({ continue: opaque(meta.continue), resourceVersion: opaque(meta.resourceVersion) });
    if (Object.keys(metadata).length > 0) body.metadata = metadata;
  }
  return body;
}

/** Builds a KubeError from an HTTP error response. */
export function errorFromResponse(status: number, rawBody: string, retryAfterHeader?: string): KubeError {
  let body: StatusBody | undefined;
  try {
    body = readStatus(JSON.parse(rawBody));
  } catch {
    // Not JSON (a proxy's HTML page, or plain text); keep the text, trimmed.
  }
  const message = body?.message ?? (rawBody.trim().slice(0, 300) || `HTTP ${status}`);
  const headerRetry = retryAfterHeader !== undefined ? Number.parseInt(retryAfterHeader, 10) : NaN;
  const retryAfterSeconds = Number.isFinite(headerRetry) ? headerRetry : body?.details?.retryAfterSeconds;
  return new KubeError({
    kind: kindForStatus(status, body?.reason),
    message,
    status,
    status_: body,
    retryAfterSeconds,
    permission: status === 403 ? parseForbiddenMessage(message) : undefined,
  });
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRNOTAVAIL']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** Classifies an error thrown by the HTTP stack (no response received). */
export function errorFromNetwork(e: unknown, server: string): KubeError {
  if (KubeError.is(e)) return e;
  const err = e as { code?: string; message?: string; name?: string };
  const code = err?.code;
  const detail = err?.message ?? String(e);
  if (err?.name === 'AbortError' || code === 'ABORT_ERR') {
    return new KubeError({ kind: 'cancelled', message: 'The request was cancelled.', cause: e, code });
  }
  if (code && TLS_CODES.has(code)) {
    return new KubeError({ kind: 'tls', message: `TLS error talking to ${server}: ${detail}`, cause: e, code });
  }
  if (code && UNREACHABLE_CODES.has(code)) {
    return new KubeError({ kind: 'unreachable', message: `Cannot reach ${server}: ${detail}`, cause: e, code });
  }
  if ((code && RESET_CODES.has(code)) || /socket hang up/i.test(detail)) {
    return new KubeError({ kind: 'connectionReset', message: `Connection to ${server} was reset: ${detail}`, cause: e, code });
  }
  return new KubeError({ kind: 'unknown', message: `Request to ${server} failed: ${detail}`, cause: e, code });
}
