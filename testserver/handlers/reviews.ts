/**
 * TokenReview, SelfSubjectReview and the authorization reviews (SelfSubjectAccessReview,
 * SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectRulesReview).
 */
import type { UserInfo } from '../context';
import { json, parseJsonObject, type ApiRequest, type ApiResponse, type Services } from '../http';
import { isRecord } from '../jwt';
import type { Attributes, PolicyRule } from '../rbac';
import { rfc3339 } from '../store';
import { badRequest, invalid, type FieldError } from '../status';

function userInfoJson(u: UserInfo): Record<string, unknown> {
  const out: Record<string, unknown> = { username: u.username };
  if (u.uid) out.uid = u.uid;
  out.groups = u.groups;
  if (u.extra && Object.keys(u.extra).length) out.extra = u.extra;
  return out;
}

export function tokenReview(req: ApiRequest, svc: Services): ApiResponse {
  if (req.info.namespace) throw badRequest('namespace is not allowed on this type');
  const body = parseJsonObject(req);
  const spec = isRecord(body.spec) ? body.spec : {};
  const token = typeof spec.token === 'string' ? spec.token : '';
  if (!token) throw badRequest('token is required for TokenReview in authentication');
  const audiences = Array.isArray(spec.audiences) ? spec.audiences.map(String) : [];
  const result = svc.authn.authenticate(token, audiences);
  const outSpec: Record<string, unknown> = { token };
  if (audiences.length) outSpec.audiences = audiences;
  const status: Record<string, unknown> = result.ok
    ? { authenticated: true, user: userInfoJson(result.user), audiences: result.audiences }
    : { user: {}, error: result.error };
  if (result.ok) req.warnings.push(...result.warnings);
  return json(201, { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata: {}, spec: outSpec, status });
}

export function selfSubjectReview(req: ApiRequest, svc: Services): ApiResponse {
  const metadata = { creationTimestamp: rfc3339(svc.ctx.now()) };
  return json(201, { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata, status: { userInfo: userInfoJson(req.user) } });
}

interface ReviewSpec {
  resourceAttributes?: Record<string, unknown>;
  nonResourceAttributes?: Record<string, unknown>;
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

/**
 * ValidateSubjectAccessReviewSpec; the REST storages report it as `NewInvalid(Kind(""), "", errs)`,
 * the Kind being empty once decoded: `.authorization.k8s.io "" is invalid: ...`.
 */
function validateSpec(spec: ReviewSpec, needsSubject: boolean, extra: FieldError[] = []): void {
  const errs: FieldError[] = [];
  if (!spec.resourceAttributes === !spec.nonResourceAttributes) {
    errs.push({ type: 'Invalid value', field: 'spec', value: spec.nonResourceAttributes ?? null, detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified' });
  }
  if (needsSubject && !spec.user && !(Array.isArray(spec.groups) && spec.groups.length)) {
    errs.push({ type: 'Invalid value', field: 'spec.user', value: spec.user ?? '', detail: 'at least one of user or group must be specified' });
  }
  errs.push(...extra);
  if (errs.length) throw invalid('', 'authorization.k8s.io', '', errs);
}

function attributesOf(spec: ReviewSpec, user: UserInfo): Attributes {
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  const s = (r: Record<string, unknown> | undefined, k: string): string => (r && typeof r[k] === 'string' ? (r[k] as string) : '');
  if (ra) {
    return {
      user,
      verb: s(ra, 'verb'),
      resourceRequest: true,
      namespace: s(ra, 'namespace'),
      apiGroup: s(ra, 'group'),
      apiVersion: s(ra, 'version') || '*',
      resource: s(ra, 'resource'),
      subresource: s(ra, 'subresource'),
      name: s(ra, 'name'),
      path: '',
    };
  }
  return { user, verb: s(nra, 'verb'), resourceRequest: false, namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '', path: s(nra, 'path') };
}

/** The user is taken from spec verbatim: groups are NOT derived from a service-account username. */
function specUser(spec: ReviewSpec): UserInfo {
  const u: UserInfo = { username: spec.user ?? '', groups: Array.isArray(spec.groups) ? spec.groups.map(String) : [] };
  if (spec.uid) u.uid = spec.uid;
  if (spec.extra) u.extra = spec.extra;
  return u;
}

function accessReview(req: ApiRequest, svc: Services, kind: string, self: boolean, body: Record<string, unknown> = parseJsonObject(req), extraErrs: FieldError[] = []): ApiResponse {
  const spec = (isRecord(body.spec) ? body.spec : {}) as ReviewSpec;
  validateSpec(spec, !self, extraErrs);
  const attrs = attributesOf(spec, self ? req.user : specUser(spec));
  const decision = svc.authz.authorize(attrs);
  const status: Record<string, unknown> = { allowed: decision.allowed };
  if (decision.reason) status.reason = decision.reason;
  const outMeta: Record<string, unknown> = {};
  if (kind === 'LocalSubjectAccessReview') outMeta.namespace = req.info.namespace;
  return json(201, { kind, apiVersion: 'authorization.k8s.io/v1', metadata: outMeta, spec, status });
}

export function selfSubjectAccessReview(req: ApiRequest, svc: Services): ApiResponse {
  return accessReview(req, svc, 'SelfSubjectAccessReview', true);
}

export function subjectAccessReview(req: ApiRequest, svc: Services): ApiResponse {
  return accessReview(req, svc, 'SubjectAccessReview', false);
}

/** ValidateLocalSubjectAccessReview: the attributes' namespace must be exactly the request's; no non-resource attributes. */
export function localSubjectAccessReview(req: ApiRequest, svc: Services): ApiResponse {
  const ns = req.info.namespace;
  const body = parseJsonObject(req);
  const meta = isRecord(body.metadata) ? body.metadata : {};
  if (meta.namespace && meta.namespace !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  const spec = isRecord(body.spec) ? body.spec : {};
  const errs: FieldError[] = [];
  const { namespace: _ns, managedFields: _mf, ...rest } = meta;
  if (Object.keys(rest).length) errs.push({ type: 'Invalid value', field: 'metadata', value: meta, detail: 'must be empty except for namespace' });
  const ra = isRecord(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const raNamespace = typeof ra?.namespace === 'string' ? ra.namespace : '';
  if (ra && raNamespace !== ns) errs.push({ type: 'Invalid value', field: 'spec.resourceAttributes.namespace', value: raNamespace, detail: 'must match metadata.namespace' });
  if (spec.nonResourceAttributes) errs.push({ type: 'Invalid value', field: 'spec.nonResourceAttributes', value: spec.nonResourceAttributes, detail: 'disallowed on this kind of request' });
  return accessReview(req, svc, 'LocalSubjectAccessReview', false, body, errs);
}

function resourceRuleJson(r: PolicyRule): Record<string, unknown> {
  const out: Record<string, unknown> = { verbs: r.verbs ?? [] };
  if (r.apiGroups) out.apiGroups = r.apiGroups;
  if (r.resources) out.resources = r.resources;
  if (r.resourceNames?.length) out.resourceNames = r.resourceNames;
  return out;
}

export function selfSubjectRulesReview(req: ApiRequest, svc: Services): ApiResponse {
  const body = parseJsonObject(req);
  const spec = isRecord(body.spec) ? body.spec : {};
  const namespace = typeof spec.namespace === 'string' ? spec.namespace : '';
  if (!namespace) throw badRequest('no namespace on request');
  const rules = svc.authz.rulesFor(req.user, namespace);
  const status: Record<string, unknown> = {
    resourceRules: rules.resourceRules.map(resourceRuleJson),
    nonResourceRules: rules.nonResourceRules.map((r) => ({ verbs: r.verbs ?? [], nonResourceURLs: r.nonResourceURLs ?? [] })),
    // RBAC can always list its rules: RBACAuthorizer.RulesFor (plugin/pkg/auth/authorizer/rbac/rbac.go)
    // returns incomplete=false and reports unresolved bindings only as the error, which
    // selfsubjectrulesreview/rest.go puts in evaluationError. Only authorizers that cannot list
    // rules (webhook, Node for node users) set incomplete.
    incomplete: false,
  };
  if (rules.errors.length) status.evaluationError = rules.errors.length === 1 ? rules.errors[0] : `[${rules.errors.join(', ')}]`;
  return json(201, { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec: {}, status });
}
