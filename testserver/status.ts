/**
 * metav1.Status errors with the exact messages and field order of kube-apiserver
 * (apimachinery `api/errors`, `validation/field`).
 */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A failure that the router renders as a Status body with `code`. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    /** ListMeta of the Status (a fresh `continue` in a 410 for an expired continue token). */
    readonly listMeta?: { continue?: string },
  ) {
    super(message);
  }

  /** The Status JSON in Go field order: kind, apiVersion, metadata, status, message, reason, details, code. */
  toStatus(): Record<string, unknown> {
    const body: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: { ...this.listMeta }, status: 'Failure', message: this.message };
    if (this.reason) body.reason = this.reason;
    const details = orderedDetails(this.details);
    if (details) body.details = details;
    body.code = this.code;
    return body;
  }
}

function orderedDetails(d: StatusDetails | undefined): Record<string, unknown> | undefined {
  if (!d) return undefined;
  const out: Record<string, unknown> = {};
  if (d.name) out.name = d.name;
  if (d.group) out.group = d.group;
  if (d.kind) out.kind = d.kind;
  if (d.uid) out.uid = d.uid;
  if (d.causes && d.causes.length > 0) {
    out.causes = d.causes.map((c) => {
      const cause: Record<string, unknown> = {};
      if (c.reason) cause.reason = c.reason;
      if (c.message) cause.message = c.message;
      if (c.field) cause.field = c.field;
      return cause;
    });
  }
  if (d.retryAfterSeconds) out.retryAfterSeconds = d.retryAfterSeconds;
  return out;
}

/** `schema.GroupResource.String()`: `resource` or `resource.group`. */
export function qualifiedResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export function notFound(resource: string, group: string, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(resource, group)} "${name}" not found`, { name, group, kind: resource });
}

export function alreadyExists(resource: string, group: string, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(resource, group)} "${name}" already exists`, { name, group, kind: resource });
}

/** `NewConflict`: `Operation cannot be fulfilled on <qualified> "<name>": <msg>`. */
export function conflict(qualified: string, group: string, kind: string, name: string, msg: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified} "${name}": ${msg}`, { name, group, kind });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** `NewForbidden(GroupResource, name, err)`. */
export function forbidden(resource: string, group: string, name: string, msg: string): ApiError {
  let message: string;
  if (!resource && !group) message = `forbidden: ${msg}`;
  else if (!name) message = `${qualifiedResource(resource, group)} is forbidden: ${msg}`;
  else message = `${qualifiedResource(resource, group)} "${name}" is forbidden: ${msg}`;
  return new ApiError(403, 'Forbidden', message, { name, group, kind: resource });
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

export function internalError(cause: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${cause}`, { causes: [{ message: cause }] });
}

/** apimachinery `errors.NewResourceExpired`: 410 Gone, reason Expired, no details. */
export function resourceExpired(message: string, continueToken?: string): ApiError {
  return new ApiError(410, 'Expired', message, undefined, continueToken ? { continue: continueToken } : undefined);
}

export function tooManyRequests(retryAfterSeconds: number): ApiError {
  return new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds });
}

/** A `field.Error`. */
export interface FieldError {
  type: 'Invalid value' | 'Required value' | 'Unsupported value' | 'Forbidden' | 'Duplicate value' | 'Not found';
  field: string;
  value?: unknown;
  detail?: string;
}

const causeReasons: Record<FieldError['type'], string> = {
  'Invalid value': 'FieldValueInvalid',
  'Required value': 'FieldValueRequired',
  'Unsupported value': 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  'Duplicate value': 'FieldValueDuplicate',
  'Not found': 'FieldValueNotFound',
};

/** `field.Error.ErrorBody()`: numbers and bools plain, strings quoted, the rest JSON; Required/Forbidden omit the value. */
export function fieldErrorBody(e: FieldError): string {
  let s: string;
  if (e.type === 'Required value' || e.type === 'Forbidden') {
    s = e.type;
  } else {
    const v = e.value === undefined ? null : e.value;
    if (v === null || typeof v === 'number' || typeof v === 'boolean') s = `${e.type}: ${v}`;
    else if (typeof v === 'string') s = `${e.type}: ${JSON.stringify(v)}`;
    else s = `${e.type}: ${JSON.stringify(v)}`;
  }
  return e.detail ? `${s}: ${e.detail}` : s;
}

/** `NewInvalid(GroupKind, name, errs)`: `<Kind>[.<group>] "<name>" is invalid: <e>` or `[e1, e2]`. */
export function invalid(kind: string, group: string, name: string, errs: FieldError[]): ApiError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const texts = dedupe(errs.map((e) => `${e.field}: ${fieldErrorBody(e)}`));
  const joined = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${joined}`, {
    name,
    group,
    kind,
    causes: errs.map((e) => ({ reason: causeReasons[e.type], message: fieldErrorBody(e), field: e.field })),
  });
}

/** `utilerrors.NewAggregate(...).Error()`: one message plain, several as `[a, b]`, duplicates removed. */
export function aggregate(messages: string[]): string {
  const unique = dedupe(messages);
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

function dedupe(items: string[]): string[] {
  return [...new Set(items)];
}

/**
 * etcd3 `handleCompactedErrorForPaging`: the list snapshot of a continue token was compacted; the
 * Status carries a token that continues at the latest revision.
 */
export function continueExpired(freshContinue: string): ApiError {
  return new ApiError(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, ' +
      'or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an ' +
      'inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    undefined,
    { continue: freshContinue },
  );
}
