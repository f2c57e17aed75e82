/**
 * A short summary of a SelfSubjectRulesReview: what an identity may do in a namespace, without
 * the rules every authenticated user gets. Pure.
 */
import * as l10n from '@vscode/l10n';
import type { ResourceRule, RulesResult } from '../kube/reviews';

/** Self-reviews are allowed to everyone (system:basic-user); listing them tells nothing. */
const EVERYONE = new Set(['selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'selfsubjectreviews']);
const MAX_LINES = 8;

export interface RulesSummary {
  /** `get, list, watch pods, configmaps`; `* deployments.apps`; … at most 8, then a count. */
  lines: string[];
  /** A rule grants every verb on every resource. */
  wildcard: boolean;
  incomplete: boolean;
  /** The server's evaluationError: bindings it could not resolve (they grant nothing). */
  evaluationError?: string;
}

function resourceText(rule: ResourceRule): string {
  const groups = rule.apiGroups ?? [''];
  const names = (rule.resources ?? []).flatMap((r) => groups.map((g) => (g === '' ? r : `${r}.${g}`)));
  const limited = rule.resourceNames?.length ? ` (${rule.resourceNames.join(', ')})` : '';
  return `${names.join(', ')}${limited}`;
}

export function summarizeRules(r: RulesResult): RulesSummary {
  const meaningful = r.resourceRules.filter((rule) => !(rule.resources ?? []).every((res) => EVERYONE.has(res)));
  const wildcard = meaningful.some((rule) => rule.verbs.includes('*') && (rule.resources ?? []).includes('*') && (rule.apiGroups ?? []).includes('*'));
  const lines = meaningful.slice(0, MAX_LINES).map((rule) => `${rule.verbs.join(', ')} ${resourceText(rule)}`);
  if (meaningful.length > MAX_LINES) lines.push(l10n.t('… and {0} more rules', meaningful.length - MAX_LINES));
  return { lines, wildcard, incomplete: r.incomplete, evaluationError: r.evaluationError };
}
