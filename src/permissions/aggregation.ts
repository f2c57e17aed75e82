/**
 * Aggregated ClusterRoles (`aggregationRule`). The RBAC authorizer reads only a ClusterRole's
 * `rules`; on a real cluster the clusterrole-aggregation controller
 * (pkg/controller/clusterroleaggregation) fills them with the rules of every other ClusterRole its
 * selectors match, without duplicates. So permissions are evaluated from `rules`, as the authorizer
 * does; the selectors are evaluated here only to say where a rule came from, and which rules of
 * selected ClusterRoles are not in `rules` yet (the controller has not caught up, or is not running).
 * Pure: no `vscode`, no cluster calls.
 */
import type { LabelSelector, PolicyRule, RbacRole } from './rbac';

/** metav1.LabelSelectorAsSelector + Matches: every matchLabels pair and every expression must hold. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const present = Object.prototype.hasOwnProperty.call(l, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!present || !values.includes(l[e.key])) return false;
        break;
      case 'NotIn':
        if (present && values.includes(l[e.key])) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        // An unknown operator makes the selector invalid; the controller then aggregates nothing.
        return false;
    }
  }
  return true;
}

/** The ClusterRoles an aggregated ClusterRole selects, by name (itself excluded, as the controller does). */
export function aggregatedSources(role: RbacRole, clusterRoles: readonly RbacRole[]): RbacRole[] {
  const selectors = role.aggregationRule?.clusterRoleSelectors ?? [];
  if (selectors.length === 0) return [];
  return clusterRoles
    .filter((r) => r.name !== role.name && selectors.some((s) => selectorMatches(s, r.labels)))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const norm = (list: readonly string[] | undefined): string => JSON.stringify(list ?? []);

/** equality.Semantic.DeepEqual on PolicyRules: same lists in the same order (nil and empty are equal here). */
export function sameRule(a: PolicyRule, b: PolicyRule): boolean {
  return (
    norm(a.verbs) === norm(b.verbs) &&
    norm(a.apiGroups) === norm(b.apiGroups) &&
    norm(a.resources) === norm(b.resources) &&
    norm(a.resourceNames) === norm(b.resourceNames) &&
    norm(a.nonResourceURLs) === norm(b.nonResourceURLs)
  );
}

/** The selected ClusterRoles that hold this rule of an aggregated ClusterRole. */
export function ruleOrigins(role: RbacRole, rule: PolicyRule, clusterRoles: readonly RbacRole[]): string[] {
  return aggregatedSources(role, clusterRoles)
    .filter((src) => src.rules.some((r) => sameRule(r, rule)))
    .map((src) => src.name);
}

export interface PendingRule {
  /** The selected ClusterRole that holds the rule. */
  from: string;
  rule: PolicyRule;
}

/** Rules of selected ClusterRoles that are not in the aggregated role's `rules`: not in effect yet. */
export function pendingAggregation(role: RbacRole, clusterRoles: readonly RbacRole[]): PendingRule[] {
  const out: PendingRule[] = [];
  for (const src of aggregatedSources(role, clusterRoles)) {
    for (const rule of src.rules) if (!role.rules.some((r) => sameRule(r, rule))) out.push({ from: src.name, rule });
  }
  return out;
}
