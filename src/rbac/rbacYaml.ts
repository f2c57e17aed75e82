/**
 * RBAC manifests for a set of rules and one subject. Pure: used by the RBAC generator, by error
 * messages that offer "the Role that would grant this", and by tests.
 */
import { yaml } from '../loader/yaml';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

export type RbacSubject =
  | { kind: 'ServiceAccount'; name: string; namespace: string }
  | { kind: 'User' | 'Group'; name: string };

export interface RbacSpec {
  /** Name of the Role/ClusterRole and of its binding. */
  name: string;
  /** Namespace for a Role + RoleBinding; undefined for ClusterRole + ClusterRoleBinding. */
  namespace?: string;
  rules: PolicyRule[];
  subject: RbacSubject;
}

type Manifest = Record<string, unknown>;

/** The Role (or ClusterRole) and its binding, as objects. */
export function rbacObjects(spec: RbacSpec): [Manifest, Manifest] {
  const clusterScope = spec.namespace === undefined;
  const meta = clusterScope ? { name: spec.name } : { name: spec.name, namespace: spec.namespace };
  const role: Manifest = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: clusterScope ? 'ClusterRole' : 'Role',
    metadata: meta,
    rules: spec.rules.map((r) => (r.resourceNames?.length ? { ...r } : { apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs })),
  };
  const subject =
    spec.subject.kind === 'ServiceAccount'
      ? { kind: 'ServiceAccount', name: spec.subject.name, namespace: spec.subject.namespace }
      : { kind: spec.subject.kind, apiGroup: 'rbac.authorization.k8s.io', name: spec.subject.name };
  const binding: Manifest = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: clusterScope ? 'ClusterRoleBinding' : 'RoleBinding',
    metadata: meta,
    subjects: [subject],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: clusterScope ? 'ClusterRole' : 'Role', name: spec.name },
  };
  return [role, binding];
}

/** The same two objects as one multi-document YAML text. */
export function rbacYaml(spec: RbacSpec): string {
  return rbacObjects(spec)
    .map((o) => yaml().stringify(o, { lineWidth: 0 }))
    .join('---\n');
}

/** A DNS-1123 name derived from free text, e.g. for `sa-name-token-creator`. */
export function toDnsName(text: string, maxLength = 63): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^\da-z]+|(?<![^\da-z])[^\da-z]+$/g, '');
  return (s || 'generated').slice(0, maxLength).replace(/(?<![^\da-z])[^\da-z]+$/, '');
}
