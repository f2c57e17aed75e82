/**
 * "Who can <verb> <resource> in <namespace>?", answered from the RBAC objects the way the RBAC
 * authorizer evaluates them (pkg/registry/rbac/validation/rule.go VisitRulesFor, appliesToUser,
 * GetRoleReferenceRules; plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows): each answer is a path
 * subject → RoleBinding/ClusterRoleBinding → Role/ClusterRole → rule. Groups are answers too
 * (system:serviceaccounts, system:serviceaccounts:<ns>, system:authenticated); a ClusterRole's
 * `rules` are what counts, aggregated or not (see aggregation.ts).
 * Pure: no `vscode`, no cluster calls.
 */
import { pendingAggregation, ruleOrigins } from './aggregation';
import { roleFor, ruleAllows, type AccessRequest, type PolicyRule, type RbacBinding, type RbacObjects, type SubjectRef } from './rbac';

/** The namespace value meaning "all namespaces", as in Kubernetes (metav1.NamespaceAll). */
export const ALL_NAMESPACES = '';

export interface WhoCanQuery {
  verb: string;
  /** API group; '' is the core group. */
  group: string;
  resource: string;
  subresource?: string;
  /** One object; without it a rule limited to resourceNames is still an answer, marked as limited. */
  name?: string;
  /** '' (ALL_NAMESPACES): RoleBindings of every namespace count, each for its own namespace. */
  namespace: string;
}

export interface WhoCanPath {
  subject: SubjectRef;
  binding: { kind: 'RoleBinding' | 'ClusterRoleBinding'; name: string; namespace?: string };
  role: { kind: string; name: string };
  /** The rule of the role that allows the request. */
  rule: PolicyRule;
  /** For an aggregated ClusterRole: the selected ClusterRoles this rule came from. */
  aggregatedFrom?: string[];
  /** Allowed only for these object names (the query named none). */
  resourceNames?: string[];
  /** Where it is allowed: a RoleBinding's namespace; undefined for every namespace (ClusterRoleBinding). */
  namespace?: string;
}

export interface WhoCanNote {
  kind: 'unresolvedRole' | 'subjectWithoutNamespace' | 'pendingAggregation';
  /** Where: the binding, as `RoleBinding demo/x` or `ClusterRoleBinding x`. */
  binding: string;
  /** The role, the subject, or the ClusterRole a pending rule comes from. */
  detail: string;
  /** For pendingAggregation: the aggregated ClusterRole. */
  role?: string;
}

export interface WhoCanAnswer {
  query: WhoCanQuery;
  paths: WhoCanPath[];
  notes: WhoCanNote[];
}

/** What the view shows of an answer: the pure answer plus where it came from. */
export interface WhoCanReport extends WhoCanAnswer {
  context: string;
  generatedAt: string;
  /** RBAC lists the caller may not read, as sentences; the answer may miss paths through them. */
  forbidden: string[];
}

const bindingLabel = (b: RbacBinding): string => (b.kind === 'RoleBinding' ? `RoleBinding ${b.namespace ?? ''}/${b.name}` : `ClusterRoleBinding ${b.name}`);

/** The request a rule is checked against; without a name, resourceNames are judged separately. */
function requestOf(q: WhoCanQuery): AccessRequest {
  return { verb: q.verb, group: q.group, resource: q.resource, subresource: q.subresource || undefined, name: q.name || undefined, namespace: q.namespace || undefined };
}

/** Whether the rule allows the query; `limited` when only for its resourceNames (the query names no object). */
function ruleMatch(rule: PolicyRule, q: WhoCanQuery): 'all' | 'limited' | undefined {
  if (rule.nonResourceURLs?.length && !rule.resources?.length) return undefined;
  const req = requestOf(q);
  if (ruleAllows(rule, req)) return 'all';
  if (!req.name && rule.resourceNames?.length && ruleAllows({ ...rule, resourceNames: undefined }, req)) return 'limited';
  return undefined;
}

const SUBJECT_ORDER: Record<string, number> = { ServiceAccount: 0, User: 1, Group: 2 };

/**
 * Every path that allows the query. Bindings are visited in the authorizer's order
 * (ClusterRoleBindings, then RoleBindings); paths are then sorted by subject kind and name, so one
 * subject's paths stay together.
 */
export function whoCan(objects: RbacObjects, q: WhoCanQuery): WhoCanAnswer {
  const paths: WhoCanPath[] = [];
  const notes: WhoCanNote[] = [];
  const bindings = [...objects.clusterRoleBindings, ...objects.roleBindings.filter((b) => q.namespace === ALL_NAMESPACES || b.namespace === q.namespace)];
  for (const b of bindings) {
    if (b.kind === 'ClusterRoleBinding' && b.roleRef.kind !== 'ClusterRole') continue;
    const role = roleFor(objects, b);
    if (!role) {
      if (b.subjects.length) notes.push({ kind: 'unresolvedRole', binding: bindingLabel(b), detail: `${b.roleRef.kind} ${b.roleRef.name}` });
      continue;
    }
    const matches = role.rules.map((rule) => ({ rule, match: ruleMatch(rule, q) })).filter((m) => m.match !== undefined);
    if (role.kind === 'ClusterRole' && role.aggregationRule) {
      for (const p of pendingAggregation(role, objects.clusterRoles)) {
        if (ruleMatch(p.rule, q)) notes.push({ kind: 'pendingAggregation', binding: bindingLabel(b), detail: p.from, role: role.name });
      }
    }
    if (matches.length === 0) continue;
    // The unrestricted rule is the better answer; a limited one only when no rule grants all names.
    const best = matches.find((m) => m.match === 'all') ?? matches[0];
    const limitedNames = best.match === 'limited' ? [...new Set(matches.flatMap((m) => m.rule.resourceNames ?? []))].sort() : undefined;
    const origins = role.kind === 'ClusterRole' && role.aggregationRule ? ruleOrigins(role, best.rule, objects.clusterRoles) : [];
    for (const s of b.subjects) {
      const subject: SubjectRef = s.kind === 'ServiceAccount' ? { kind: s.kind, name: s.name, namespace: s.namespace || b.namespace } : { kind: s.kind, name: s.name };
      if (s.kind === 'ServiceAccount' && !subject.namespace) {
        // appliesToUser: with no namespace on the subject or the binding, a ServiceAccount subject matches nobody.
        notes.push({ kind: 'subjectWithoutNamespace', binding: bindingLabel(b), detail: s.name });
        continue;
      }
      if (!(s.kind in SUBJECT_ORDER)) continue;
      paths.push({
        subject,
        binding: { kind: b.kind, name: b.name, namespace: b.namespace },
        role: { kind: role.kind, name: role.name },
        rule: best.rule,
        ...(origins.length ? { aggregatedFrom: origins } : {}),
        ...(limitedNames ? { resourceNames: limitedNames } : {}),
        namespace: b.kind === 'RoleBinding' ? b.namespace : undefined,
      });
    }
  }
  const key = (p: WhoCanPath): string => `${p.subject.namespace ?? ''}/${p.subject.name}`;
  // Stable sort: within one subject the authorizer's order stays.
  paths.sort((a, b) => SUBJECT_ORDER[a.subject.kind] - SUBJECT_ORDER[b.subject.kind] || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { query: q, paths, notes };
}

/** `create serviceaccounts/token`, `get secrets "ci-config"`, `list deployments.apps` */
export function describeQuery(q: Pick<WhoCanQuery, 'verb' | 'group' | 'resource' | 'subresource' | 'name'>): string {
  const res = `${q.resource}${q.group ? `.${q.group}` : ''}${q.subresource ? `/${q.subresource}` : ''}`;
  return `${q.verb} ${res}${q.name ? ` "${q.name}"` : ''}`;
}

/**
 * Parses what a person types as the resource: `serviceaccounts/token`, `deployments.apps`,
 * `deployments.apps/scale`, `pods`. The group is what follows the first '.' of the resource part.
 */
export function parseResource(text: string): { group: string; resource: string; subresource?: string } | undefined {
  const t = text.trim();
  const m = /^([a-z0-9*-]+)(?:\.([a-z0-9.-]+))?(?:\/([a-z0-9*-]+))?$/i.exec(t);
  if (!m) return undefined;
  return { resource: m[1], group: m[2] ?? '', ...(m[3] ? { subresource: m[3] } : {}) };
}
