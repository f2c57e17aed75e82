/**
 * The RBAC generator's model: the chosen resources and verbs become a Role (or ClusterRole) and its
 * binding to one ServiceAccount, and after applying, SubjectAccessReviews of every chosen resource
 * × verb prove that exactly the chosen cells are allowed. Pure: no `vscode`, no cluster.
 */
import * as l10n from '@vscode/l10n';
import { cellsFromAccessReviews, STANDARD_VERBS, type PermissionMatrix, type ResourceCheck } from '../permissions/matrix';
import { parseReason } from '../permissions/rbac';
import type { ManifestObjectLike } from './manifestDocuments';
import { rbacYaml, toDnsName, type PolicyRule, type RbacSpec } from '../rbac/rbacYaml';

/** A resource to grant on: `group` '' is the core group; `resource` may be `pods/log`. */
export interface ChosenResource {
  group: string;
  resource: string;
}

export interface RbacChoice {
  serviceAccount: { namespace: string; name: string };
  resources: ChosenResource[];
  verbs: string[];
  /** 'namespace': Role + RoleBinding in the ServiceAccount's namespace; 'cluster': ClusterRole + ClusterRoleBinding. */
  scope: 'namespace' | 'cluster';
  name?: string;
}

/** `deployments.apps` → { group: 'apps', resource: 'deployments' }; `pods/log` → core group. */
export function parseResource(text: string): ChosenResource {
  const [res, ...group] = text.split('.');
  return { group: group.join('.'), resource: res };
}

export const resourceLabel = (r: ChosenResource): string => (r.group ? `${r.resource}.${r.group}` : r.resource);

export function rbacSpecFor(choice: RbacChoice): RbacSpec {
  const byGroup = new Map<string, string[]>();
  for (const r of choice.resources) byGroup.set(r.group, [...(byGroup.get(r.group) ?? []), r.resource]);
  const rules: PolicyRule[] = [...byGroup.entries()].map(([group, resources]) => ({ apiGroups: [group], resources: [...new Set(resources)], verbs: [...new Set(choice.verbs)] }));
  const sa = choice.serviceAccount;
  return {
    name: choice.name ?? toDnsName(`${sa.name}-${choice.scope === 'cluster' ? `${sa.namespace}-` : ''}access`),
    namespace: choice.scope === 'namespace' ? sa.namespace : undefined,
    rules,
    subject: { kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace },
  };
}

export function rbacChoiceYaml(choice: RbacChoice): string {
  return rbacYaml(rbacSpecFor(choice));
}

/** What the proof checks: the Role's rules, from the applied objects (so edits to the YAML count). */
export interface ProofPlan {
  serviceAccount: { namespace: string; name: string };
  /** Namespace of the SubjectAccessReviews; undefined for a cluster-wide grant. */
  namespace?: string;
  rules: PolicyRule[];
}

type Obj = ManifestObjectLike;
const rulesOf = (o: Obj): PolicyRule[] => (Array.isArray(o.rules) ? (o.rules as PolicyRule[]) : []);

/**
 * A proof plan when the objects are one Role/ClusterRole and a binding of it to a ServiceAccount
 * (what the generator makes, possibly edited); undefined otherwise.
 */
export function proofPlanFor(objects: readonly Obj[], defaultNamespace: string): ProofPlan | undefined {
  for (const binding of objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
    const roleRef = binding.roleRef as { kind?: string; name?: string } | undefined;
    const subjects = Array.isArray(binding.subjects) ? (binding.subjects as { kind?: string; name?: string; namespace?: string }[]) : [];
    const sa = subjects.find((s) => s.kind === 'ServiceAccount' && s.name);
    const bindingNs = binding.kind === 'RoleBinding' ? (binding.metadata.namespace ?? defaultNamespace) : undefined;
    const role = objects.find((o) => o.kind === roleRef?.kind && o.metadata.name === roleRef?.name && (o.kind === 'ClusterRole' || (o.metadata.namespace ?? defaultNamespace) === bindingNs));
    if (!sa?.name || !role) continue;
    const rules = rulesOf(role).filter((r) => !r.resourceNames?.length);
    if (rules.length === 0) continue;
    return { serviceAccount: { namespace: sa.namespace ?? bindingNs ?? defaultNamespace, name: sa.name }, namespace: bindingNs, rules };
  }
  return undefined;
}

export interface ProofCell {
  check: ResourceCheck;
  verb: string;
  /** Whether the rules grant it. */
  expected: boolean;
}

/** Every resource the rules name × (the standard verbs ∪ the granted verbs). Wildcards are not expanded. */
export function proofCells(plan: ProofPlan): ProofCell[] {
  const verbs = [...new Set([...STANDARD_VERBS, ...plan.rules.flatMap((r) => r.verbs).filter((v) => v !== '*')])];
  const cells: ProofCell[] = [];
  const seen = new Set<string>();
  for (const rule of plan.rules) {
    for (const group of rule.apiGroups) {
      for (const res of rule.resources) {
        if (group === '*' || res === '*' || seen.has(`${group}/${res}`)) continue;
        seen.add(`${group}/${res}`);
        const [resource, subresource] = res.split('/');
        const check: ResourceCheck = { group, resource, subresource, verbs };
        for (const verb of verbs) {
          const expected = plan.rules.some((r) => (r.apiGroups.includes(group) || r.apiGroups.includes('*')) && (r.resources.includes(res) || r.resources.includes('*')) && (r.verbs.includes(verb) || r.verbs.includes('*')));
          cells.push({ check, verb, expected });
        }
      }
    }
  }
  return cells;
}

export interface ProofResult {
  matrix: PermissionMatrix;
  /** Cells whose review disagrees with the rules (e.g. another binding also grants a verb). */
  mismatches: { resource: string; group: string; verb: string; expected: boolean; allowed: boolean }[];
  exact: boolean;
}

/** The proof matrix from the reviews' answers (in `cells` order). */
export function proofResult(context: string, plan: ProofPlan, cells: readonly ProofCell[], answers: readonly { allowed: boolean; reason?: string }[], now = new Date()): ProofResult {
  const checks = [...new Set(cells.map((c) => c.check))];
  const grid = cellsFromAccessReviews(
    cells.map((c, i) => ({ check: c.check, verb: c.verb, allowed: answers[i].allowed, grant: parseReason(answers[i].reason) })),
    checks,
  );
  const mismatches = cells
    .map((c, i) => ({ resource: c.check.subresource ? `${c.check.resource}/${c.check.subresource}` : c.check.resource, group: c.check.group, verb: c.verb, expected: c.expected, allowed: answers[i].allowed }))
    .filter((m) => m.expected !== m.allowed);
  const denied = new Map<string, string[]>();
  cells.forEach((c, i) => {
    if (answers[i].allowed) return;
    const key = resourceLabel({ group: c.check.group, resource: c.check.subresource ? `${c.check.resource}/${c.check.subresource}` : c.check.resource });
    denied.set(key, [...(denied.get(key) ?? []), c.verb]);
  });
  const notes = [
    mismatches.length === 0
      ? l10n.t('Proof: SubjectAccessReviews allow exactly the chosen verbs on these resources.')
      : l10n.t('Proof FAILED: {0} cell(s) differ from the chosen rules.', mismatches.length),
    ...mismatches.map((m) =>
      m.allowed
        ? l10n.t('{0} {1} is allowed although not chosen (another binding grants it).', m.verb, resourceLabel(m))
        : l10n.t('{0} {1} was chosen but is denied.', m.verb, resourceLabel(m)),
    ),
    ...[...denied.entries()].map(([res, verbs]) => l10n.t('Denied on {0}: {1}.', res, verbs.join(', '))),
  ];
  const matrix: PermissionMatrix = {
    context,
    serviceAccount: plan.serviceAccount,
    namespace: plan.namespace ?? l10n.t('(all namespaces)'),
    method: 'accessReview',
    fallbacks: [],
    notes,
    incomplete: false,
    ...grid,
    generatedAt: now.toISOString(),
  };
  return { matrix, mismatches, exact: mismatches.length === 0 };
}

