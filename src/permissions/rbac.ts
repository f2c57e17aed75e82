/**
 * RBAC evaluation as kube-apiserver's authorizer does it (plugin/pkg/auth/authorizer/rbac): which
 * bindings grant a subject a verb on a resource, and which rules apply to it in a namespace. Used
 * to name the binding behind each allowed cell when the server did not say (SelfSubjectRulesReview
 * has no reasons), and to build the matrix from RBAC objects when no review may be made.
 * Pure: no `vscode`, no cluster calls.
 */

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** metav1.LabelSelector */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface RbacRole {
  kind: 'Role' | 'ClusterRole';
  name: string;
  /** Set for Roles. */
  namespace?: string;
  rules: PolicyRule[];
  labels?: Record<string, string>;
  /** ClusterRoles only: the rules of the ClusterRoles these select are copied into `rules` by a controller. */
  aggregationRule?: { clusterRoleSelectors?: LabelSelector[] };
}

export interface RbacSubject {
  kind: string;
  name: string;
  namespace?: string;
}

export interface RbacBinding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  /** Set for RoleBindings. */
  namespace?: string;
  roleRef: { kind: string; name: string };
  subjects: RbacSubject[];
}

export interface RbacObjects {
  roles: RbacRole[];
  clusterRoles: RbacRole[];
  roleBindings: RbacBinding[];
  clusterRoleBindings: RbacBinding[];
}

/** Who is asking: the username and groups the authenticator gives them. */
export interface Identity {
  user: string;
  groups: string[];
}

/** A ServiceAccount as kube-apiserver authenticates it (username plus its three groups). */
export function serviceAccountIdentity(namespace: string, name: string): Identity {
  return { user: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] };
}

export interface AccessRequest {
  verb: string;
  /** API group; '' is the core group. */
  group: string;
  resource: string;
  subresource?: string;
  /** Omitted for a cluster-wide request: then only ClusterRoleBindings count. */
  namespace?: string;
  name?: string;
}

/** A binding subject; a ServiceAccount's namespace is filled in from the binding when the subject omits it. */
export interface SubjectRef {
  kind: string;
  name: string;
  namespace?: string;
}

/** The binding (and role) that grants a request, as the RBAC reason string names it. */
export interface GrantRef {
  bindingKind: 'RoleBinding' | 'ClusterRoleBinding';
  bindingName: string;
  bindingNamespace?: string;
  roleKind: string;
  roleName: string;
  /** The subject of the binding that matched. */
  subject: SubjectRef;
}

const has = (list: readonly string[] | undefined, v: string): boolean => !!list && (list.includes('*') || list.includes(v));

/** rbacv1helpers.ResourceMatches: `*`, the exact `resource/subresource`, or `*\/subresource`. */
function resourceMatches(rule: PolicyRule, resource: string, subresource: string | undefined): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some((r) => r === '*' || r === combined || (!!subresource && r === `*/${subresource}`));
}

/**
 * rbac.RuleAllows for a resource request (plugin/pkg/auth/authorizer/rbac/rbac.go and
 * pkg/apis/rbac/v1/evaluation_helpers.go): every list must match, `*` matches anything, and a rule
 * with resourceNames matches only a request that names one of them.
 */
export function ruleAllows(rule: PolicyRule, req: AccessRequest): boolean {
  if (!has(rule.verbs, req.verb) || !has(rule.apiGroups, req.group) || !resourceMatches(rule, req.resource, req.subresource)) return false;
  return !rule.resourceNames?.length || (req.name !== undefined && rule.resourceNames.includes(req.name));
}

/**
 * appliesToUser (pkg/registry/rbac/validation/rule.go): the first subject of the binding that names
 * this identity. A ServiceAccount subject without a namespace means the RoleBinding's namespace; in
 * a ClusterRoleBinding it matches nobody.
 */
function matchingSubject(binding: RbacBinding, who: Identity): SubjectRef | undefined {
  const ns = binding.namespace ?? '';
  for (const s of binding.subjects) {
    switch (s.kind) {
      case 'User':
        if (s.name === who.user) return { kind: 'User', name: s.name };
        break;
      case 'Group':
        if (who.groups.includes(s.name)) return { kind: 'Group', name: s.name };
        break;
      case 'ServiceAccount': {
        const saNs = s.namespace || ns;
        if (saNs && `system:serviceaccount:${saNs}:${s.name}` === who.user) return { kind: 'ServiceAccount', name: s.name, namespace: saNs };
        break;
      }
    }
  }
  return undefined;
}

/** The role a binding refers to, as GetRoleReferenceRules resolves it; undefined when it does not exist. */
export function roleFor(objects: RbacObjects, binding: RbacBinding): RbacRole | undefined {
  const { kind, name } = binding.roleRef;
  if (kind === 'ClusterRole') return objects.clusterRoles.find((r) => r.name === name);
  if (kind === 'Role' && binding.kind === 'RoleBinding') return objects.roles.find((r) => r.name === name && r.namespace === binding.namespace);
  return undefined;
}

export interface ApplicableRole {
  grant: GrantRef;
  /** Undefined when the binding names a role that does not exist (RBAC then reports an error). */
  rules?: PolicyRule[];
}

function applicable(objects: RbacObjects, who: Identity, bindings: RbacBinding[]): ApplicableRole[] {
  const out: ApplicableRole[] = [];
  for (const b of bindings) {
    if (b.kind === 'ClusterRoleBinding' && b.roleRef.kind !== 'ClusterRole') continue;
    const subject = matchingSubject(b, who);
    if (!subject) continue;
    const grant: GrantRef = { bindingKind: b.kind, bindingName: b.name, bindingNamespace: b.namespace, roleKind: b.roleRef.kind, roleName: b.roleRef.name, subject };
    out.push({ grant, rules: roleFor(objects, b)?.rules });
  }
  return out;
}

/**
 * The roles that apply to the identity in a namespace, in the authorizer's order (VisitRulesFor):
 * ClusterRoleBindings first, then the namespace's RoleBindings (a ClusterRoleBinding to a Role never
 * applies). Without a namespace (a cluster-wide request) only ClusterRoleBindings count.
 */
export function applicableRoles(objects: RbacObjects, who: Identity, namespace: string | undefined): ApplicableRole[] {
  return applicable(objects, who, [...objects.clusterRoleBindings, ...(namespace ? objects.roleBindings.filter((b) => b.namespace === namespace) : [])]);
}

/** The roles that apply to the identity in any namespace: every ClusterRoleBinding, then RoleBindings of every namespace. */
export function applicableRolesAnywhere(objects: RbacObjects, who: Identity): ApplicableRole[] {
  return applicable(objects, who, [...objects.clusterRoleBindings, ...objects.roleBindings]);
}

/** Every binding that grants the request, the one RBAC would name in its reason first. */
export function grantsFor(objects: RbacObjects, who: Identity, req: AccessRequest): GrantRef[] {
  return applicableRoles(objects, who, req.namespace)
    .filter((r) => r.rules?.some((rule) => !rule.nonResourceURLs?.length && ruleAllows(rule, req)))
    .map((r) => r.grant);
}

/**
 * The subject as kube-apiserver's reason names it (describeSubject in
 * pkg/registry/rbac/validation/rule.go): a ServiceAccount as `"name/namespace"`, in that order.
 * Only for reasons; people read `namespace/name` (describeSubject below).
 */
function reasonSubject(s: SubjectRef): string {
  return s.kind === 'ServiceAccount' ? `${s.kind} "${s.name}/${s.namespace ?? ''}"` : `${s.kind} "${s.name}"`;
}

/** The `RBAC: allowed by …` text kube-apiserver gives for a grant (roleBindingDescriber.String). */
export function reasonOf(g: GrantRef): string {
  const binding = g.bindingKind === 'RoleBinding' ? `RoleBinding "${g.bindingName}/${g.bindingNamespace ?? ''}"` : `ClusterRoleBinding "${g.bindingName}"`;
  return `RBAC: allowed by ${binding} of ${g.roleKind} "${g.roleName}" to ${reasonSubject(g.subject)}`;
}

const REASON =
  /allowed by (RoleBinding|ClusterRoleBinding) "([^"/]+)(?:\/([^"]+))?" of (Role|ClusterRole) "([^"]+)" to (ServiceAccount|User|Group) "([^"]+)"/;

function parseSubject(kind: string, quoted: string): SubjectRef {
  if (kind !== 'ServiceAccount') return { kind, name: quoted };
  // Neither a ServiceAccount's name nor its namespace can hold a '/' (both are DNS names).
  const slash = quoted.indexOf('/');
  return slash < 0 ? { kind, name: quoted } : { kind, name: quoted.slice(0, slash), namespace: quoted.slice(slash + 1) };
}

/** Parses a SubjectAccessReview reason back into the grant it names; undefined for other texts. */
export function parseReason(reason: string | undefined): GrantRef | undefined {
  const m = reason ? REASON.exec(reason) : null;
  if (!m) return undefined;
  const [, bindingKind, bindingName, bindingNamespace, roleKind, roleName, subjectKind, subjectName] = m;
  return {
    bindingKind: bindingKind as GrantRef['bindingKind'],
    bindingName,
    bindingNamespace: bindingKind === 'RoleBinding' ? bindingNamespace : undefined,
    roleKind,
    roleName,
    subject: parseSubject(subjectKind, subjectName),
  };
}

/** `ServiceAccount demo/ci-deployer`, `Group system:serviceaccounts`: namespace/name, as everywhere else in the extension. */
export function describeSubject(s: SubjectRef): string {
  return s.kind === 'ServiceAccount' && s.namespace ? `${s.kind} ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
}

/** `RoleBinding demo/ci-deployer`, `ClusterRoleBinding view-all` */
export function describeBinding(g: Pick<GrantRef, 'bindingKind' | 'bindingName' | 'bindingNamespace'>): string {
  return g.bindingKind === 'RoleBinding' ? `${g.bindingKind} ${g.bindingNamespace ?? ''}/${g.bindingName}` : `${g.bindingKind} ${g.bindingName}`;
}

/** `RoleBinding demo/ci-deployer → Role ci-deployer (ServiceAccount demo/ci-deployer)` */
export function describeGrant(g: GrantRef): string {
  return `${describeBinding(g)} → ${g.roleKind} ${g.roleName} (${describeSubject(g.subject)})`;
}
