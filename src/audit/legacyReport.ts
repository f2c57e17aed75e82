/**
 * The legacy token migration as the report view shows it, and each workload's patch or manifest as
 * a YAML document with a header that says what it changes and how to apply it. Names come from the
 * cluster: they pass through `safeMessage`, and a comment line never takes a line break from them.
 * Pure: no `vscode`.
 */
import * as l10n from '@vscode/l10n';
import type { LegacyTokenFacts } from '../kube/index';
import { yaml } from '../loader/yaml';
import { safeMessage } from '../text/displayText';
import { describeUse, type WorkloadPlan } from './migration';
import type { TokenOptions } from './projectedToken';
import type { LegacyReport, LegacySecretView, LegacyWorkloadView } from './protocol';

const safe = (s: string): string => safeMessage(s, 256);
/** Text for a `#` comment: one line, whatever the cluster sent. */
const comment = (s: string): string => safe(s).replace(/[\r\n\u0085\u2028\u2029]+/g, ' ');

/** `kubectl patch` names resources in lower case; these are the kinds a patch is generated for. */
const RESOURCE: Record<string, string> = { Deployment: 'deployment', StatefulSet: 'statefulset', DaemonSet: 'daemonset', ReplicaSet: 'replicaset', ReplicationController: 'replicationcontroller', CronJob: 'cronjob', Pod: 'pod', Job: 'job' };

export interface MigrationDocument {
  /** Untitled document name, e.g. `deployment-demo-web-projected-token.yaml`. */
  name: string;
  text: string;
}

export function documentName(p: WorkloadPlan): string {
  const r = p.workload.ref;
  return `${(RESOURCE[r.kind] ?? r.kind.toLowerCase())}-${r.namespace}-${r.name}-${p.action === 'recreate' ? 'recreate' : 'projected-token'}.yaml`;
}

export function migrationDocument(p: WorkloadPlan, o: TokenOptions): MigrationDocument | undefined {
  const body = p.patch ?? p.manifest;
  if (!body) return undefined;
  const r = p.workload.ref;
  const name = documentName(p);
  const where = `${r.kind} ${r.namespace}/${r.name}`;
  const lines = [
    l10n.t('Replaces the legacy token Secret(s) {0} of {1} with a projected ServiceAccount token (files token, ca.crt and namespace, as before).', p.secrets.join(', '), where),
    o.audience ? l10n.t('Audience: {0}; lifetime {1} s, renewed by the kubelet.', o.audience, o.expirationSeconds) : l10n.t("Audience: the cluster's API audiences (as the legacy token); lifetime {0} s, renewed by the kubelet.", o.expirationSeconds),
    ...p.notes,
    '',
    p.action === 'patch' ? l10n.t('Review it, then apply it:') : l10n.t('Review it, then replace the object:'),
    p.action === 'patch'
      ? `  kubectl patch ${RESOURCE[r.kind]} ${r.name} -n ${r.namespace} --type strategic --patch-file ${name}`
      : `  kubectl replace --force -f ${name}`,
    l10n.t('Once nothing uses the Secret (its kubernetes.io/legacy-token-last-used label stops moving), delete it.'),
  ];
  const header = lines.map((l) => (l ? `# ${comment(l)}` : '#')).join('\n');
  return { name, text: `${header}\n${yaml().stringify(body, { lineWidth: 0 })}` };
}

export function legacyReport(context: string, facts: LegacyTokenFacts, plans: readonly WorkloadPlan[], o: TokenOptions, now = Date.now()): { report: LegacyReport; documents: (MigrationDocument | undefined)[] } {
  const documents = plans.map((p) => migrationDocument(p, o));
  const workloads: LegacyWorkloadView[] = plans.map((p, id) => ({
    id,
    kind: safe(p.workload.ref.kind),
    namespace: safe(p.workload.ref.namespace),
    name: safe(p.workload.ref.name),
    pods: p.workload.pods.slice(0, 50).map(safe),
    secrets: p.secrets.map(safe),
    uses: p.workload.uses.map((u) => safe(describeUse(u))),
    action: p.action,
    notes: p.notes.map(safe),
    document: documents[id]?.name,
  }));
  const secrets: LegacySecretView[] = facts.secrets.map((s) => ({
    namespace: safe(s.namespace),
    name: safe(s.name),
    serviceAccount: safe(s.serviceAccount),
    lastUsed: s.lastUsed ? safe(s.lastUsed) : undefined,
    invalidSince: s.invalidSince ? safe(s.invalidSince) : undefined,
    created: s.creationTimestamp ? safe(s.creationTimestamp) : undefined,
    workloads: plans.flatMap((p, id) => (p.secrets.includes(`${s.namespace}/${s.name}`) ? [id] : [])),
  }));
  const notes = facts.notes.map((n) =>
    safe(
      n.kind === 'forbidden'
        ? n.namespace
          ? l10n.t('You may not list {0} in namespace {1}: what is there is missing.', n.resource, n.namespace)
          : l10n.t('You may not list {0} in all namespaces.', n.resource)
        : l10n.t('The cluster does not serve {0}.', n.resource),
    ),
  );
  const report: LegacyReport = {
    context: safe(context),
    generatedAt: new Date(now).toISOString(),
    clusterWide: facts.clusterWide,
    namespaces: facts.namespaces.map(safe),
    audience: safe(o.audience),
    expirationSeconds: o.expirationSeconds,
    secrets,
    workloads,
    notes,
  };
  return { report, documents };
}
