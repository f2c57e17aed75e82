/**
 * RBAC's privilege-escalation prevention on writes of Roles, ClusterRoles and their bindings
 * (kube-apiserver pkg/registry/rbac: escalation_check.go, {role,clusterrole,rolebinding,
 * clusterrolebinding}/policybased/storage.go, validation/rule.go ConfirmNoEscalation,
 * policy_compact.go; component-helpers auth/rbac/validation Covers):
 * - system:masters may write anything;
 * - a (Cluster)Role needs `escalate` on it, or every rule it grants must already be held by the
 *   writer in that namespace; an aggregationRule needs full authority;
 * - a binding needs `bind` on the role it references, or the referenced role must exist (404
 *   otherwise, named after the binding resource as the registry's context names it) and grant
 *   nothing the writer does not hold.
 * Runs before validation, on create and on every update (apply and patch included) that changes
 * more than the fields the garbage collector writes.
 */
import type { KObject } from './api';
import { goQuotedList, type UserInfo } from './context';
import { isRecord } from './jwt';
import type { Authorizer, PolicyRule } from './rbac';
import { core, type ResourceType } from './resources';
import type { Store } from './store';
import { aggregate, forbidden, internalError, notFound } from './status';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const PRIVILEGED = 'system:masters';

const has = (set: readonly string[] | undefined, v: string): boolean => (set ?? []).includes(v);
const hasAll = (set: readonly string[] | undefined, want: readonly string[] | undefined): boolean => (want ?? []).every((w) => has(set, w));

/** BreakdownRule: one verb, group, resource (and resource name) per rule; non-resource URLs with each verb. */
function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs ?? []) {
        if (rule.resourceNames?.length) for (const n of rule.resourceNames) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [n] });
        else out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs ?? []) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

function resourceCoversAll(owner: readonly string[] | undefined, wanted: readonly string[] | undefined): boolean {
  if (has(owner, '*') || hasAll(owner, wanted)) return true;
  return (wanted ?? []).every((path) => has(owner, path) || (path.includes('/') && has(owner, `*/${path.split('/').slice(1).join('/')}`)));
}

function urlCovers(owner: string, path: string): boolean {
  if (owner === path) return true;
  // strings.TrimRight(owner, "*"), as a loop: linear on a long run of stars.
  let end = owner.length;
  while (end > 0 && owner[end - 1] === '*') end--;
  return end < owner.length && path.startsWith(owner.slice(0, end));
}

/** ruleCovers. */
function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = has(owner.verbs, '*') || hasAll(owner.verbs, sub.verbs);
  const groups = has(owner.apiGroups, '*') || hasAll(owner.apiGroups, sub.apiGroups);
  const urls = (sub.nonResourceURLs ?? []).every((p) => (owner.nonResourceURLs ?? []).some((o) => urlCovers(o, p)));
  const names = sub.resourceNames?.length ? !owner.resourceNames?.length || hasAll(owner.resourceNames, sub.resourceNames) : !owner.resourceNames?.length;
  return verbs && groups && resourceCoversAll(owner.resources, sub.resources) && names && urls;
}

/** rbacv1helpers.CompactString. */
function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuotedList(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuotedList(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuotedList(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuotedList(r.resourceNames)}`);
  if (r.verbs?.length) parts.push(`Verbs:${goQuotedList(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/** CompactRules: simple rules (one group, one resource, at most one name) that differ only in verbs become one. */
function compactRules(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple = !r.nonResourceURLs?.length && (r.resourceNames?.length ?? 0) <= 1 && r.apiGroups?.length === 1 && r.resources?.length === 1;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups, r.resources, r.resourceNames ?? null]);
    const existing = simple.get(key);
    if (existing) existing.verbs = [...(existing.verbs ?? []), ...(r.verbs ?? [])];
    else simple.set(key, { ...r, verbs: [...(r.verbs ?? [])] });
  }
  return [...out, ...simple.values()];
}

function rulesOf(obj: Record<string, unknown>): PolicyRule[] {
  return Array.isArray(obj.rules) ? (obj.rules as PolicyRule[]) : [];
}

export class EscalationCheck {
  constructor(
    private readonly store: Store,
    private readonly authz: Authorizer,
  ) {}

  /** ConfirmNoEscalation: the error text when `rules` grant more than `user` holds in `namespace`. */
  missingRights(user: UserInfo, namespace: string, rules: PolicyRule[]): string | undefined {
    const owned = this.authz.rulesFor(user, namespace);
    const ownerRules = [...owned.resourceRules, ...owned.nonResourceRules];
    const missing = rules.flatMap(breakdown).filter((sub) => !ownerRules.some((o) => ruleCovers(o, sub)));
    if (missing.length === 0) return undefined;
    const lines = [...new Set(compactRules(missing).map(compactString))].sort();
    let msg = `user "${user.username}" (groups=${goQuotedList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
    if (owned.errors.length) msg += `; resolution errors: [${aggregate(owned.errors)}]`;
    return msg;
  }

  private allowed(user: UserInfo, verb: string, resource: string, name: string, namespace: string, apiGroup = RBAC_GROUP): boolean {
    return this.authz.authorize({ user, verb, resourceRequest: true, namespace, apiGroup, apiVersion: '*', resource, subresource: '', name, path: '' }).allowed;
  }

  /**
   * Throws the 403/404 kube-apiserver answers when `user` writes `obj` (`old`: the stored object
   * of an update) in `namespace`; returns for every other resource.
   */
  check(user: UserInfo, rt: ResourceType, namespace: string, obj: KObject, old?: KObject): void {
    const isRole = rt === core.roles || rt === core.clusterRoles;
    const isBinding = rt === core.roleBindings || rt === core.clusterRoleBindings;
    if ((!isRole && !isBinding) || user.groups.includes(PRIVILEGED)) return;
    if (old && onlyGarbageCollectorFields(old, obj)) return;
    const ns = rt.namespaced ? namespace : '';
    const name = obj.metadata.name;
    if (isRole) {
      if (this.allowed(user, 'escalate', rt.resource, name, ns)) return;
      const missing = this.missingRights(user, ns, rulesOf(obj));
      if (missing) throw forbidden(rt.resource, RBAC_GROUP, name, missing);
      const full: PolicyRule[] = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }];
      if (rt === core.clusterRoles && isRecord(obj.aggregationRule) && this.missingRights(user, ns, full)) {
        throw forbidden(rt.resource, RBAC_GROUP, name, 'must have cluster-admin privileges to use the aggregationRule');
      }
      return;
    }
    const ref = (isRecord(obj.roleRef) ? obj.roleRef : {}) as { apiGroup?: string; kind?: string; name?: string };
    const refName = ref.name ?? '';
    if (ref.kind === 'Role' || ref.kind === 'ClusterRole') {
      if (this.allowed(user, 'bind', ref.kind === 'Role' ? 'roles' : 'clusterroles', refName, ns, ref.apiGroup ?? '')) return;
    }
    let role: KObject | undefined;
    if (ref.kind === 'Role') role = this.store.get(core.roles, ns, refName);
    else if (ref.kind === 'ClusterRole') role = this.store.get(core.clusterRoles, undefined, refName);
    else throw internalError(`unsupported role reference kind: "${ref.kind ?? ''}"`);
    // The role registry's Get reports NotFound under the resource of the request in its context.
    if (!role) throw notFound(rt.resource, RBAC_GROUP, refName);
    const missing = this.missingRights(user, ns, rulesOf(role));
    if (missing) throw forbidden(rt.resource, RBAC_GROUP, name, missing);
  }
}

/** IsOnlyMutatingGCFields: nothing but ownerReferences and finalizers changed. */
function onlyGarbageCollectorFields(old: KObject, obj: KObject): boolean {
  const strip = (o: KObject): string => {
    const { ownerReferences: _o, finalizers: _f, managedFields: _m, resourceVersion: _r, ...meta } = o.metadata;
    return JSON.stringify({ ...o, metadata: meta });
  };
  return strip(old) === strip(obj);
}

