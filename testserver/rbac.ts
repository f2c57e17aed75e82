/**
 * Authorization: the system:masters privileged-group authorizer, then RBAC rule evaluation as in
 * `plugin/pkg/auth/authorizer/rbac` (verbs, apiGroups, resources with subresources and `*\/sub`,
 * resourceNames, nonResourceURLs with trailing `*`), with its reason strings and the Forbidden message.
 */
import type { KObject } from './api';
import type { UserInfo } from './context';
import { core } from './resources';
import type { Store } from './store';
import { forbidden, type ApiError } from './status';

export interface Attributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  name: string;
  /** Request path, for non-resource requests. */
  path: string;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

export interface RulesForResult {
  resourceRules: PolicyRule[];
  nonResourceRules: PolicyRule[];
  errors: string[];
}

const privilegedGroup = 'system:masters';

const has = (list: string[] | undefined, v: string): boolean => !!list && (list.includes('*') || list.includes(v));

function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (a.resourceRequest) {
    const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    return (
      has(rule.verbs, a.verb) &&
      has(rule.apiGroups, a.apiGroup) &&
      resourceMatches(rule, combined, a.subresource) &&
      (!rule.resourceNames || rule.resourceNames.length === 0 || rule.resourceNames.includes(a.name))
    );
  }
  return has(rule.verbs, a.verb) && nonResourceURLMatches(rule, a.path);
}

function appliesTo(user: UserInfo, s: Subject, bindingNamespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return user.username === s.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount':
      return user.username === `system:serviceaccount:${s.namespace || bindingNamespace}:${s.name}`;
    default:
      return false;
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} "${s.name}/${s.namespace || bindingNamespace}"`;
  return `${s.kind} "${s.name}"`;
}

type Visitor = (source: string, rule: PolicyRule | undefined, err: string | undefined) => boolean;

export class Authorizer {
  constructor(private readonly store: Store) {}

  authorize(a: Attributes): Decision {
    if (a.user.groups.includes(privilegedGroup)) return { allowed: true, reason: '' };
    const errors: string[] = [];
    let reason = '';
    this.visitRules(a.user, a.namespace, (source, rule, err) => {
      if (err) {
        errors.push(err);
        return true;
      }
      if (rule && ruleAllows(a, rule)) {
        reason = `RBAC: allowed by ${source}`;
        return false;
      }
      return true;
    });
    if (reason) return { allowed: true, reason };
    // The union of authorizers prefixes each NoOpinion reason with the authorizer's name (union.go).
    return { allowed: false, reason: errors.length ? `rbac: RBAC: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}` : '' };
  }

  /** Rules that apply to the user in the namespace (SelfSubjectRulesReview). */
  rulesFor(user: UserInfo, namespace: string): RulesForResult {
    const out: RulesForResult = { resourceRules: [], nonResourceRules: [], errors: [] };
    if (user.groups.includes(privilegedGroup)) {
      out.resourceRules.push({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
      out.nonResourceRules.push({ verbs: ['*'], nonResourceURLs: ['*'] });
    }
    this.visitRules(user, namespace, (_source, rule, err) => {
      if (err) out.errors.push(err);
      else if (rule?.nonResourceURLs?.length) out.nonResourceRules.push(rule);
      else if (rule) out.resourceRules.push(rule);
      return true;
    });
    return out;
  }

  private visitRules(user: UserInfo, namespace: string, visit: Visitor): void {
    for (const crb of this.store.all(core.clusterRoleBindings)) {
      const subject = subjectsOf(crb).find((s) => appliesTo(user, s, ''));
      if (!subject) continue;
      const roleRef = roleRefOf(crb);
      if (roleRef.kind !== 'ClusterRole') continue;
      const role = this.store.get(core.clusterRoles, undefined, roleRef.name);
      const source = `ClusterRoleBinding "${crb.metadata.name}" of ClusterRole "${roleRef.name}" to ${describeSubject(subject, '')}`;
      if (!role) {
        if (!visit(source, undefined, `clusterrole.rbac.authorization.k8s.io "${roleRef.name}" not found`)) return;
        continue;
      }
      for (const rule of rulesOf(role)) if (!visit(source, rule, undefined)) return;
    }
    if (!namespace) return;
    for (const rb of this.store.all(core.roleBindings, namespace)) {
      const subject = subjectsOf(rb).find((s) => appliesTo(user, s, namespace));
      if (!subject) continue;
      const roleRef = roleRefOf(rb);
      const role =
        roleRef.kind === 'ClusterRole' ? this.store.get(core.clusterRoles, undefined, roleRef.name) : this.store.get(core.roles, namespace, roleRef.name);
      const source = `RoleBinding "${rb.metadata.name}/${namespace}" of ${roleRef.kind} "${roleRef.name}" to ${describeSubject(subject, namespace)}`;
      if (!role) {
        const what = roleRef.kind === 'ClusterRole' ? 'clusterrole' : 'role';
        if (!visit(source, undefined, `${what}.rbac.authorization.k8s.io "${roleRef.name}" not found`)) return;
        continue;
      }
      for (const rule of rulesOf(role)) if (!visit(source, rule, undefined)) return;
    }
  }
}

function subjectsOf(binding: KObject): Subject[] {
  return Array.isArray(binding.subjects) ? (binding.subjects as Subject[]) : [];
}

function roleRefOf(binding: KObject): { kind: string; name: string } {
  const ref = (binding.roleRef ?? {}) as { kind?: string; name?: string };
  return { kind: ref.kind ?? '', name: ref.name ?? '' };
}

function rulesOf(role: KObject): PolicyRule[] {
  return Array.isArray(role.rules) ? (role.rules as PolicyRule[]) : [];
}

/** `responsewriters.forbiddenMessage`. */
export function forbiddenMessage(a: Attributes): string {
  if (!a.resourceRequest) return `User "${a.user.username}" cannot ${a.verb} path "${a.path}"`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  if (a.namespace) return `User "${a.user.username}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" in the namespace "${a.namespace}"`;
  return `User "${a.user.username}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" at the cluster scope`;
}

/** `responsewriters.Forbidden`: `&<>` escaped in the message, the reason appended as `: <reason>`. */
export function forbiddenError(a: Attributes, reason: string): ApiError {
  const msg = forbiddenMessage(a).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const full = reason ? `${msg}: ${reason}` : msg;
  if (!a.resourceRequest) return forbidden('', '', '', full);
  return forbidden(a.resource, a.apiGroup, a.name, full);
}
