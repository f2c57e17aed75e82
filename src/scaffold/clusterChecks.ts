/**
 * The checks of a manifest that need the connected cluster: audiences the API server does not
 * accept, and ServiceAccounts that do not exist (the workload lints in workloadLints.ts use the same
 * facts). The facts are looked up elsewhere (cached, debounced); this only turns them into findings
 * and fixes. Pure: no `vscode`, no cluster.
 */
import * as l10n from '@vscode/l10n';
import { closestNames } from './closestNames';
import type { Finding, ManifestAnalysis, QuickFix } from './manifestAnalysis';
import { yamlValue } from './yamlText';

export interface ClusterFacts {
  context: string;
  /** Namespace for documents that name none (the context's, else `default`). */
  defaultNamespace: string;
  /**
   * The API audiences, or undefined when they could not be learnt (then no audience check).
   * `token`: the defaults of a token minted from the context (or a dry-run TokenRequest), which are
   * exactly the API audiences; `issuer`: only the issuer is known, which is one of them at best.
   */
  apiAudiences?: { values: readonly string[]; source: 'token' | 'issuer' };
  /** ServiceAccount names by namespace; a namespace missing here was not (or could not be) listed. */
  serviceAccounts: ReadonlyMap<string, readonly string[]>;
  /** Names of Secrets of type kubernetes.io/service-account-token by namespace, where listed. */
  legacyTokenSecrets?: ReadonlyMap<string, readonly string[]>;
  /** The longest token lifetime the cluster grants, when a clamp showed it or its provider documents it. */
  maxTokenSeconds?: { seconds: number; source: 'clamp' | 'provider'; provider?: string };
}

/** The namespaces whose ServiceAccounts the analysis needs (pod specs and binding subjects). */
export function namespacesToList(analysis: ManifestAnalysis, defaultNamespace: string): string[] {
  return [
    ...new Set([
      ...analysis.serviceAccounts.map((s) => s.namespace ?? defaultNamespace),
      ...analysis.subjects.filter((s) => s.namespace !== undefined || s.bindingKind === 'RoleBinding').map((s) => s.namespace ?? defaultNamespace),
    ]),
  ];
}

/** The namespaces of workloads that mount Secret volumes (to learn which are legacy token Secrets). */
export function secretNamespacesToList(analysis: ManifestAnalysis, defaultNamespace: string): string[] {
  return [...new Set(analysis.workloads.filter((w) => w.secretVolumes.length > 0).map((w) => w.namespace ?? defaultNamespace))];
}

function serviceAccountDocument(name: string, namespace: string): string {
  return `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${yamlValue(name)}\n  namespace: ${yamlValue(namespace)}\n`;
}

export function clusterFindings(text: string, analysis: ManifestAnalysis, facts: ClusterFacts): Finding[] {
  const out: Finding[] = [];
  const known = facts.apiAudiences?.values;
  const fromIssuer = facts.apiAudiences?.source === 'issuer';
  if (known && known.length > 0) {
    for (const a of analysis.audiences) {
      if (known.includes(a.audience)) continue;
      const fixes: QuickFix[] = known.map((k, i) => ({ title: l10n.t('Use the API audience "{0}"', k), edits: [{ start: a.start, end: a.end, newText: yamlValue(k) }], preferred: i === 0 }));
      if (a.removal) fixes.push({ title: l10n.t('Remove the audience (the token then gets the API server\'s audiences)'), edits: [a.removal] });
      out.push({
        code: 'audienceUnknown',
        severity: 'information',
        message: fromIssuer
          ? l10n.t(
              'Audience "{0}" is not the issuer of context "{1}" ({2}), the only API audience known here. The API server rejects tokens for it unless --api-audiences lists it; mint a token from this context to learn all its API audiences. That is right only if the token is meant for another service.',
              a.audience,
              facts.context,
              known.join(', '),
            )
          : l10n.t(
              'Audience "{0}" is not an API audience of context "{1}" ({2}): the API server rejects tokens for it. That is right only if the token is meant for another service.',
              a.audience,
              facts.context,
              known.join(', '),
            ),
        start: a.start,
        end: a.end,
        fixes,
      });
    }
  }
  for (const use of analysis.serviceAccounts) {
    const ns = use.namespace ?? facts.defaultNamespace;
    const names = facts.serviceAccounts.get(ns);
    if (!names || names.includes(use.name)) continue;
    if (analysis.defined.some((d) => d.name === use.name && (d.namespace ?? facts.defaultNamespace) === ns)) continue;
    const fixes: QuickFix[] = [
      { title: l10n.t('Add a ServiceAccount "{0}" to this file', use.name), edits: [{ start: text.length, end: text.length, newText: `${text.endsWith('\n') || text.length === 0 ? '' : '\n'}---\n${serviceAccountDocument(use.name, ns)}` }] },
      ...closestNames(use.name, names).map((n) => ({ title: l10n.t('Use the existing ServiceAccount "{0}"', n), edits: [{ start: use.start, end: use.end, newText: yamlValue(n) }] })),
    ];
    out.push({
      code: 'serviceAccountMissing',
      severity: 'warning',
      message: l10n.t('serviceaccounts "{0}" not found: namespace "{1}" of context "{2}" has no such ServiceAccount, so the API server will refuse Pods that use it.', use.name, ns, facts.context),
      start: use.start,
      end: use.end,
      fixes,
    });
  }
  return out;
}
