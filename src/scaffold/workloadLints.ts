/**
 * Lints of Pods and workload templates around their ServiceAccount token, as kube-linter and Polaris
 * users know them, with quick fixes: running as the `default` ServiceAccount (kube-linter
 * `default-service-account`), an API token mounted that the workload may not need (Polaris
 * `automountServiceAccountToken`; only "consider": a manifest cannot tell whether the program calls
 * the API), legacy token Secrets mounted as volumes, `expirationSeconds` above the cluster's maximum,
 * and RoleBinding / ClusterRoleBinding subjects naming a ServiceAccount that does not exist.
 * With `facts` (the connected cluster) the checks also use what the cluster holds. Pure.
 */
import * as l10n from '@vscode/l10n';
import type { ClusterFacts } from './clusterChecks';
import { closestNames, isLikelyTypo } from './closestNames';
import { SA_TOKEN_SECRET_TYPE, type Finding, type ManifestAnalysis, type QuickFix, type TextEdit } from './manifestAnalysis';
import type { SecretVolumeUse, SubjectUse, WorkloadUse } from './workloadAnalysis';
import { yamlValue } from './yamlText';

const DEFAULT_SA = 'default';

function appendDocument(text: string, doc: string): TextEdit {
  return { start: text.length, end: text.length, newText: `${text.endsWith('\n') || text.length === 0 ? '' : '\n'}---\n${doc}` };
}

function serviceAccountDocument(name: string, namespace: string | undefined, automount?: boolean): string {
  const ns = namespace ? `\n  namespace: ${yamlValue(namespace)}` : '';
  return `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${yamlValue(name)}${ns}\n${automount === false ? 'automountServiceAccountToken: false\n' : ''}`;
}

const insertKey = (w: WorkloadUse, line: string): TextEdit | undefined => (w.insert ? { start: w.insert.offset, end: w.insert.offset, newText: `${' '.repeat(w.insert.indent)}${line}\n` } : undefined);

function defaultServiceAccount(text: string, a: ManifestAnalysis, w: WorkloadUse): Finding | undefined {
  if (w.serviceAccount && w.serviceAccount.name !== DEFAULT_SA) return undefined;
  const name = w.name && w.name !== DEFAULT_SA ? w.name : 'app';
  const reference: TextEdit | undefined = w.serviceAccount ? { start: w.serviceAccount.start, end: w.serviceAccount.end, newText: yamlValue(name) } : insertKey(w, `serviceAccountName: ${yamlValue(name)}`);
  const defined = a.defined.some((d) => d.name === name && d.namespace === w.namespace);
  const fixes: QuickFix[] = reference
    ? [{ title: l10n.t('Run as a dedicated ServiceAccount "{0}"', name), edits: defined ? [reference] : [reference, appendDocument(text, serviceAccountDocument(name, w.namespace))], preferred: true }]
    : [];
  const at = w.serviceAccount ?? w.anchor;
  return {
    code: 'default-service-account',
    severity: 'information',
    message: l10n.t('{0} "{1}" runs as the default ServiceAccount. Create a dedicated ServiceAccount for it, so that what it may do is granted to it alone and shows in audit logs under its own name.', w.kind, w.name),
    start: at.start,
    end: at.end,
    fixes,
  };
}

function automount(a: ManifestAnalysis, w: WorkloadUse): Finding | undefined {
  if (w.automount !== undefined) return undefined;
  const sa = w.serviceAccount?.name ?? DEFAULT_SA;
  // The ServiceAccount's own setting applies when the pod spec has none.
  if (a.defined.some((d) => d.name === sa && d.namespace === w.namespace && d.automount === false)) return undefined;
  const off = insertKey(w, 'automountServiceAccountToken: false');
  const on = insertKey(w, 'automountServiceAccountToken: true');
  const fixes: QuickFix[] = [];
  if (off) fixes.push({ title: l10n.t('Set automountServiceAccountToken: false (it does not call the Kubernetes API)'), edits: [off], preferred: true });
  if (on) fixes.push({ title: l10n.t('Set automountServiceAccountToken: true (it calls the Kubernetes API)'), edits: [on] });
  return {
    code: 'automountServiceAccountToken',
    severity: 'information',
    message: l10n.t(
      'The ServiceAccount token will be automounted into {0} "{1}". If it does not call the Kubernetes API, consider automountServiceAccountToken: false, so a compromised container holds no token; the manifest alone cannot tell whether it does. Writing either value here ends this hint.',
      w.kind,
      w.name,
    ),
    start: w.anchor.start,
    end: w.anchor.end,
    fixes,
  };
}

/** The projected volume that replaces a legacy token Secret volume: token, ca.crt and namespace, as the Secret held. */
const PROJECTED_REPLACEMENT =
  'projected: {sources: [{serviceAccountToken: {path: token, expirationSeconds: 3600}}, {configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}}, {downwardAPI: {items: [{path: namespace, fieldRef: {apiVersion: v1, fieldPath: metadata.namespace}}]}}]}';

function legacyMounted(w: WorkloadUse, v: SecretVolumeUse, where: string): Finding {
  return {
    code: 'legacyTokenSecretMounted',
    severity: 'warning',
    message: l10n.t(
      'Volume "{0}" of {1} "{2}" mounts the legacy token Secret "{3}" ({4}): that token never expires and works for anyone who copies it. A projected serviceAccountToken volume gives a short-lived token the kubelet refreshes.',
      v.volumeName,
      w.kind,
      w.name,
      v.secretName,
      where,
    ),
    start: v.start,
    end: v.end,
    fixes: [{ title: l10n.t('Replace it with a projected token of the Pod\'s own ServiceAccount (token, ca.crt, namespace)'), edits: [{ ...v.pair, newText: PROJECTED_REPLACEMENT }], preferred: true }],
  };
}

function legacySecretFindings(a: ManifestAnalysis, w: WorkloadUse, facts: ClusterFacts | undefined): Finding[] {
  const out: Finding[] = [];
  const ns = w.namespace ?? facts?.defaultNamespace;
  for (const v of w.secretVolumes) {
    const inFile = a.secrets.some((s) => s.name === v.secretName && s.type === SA_TOKEN_SECRET_TYPE && (s.namespace ?? facts?.defaultNamespace) === ns);
    if (inFile) out.push(legacyMounted(w, v, l10n.t('type kubernetes.io/service-account-token in this file')));
    else if (facts && ns && facts.legacyTokenSecrets?.get(ns)?.includes(v.secretName)) {
      out.push(legacyMounted(w, v, l10n.t('type kubernetes.io/service-account-token in namespace "{0}" of context "{1}"', ns, facts.context)));
    }
  }
  return out;
}

function subjectFinding(s: SubjectUse, message: string, names: string[]): Finding {
  return {
    code: 'subjectServiceAccountMissing',
    severity: 'warning',
    message,
    start: s.start,
    end: s.end,
    fixes: names.map((n, i) => ({ title: l10n.t('Use the existing ServiceAccount "{0}"', n), edits: [{ start: s.start, end: s.end, newText: yamlValue(n) }], preferred: i === 0 })),
  };
}

function subjectFindings(a: ManifestAnalysis, facts: ClusterFacts | undefined): Finding[] {
  const out: Finding[] = [];
  for (const s of a.subjects) {
    // A ClusterRoleBinding subject without a namespace is refused by the API server itself.
    if (s.namespace === undefined && s.bindingKind === 'ClusterRoleBinding') continue;
    const ns = s.namespace ?? facts?.defaultNamespace;
    const inFile = a.defined.filter((d) => (d.namespace ?? facts?.defaultNamespace) === ns).map((d) => d.name);
    if (inFile.includes(s.name)) continue;
    const listed = ns !== undefined ? facts?.serviceAccounts.get(ns) : undefined;
    if (facts && listed) {
      if (listed.includes(s.name)) continue;
      out.push(
        subjectFinding(
          s,
          l10n.t('serviceaccounts "{0}" not found: namespace "{1}" of context "{2}" has no such ServiceAccount, so {3} "{4}" grants nothing to it.', s.name, ns ?? '', facts.context, s.bindingKind, s.bindingName),
          closestNames(s.name, [...listed, ...inFile]),
        ),
      );
      continue;
    }
    // Without the cluster: only a near miss of a ServiceAccount this file defines is worth a word.
    const near = inFile.filter((n) => isLikelyTypo(s.name, n));
    if (near.length > 0) {
      out.push(subjectFinding(s, l10n.t('No ServiceAccount "{0}" in this file, but "{1}" is: a typo? {2} "{3}" grants nothing to a ServiceAccount that does not exist.', s.name, near[0], s.bindingKind, s.bindingName), closestNames(s.name, near)));
    }
  }
  return out;
}

function expirationFindings(a: ManifestAnalysis, facts: ClusterFacts | undefined): Finding[] {
  const max = facts?.maxTokenSeconds;
  if (!facts || !max) return [];
  const where = max.source === 'clamp' ? l10n.t('learnt from a token minted there') : l10n.t('documented by {0}', max.provider ?? '?');
  return a.expirations
    .filter((e) => e.seconds > max.seconds)
    .map((e) => ({
      code: 'expirationAboveMaximum' as const,
      severity: 'warning' as const,
      message: l10n.t('expirationSeconds {0} is above the longest lifetime context "{1}" grants, {2} s ({3}): the API server shortens the token to {2} s without an error.', e.seconds, facts.context, max.seconds, where),
      start: e.start,
      end: e.end,
      fixes: [{ title: l10n.t('Set expirationSeconds to {0} (the maximum of context "{1}")', max.seconds, facts.context), edits: [{ start: e.start, end: e.end, newText: String(max.seconds) }], preferred: true }],
    }));
}

/** Every lint of the text; cluster facts, when given, add what the cluster knows. */
export function workloadFindings(text: string, a: ManifestAnalysis, facts?: ClusterFacts): Finding[] {
  const out: Finding[] = [];
  for (const w of a.workloads) {
    const d = defaultServiceAccount(text, a, w);
    if (d) out.push(d);
    const m = automount(a, w);
    if (m) out.push(m);
    out.push(...legacySecretFindings(a, w, facts));
  }
  out.push(...subjectFindings(a, facts), ...expirationFindings(a, facts));
  return out;
}
