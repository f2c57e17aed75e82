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

export interface RbacRole {
  kind: 'Role' | 'ClusterRole';
  name: string;
  /** Set for Roles. */
  namespace?: string;
  rules: PolicyRule[];
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

/** The binding (and role) that grants a request, as the RBAC reason string names it. */
export interface GrantRef {
  bindingKind: 'RoleBinding' | 'ClusterRoleBinding';
  bindingName: string;
  bindingNamespace?: string;
  roleKind: string;
  roleName: string;
  /** How the subject is named in the binding, e.g. `ServiceAccount "ci-deployer/demo"`, `Group "system:serviceaccounts"`. */
  subject: string;
}

const has = (list: readonly string[] | undefined, v: string): boolean => !!list && (list.includes('*') || list.includes(v));

function resourceMatches(rule: PolicyRule, resource: string, subresource: string | undefined): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some((r) => r === '*' || r === combined || (subresource !== undefined && r === `*/${subresource}`));
}

/** rbac.RuleAllows for a resource request. */
export function ruleAllows(rule: PolicyRule, req: AccessRequest): boolean {
  if (!has(rule.verbs, req.verb) || !has(rule.apiGroups, req.group) || !resourceMatches(rule, req.resource, req.subresource)) return false;
  return !rule.resourceNames?.length || (req.name !== undefined && rule.resourceNames.includes(req.name));
}

/** appliesToUser: the first subject of the binding that names this identity, described as RBAC does. */
function matchingSubject(binding: RbacBinding, who: Identity): string | undefined {
  const ns = binding.namespace ?? '';
  for (const s of binding.subjects) {
    switch (s.kind) {
      case 'User':
        if (s.name === who.user) return `User "${s.name}"`;
        break;
      case 'Group':
        if (who.groups.includes(s.name)) return `Group "${s.name}"`;
        break;
      case 'ServiceAccount': {
        const saNs = s.namespace || ns;
        if (`system:serviceaccount:${saNs}:${s.name}` === who.user) return `ServiceAccount "${s.name}/${saNs}"`;
        break;
      }
    }
  }
  return undefined;
}

function roleFor(objects: RbacObjects, binding: RbacBinding): RbacRole | undefined {
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

/**
 * The roles that apply to the identity in a namespace, in the authorizer's order: ClusterRoleBindings
 * first, then the namespace's RoleBindings (a ClusterRoleBinding to a Role never applies).
 */
export function applicableRoles(objects: RbacObjects, who: Identity, namespace: string | undefined): ApplicableRole[] {
  const out: ApplicableRole[] = [];
  const bindings = [...objects.clusterRoleBindings, ...(namespace ? objects.roleBindings.filter((b) => b.namespace === namespace) : [])];
  for (const b of bindings) {
    if (b.kind === 'ClusterRoleBinding' && b.roleRef.kind !== 'ClusterRole') continue;
    const subject = matchingSubject(b, who);
    if (!subject) continue;
    const grant: GrantRef = { bindingKind: b.kind, bindingName: b.name, bindingNamespace: b.namespace, roleKind: b.roleRef.kind, roleName: b.roleRef.name, subject };
    out.push({ grant, rules: roleFor(objects, b)?.rules });
  }
  return out;
}

/** Every binding that grants the request, the one RBAC would name in its reason first. */
export function grantsFor(objects: RbacObjects, who: Identity, req: AccessRequest): GrantRef[] {
  return applicableRoles(objects, who, req.namespace)
    .filter((r) => r.rules?.some((rule) => !rule.nonResourceURLs?.length && ruleAllows(rule, req)))
    .map((r) => r.grant);
}

/** The `RBAC: allowed by …` text kube-apiserver gives for a grant. */
export function reasonOf(g: GrantRef): string {
  const binding = g.bindingKind === 'RoleBinding' ? `RoleBinding "${g.bindingName}/${g.bindingNamespace ?? ''}"` : `ClusterRoleBinding "${g.bindingName}"`;
  return `RBAC: allowed by ${binding} of ${g.roleKind} "${g.roleName}" to ${g.subject}`;
}

const REASON =
  /allowed by (RoleBinding|ClusterRoleBinding) "([^"/]+)(?:\/([^"]+))?" of (Role|ClusterRole) "([^"]+)" to ((?:ServiceAccount|User|Group) "[^"]+")/;

/** Parses a SubjectAccessReview reason back into the grant it names; undefined for other texts. */
export function parseReason(reason: string | undefined): GrantRef | undefined {
  const m = reason ? REASON.exec(reason) : null;
  if (!m) return undefined;
  const [, bindingKind, bindingName, bindingNamespace, roleKind, roleName, subject] = m;
  return {
    bindingKind: bindingKind as GrantRef['bindingKind'],
    bindingName,
    bindingNamespace: bindingKind === 'RoleBinding' ? bindingNamespace : undefined,
    roleKind,
    roleName,
    subject,
  };
}

/** `RoleBinding demo/ci-deployer → Role ci-deployer` */
export function describeGrant(g: GrantRef): string {
  const binding = g.bindingKind === 'RoleBinding' ? `${g.bindingKind} ${g.bindingNamespace ?? ''}/${g.bindingName}` : `${g.bindingKind} ${g.bindingName}`;
  return `${binding} → ${g.roleKind} ${g.roleName} (${g.subject})`;
}
