/**
 * Validation of RBAC objects (pkg/apis/rbac/validation/validation.go) as kube-apiserver v1.37 reports
 * it: the hand-written checks first, then the ones declarative validation now owns (marked
 * `MarkCoveredByDeclarative`), which lose their detail text (`rules[0].verbs: Required value`).
 * Defaults first (rbac/v1 defaults.go): roleRef.apiGroup and User/Group subjects' apiGroup.
 */
import type { KObject } from './api';
import { isRecord } from './jwt';
import { validateName } from './names';
import { core, type ResourceType } from './resources';
import type { FieldError } from './status';

const GROUP = 'rbac.authorization.k8s.io';

/** SetDefaults_RoleBinding / _ClusterRoleBinding / _Subject. */
export function defaultRbac(rt: ResourceType, obj: Record<string, unknown>): void {
  if ((rt === core.roleBindings || rt === core.clusterRoleBindings) && isRecord(obj.roleRef) && !obj.roleRef.apiGroup) obj.roleRef.apiGroup = GROUP;
  if (Array.isArray(obj.subjects)) {
    for (const s of obj.subjects) if (isRecord(s) && !s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = GROUP;
  }
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

function policyRule(rule: Record<string, unknown>, namespaced: boolean, at: string, hand: FieldError[], declared: FieldError[]): void {
  if (list(rule.verbs).length === 0) declared.push({ type: 'Required value', field: `${at}.verbs` });
  const urls = list(rule.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) hand.push({ type: 'Invalid value', field: `${at}.nonResourceURLs`, value: urls, detail: 'namespaced rules cannot apply to non-resource URLs' });
    if (list(rule.apiGroups).length || list(rule.resources).length || list(rule.resourceNames).length) {
      hand.push({ type: 'Invalid value', field: `${at}.nonResourceURLs`, value: urls, detail: 'rules cannot apply to both regular resources and non-resource URLs' });
    }
    return;
  }
  if (list(rule.apiGroups).length === 0) hand.push({ type: 'Required value', field: `${at}.apiGroups`, detail: 'resource rules must supply at least one api group' });
  if (list(rule.resources).length === 0) hand.push({ type: 'Required value', field: `${at}.resources`, detail: 'resource rules must supply at least one resource' });
}

function subject(s: Record<string, unknown>, namespaced: boolean, at: string, hand: FieldError[], declared: FieldError[]): void {
  const name = typeof s.name === 'string' ? s.name : '';
  const apiGroup = typeof s.apiGroup === 'string' ? s.apiGroup : '';
  if (!name) declared.push({ type: 'Required value', field: `${at}.name` });
  switch (s.kind) {
    case 'ServiceAccount':
      if (name) hand.push(...validateName(name, 'subdomain', `${at}.name`));
      if (apiGroup) hand.push({ type: 'Unsupported value', field: `${at}.apiGroup`, value: apiGroup, detail: 'supported values: ""' });
      if (!namespaced && !s.namespace) hand.push({ type: 'Required value', field: `${at}.namespace` });
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== GROUP) hand.push({ type: 'Unsupported value', field: `${at}.apiGroup`, value: apiGroup, detail: `supported values: "${GROUP}"` });
      break;
    default:
      hand.push({ type: 'Unsupported value', field: `${at}.kind`, value: String(s.kind ?? ''), detail: 'supported values: "ServiceAccount", "User", "Group"' });
  }
}

/** The field errors of a Role, ClusterRole or binding (`old`: the stored object of an update). */
export function validateRbac(rt: ResourceType, obj: KObject, old?: KObject): FieldError[] {
  const hand: FieldError[] = [];
  const declared: FieldError[] = [];
  const namespaced = rt.namespaced;
  if (rt === core.roles || rt === core.clusterRoles) {
    (Array.isArray(obj.rules) ? obj.rules : []).forEach((r, i) => policyRule(isRecord(r) ? r : {}, namespaced, `rules[${i}]`, hand, declared));
    if (rt === core.clusterRoles && isRecord(obj.aggregationRule) && list(obj.aggregationRule.clusterRoleSelectors).length === 0) {
      hand.push({ type: 'Required value', field: 'aggregationRule.clusterRoleSelectors', detail: 'at least one clusterRoleSelector required if aggregationRule is non-nil' });
    }
  } else if (rt === core.roleBindings || rt === core.clusterRoleBindings) {
    const ref = isRecord(obj.roleRef) ? obj.roleRef : {};
    const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
    if (ref.apiGroup !== GROUP) hand.push({ type: 'Unsupported value', field: 'roleRef.apiGroup', value: String(ref.apiGroup ?? ''), detail: `supported values: "${GROUP}"` });
    if (!kinds.includes(String(ref.kind ?? ''))) hand.push({ type: 'Unsupported value', field: 'roleRef.kind', value: String(ref.kind ?? ''), detail: `supported values: ${kinds.map((k) => `"${k}"`).join(', ')}` });
    const refName = typeof ref.name === 'string' ? ref.name : '';
    if (!refName) declared.push({ type: 'Required value', field: 'roleRef.name' });
    else hand.push(...validateName(refName, 'pathSegment', 'roleRef.name'));
    (Array.isArray(obj.subjects) ? obj.subjects : []).forEach((s, i) => subject(isRecord(s) ? s : {}, namespaced, `subjects[${i}]`, hand, declared));
    if (old && JSON.stringify(old.roleRef) !== JSON.stringify(obj.roleRef)) {
      // The internal RoleRef has no JSON tags: its value prints with Go field names.
      const value = { APIGroup: ref.apiGroup ?? '', Kind: ref.kind ?? '', Name: refName };
      declared.push({ type: 'Invalid value', field: 'roleRef', value, detail: 'field is immutable' });
    }
  }
  return [...hand, ...declared];
}
