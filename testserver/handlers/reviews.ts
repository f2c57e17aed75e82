/**
 * TokenReview, SelfSubjectReview and the authorization reviews (SelfSubjectAccessReview,
 * SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectRulesReview).
 */
import type { UserInfo } from '../context';
import { json, parseJsonObject, type ApiRequest, type ApiResponse, type Services } from '../http';
import { isRecord } from '../jwt';
import type { Attributes, PolicyRule } from '../rbac';
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

export function selfSubjectReview(req: ApiRequest): ApiResponse {
  return json(201, { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: {}, status: { userInfo: userInfoJson(req.user) } });
}

interface ReviewSpec {
  resourceAttributes?: Record<string, unknown>;
  nonResourceAttributes?: Record<string, unknown>;
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

function attributesOf(kind: string, name: string, spec: ReviewSpec, user: UserInfo): Attributes {
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  if ((ra && nra) || (!ra && !nra)) {
    const errs: FieldError[] = ra
      ? [{ type: 'Invalid value', field: 'spec.nonResourceAttributes', value: nra, detail: 'cannot be specified in combination with resourceAttributes' }]
      : [{ type: 'Invalid value', field: 'spec.resourceAttributes', value: null, detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified' }];
    throw invalid(kind, 'authorization.k8s.io', name, errs);
  }
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

function accessReview(
  req: ApiRequest,
  svc: Services,
  kind: string,
  subject: (spec: ReviewSpec, name: string) => UserInfo,
  body: Record<string, unknown> = parseJsonObject(req),
): ApiResponse {
  const meta = isRecord(body.metadata) ? body.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  const spec = (isRecord(body.spec) ? body.spec : {}) as ReviewSpec;
  const user = subject(spec, name);
  const attrs = attributesOf(kind, name, spec, user);
  const decision = svc.authz.authorize(attrs);
  const status: Record<string, unknown> = { allowed: decision.allowed };
  if (decision.reason) status.reason = decision.reason;
  const outMeta: Record<string, unknown> = {};
  if (kind === 'LocalSubjectAccessReview') outMeta.namespace = req.info.namespace;
  return json(201, { kind, apiVersion: 'authorization.k8s.io/v1', metadata: outMeta, spec, status });
}

export function selfSubjectAccessReview(req: ApiRequest, svc: Services): ApiResponse {
  return accessReview(req, svc, 'SelfSubjectAccessReview', () => req.user);
}

/** The user is taken from spec verbatim: groups are NOT derived from a service-account username. */
function specUser(kind: string) {
  return (spec: ReviewSpec, name: string): UserInfo => {
    const groups = Array.isArray(spec.groups) ? spec.groups.map(String) : [];
    if (!spec.user && groups.length === 0) {
      throw invalid(kind, 'authorization.k8s.io', name, [{ type: 'Invalid value', field: 'spec.user', value: '', detail: 'at least one of user or group must be specified' }]);
    }
    const u: UserInfo = { username: spec.user ?? '', groups };
    if (spec.uid) u.uid = spec.uid;
    if (spec.extra) u.extra = spec.extra;
    return u;
  };
}

export function subjectAccessReview(req: ApiRequest, svc: Services): ApiResponse {
  return accessReview(req, svc, 'SubjectAccessReview', specUser('SubjectAccessReview'));
}

export function localSubjectAccessReview(req: ApiRequest, svc: Services): ApiResponse {
  const ns = req.info.namespace;
  const body = parseJsonObject(req);
  const meta = isRecord(body.metadata) ? body.metadata : {};
  if (meta.namespace && meta.namespace !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  const spec = isRecord(body.spec) ? body.spec : {};
  const ra = isRecord(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  if (ra && ra.namespace !== undefined && ra.namespace !== '' && ra.namespace !== ns) {
    throw invalid('LocalSubjectAccessReview', 'authorization.k8s.io', String(meta.name ?? ''), [
      { type: 'Invalid value', field: 'spec.resourceAttributes.namespace', value: ra.namespace, detail: 'must match metadata.namespace' },
    ]);
  }
  if (ra) ra.namespace = ns;
  return accessReview(req, svc, 'LocalSubjectAccessReview', specUser('LocalSubjectAccessReview'), body);
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
