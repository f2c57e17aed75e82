/**
 * The migration of legacy token Secrets to projected tokens, planned from what src/kube/legacyTokens.ts
 * gathered: per workload, a strategic merge patch of its Pod template (secret volumes and projected
 * Secret sources replaced by a projected ServiceAccount token with the same file names, and
 * `serviceAccountName` set to the Secret's ServiceAccount, since a projected token is always the
 * Pod's own ServiceAccount's), or for a bare Pod or Job, whose Pod template cannot change, the whole
 * object to create again. Uses a patch cannot fix (an environment variable holds the token) are said
 * in words. Pure: no `vscode`.
 */
import * as l10n from '@vscode/l10n';
import type { LegacyTokenFacts, LegacyTokenWorkload, SecretUse, TokenSecretInfo } from '../kube/index';
import { projectedFromSecretVolume, projectedWithoutSecretSources, type TokenOptions } from './projectedToken';
import type { WorkloadAction } from './protocol';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface WorkloadPlan {
  workload: LegacyTokenWorkload;
  action: WorkloadAction;
  /** Token Secrets it uses (`namespace/name`). */
  secrets: string[];
  notes: string[];
  /** `patch`: the strategic merge patch. */
  patch?: Obj;
  /** `recreate`: the object to create again. */
  manifest?: Obj;
  serviceAccount?: { from: string; to: string };
}

/** `spec` of the object at `path`, deep-copied (JSON: the object came from the API as JSON). */
function podSpecOf(w: LegacyTokenWorkload): Obj | undefined {
  let cur: unknown = w.object;
  for (const p of w.podSpecPath ?? []) cur = isObj(cur) ? cur[p] : undefined;
  return isObj(cur) ? (JSON.parse(JSON.stringify(cur)) as Obj) : undefined;
}

/** `{a: {b: {c: value}}}` for path [a, b, c]. */
function nest(path: readonly string[], value: Obj): Obj {
  return path.reduceRight<Obj>((inner, key) => ({ [key]: inner }), value);
}

export function describeUse(u: SecretUse): string {
  switch (u.kind) {
    case 'volume':
      return l10n.t('volume {0} (Secret {1})', u.volume, u.secret);
    case 'projected':
      return l10n.t('projected volume {0}, source {1} (Secret {2})', u.volume, u.sourceIndex + 1, u.secret);
    case 'env':
      return l10n.t('environment variable {0} of container {1} (Secret {2})', u.variable, u.container, u.secret);
    case 'envFrom':
      return l10n.t('envFrom of container {0} (Secret {1})', u.container, u.secret);
  }
}

/** The replaced volumes (as stored, and as strategic-merge elements) and notes about keys left out. */
function replaceVolumes(spec: Obj, uses: readonly SecretUse[], o: TokenOptions): { patchVolumes: Obj[]; notes: string[] } {
  const volumes = Array.isArray(spec.volumes) ? (spec.volumes as unknown[]) : [];
  const patchVolumes: Obj[] = [];
  const notes: string[] = [];
  const byVolume = new Map<number, SecretUse[]>();
  for (const u of uses) if (u.kind === 'volume' || u.kind === 'projected') byVolume.set(u.volumeIndex, [...(byVolume.get(u.volumeIndex) ?? []), u]);
  for (const [index, vUses] of byVolume) {
    const old = volumes[index];
    if (!isObj(old)) continue;
    const whole = vUses.some((u) => u.kind === 'volume');
    const r = whole ? projectedFromSecretVolume(old, o) : projectedWithoutSecretSources(old, new Set(vUses.map((u) => (u.kind === 'projected' ? u.sourceIndex : -1))), o);
    volumes[index] = r.volume;
    // `secret: null` deletes the Secret source of the volume merged by name; `projected.sources` is
    // a list without a patch strategy, so the patch's list replaces it whole.
    patchVolumes.push(whole ? { name: old.name, secret: null, projected: (r.volume as { projected: Obj }).projected } : { name: old.name, projected: { sources: ((r.volume as { projected: Obj }).projected as Obj).sources } });
    if (r.unknownKeys.length) notes.push(l10n.t('Volume {0} mounted keys a token Secret does not have ({1}); they are left out.', String(old.name), r.unknownKeys.join(', ')));
  }
  spec.volumes = volumes;
  return { patchVolumes, notes };
}

/** The object without what the server sets, to create again (`kubectl replace --force`). */
function recreatable(w: LegacyTokenWorkload, spec: Obj): Obj {
  const o = JSON.parse(JSON.stringify(w.object)) as Obj;
  const m = isObj(o.metadata) ? o.metadata : {};
  o.metadata = { name: m.name, namespace: m.namespace, ...(m.labels ? { labels: m.labels } : {}), ...(m.annotations ? { annotations: m.annotations } : {}) };
  delete spec.nodeName;
  const path = w.podSpecPath ?? [];
  let parent: Obj = o;
  for (const p of path.slice(0, -1)) parent = isObj(parent[p]) ? (parent[p] as Obj) : (parent[p] = {});
  parent[path[path.length - 1] ?? 'spec'] = spec;
  if (w.ref.kind === 'Job' && isObj(o.spec) && o.spec.manualSelector !== true) {
    // The Job controller sets these from the Job's uid; a new Job gets its own.
    delete o.spec.selector;
    const labels = (o.spec as { template?: { metadata?: { labels?: Obj } } }).template?.metadata?.labels;
    for (const k of ['controller-uid', 'batch.kubernetes.io/controller-uid', 'job-name', 'batch.kubernetes.io/job-name']) if (labels) delete labels[k];
  }
  return o;
}

export function planWorkload(w: LegacyTokenWorkload, secrets: ReadonlyMap<string, TokenSecretInfo>, o: TokenOptions): WorkloadPlan {
  const ns = w.ref.namespace;
  const used = [...new Set(w.uses.map((u) => u.secret))].sort();
  const plan: WorkloadPlan = { workload: w, action: 'manual', secrets: used.map((s) => `${ns}/${s}`), notes: [] };
  const envUses = w.uses.filter((u) => u.kind === 'env' || u.kind === 'envFrom');
  for (const u of envUses) {
    plan.notes.push(l10n.t('{0}: an environment variable cannot follow a token that changes. Make the application read the token file instead.', describeUse(u)));
  }
  if (w.managedBy) {
    plan.notes.push(l10n.t('Managed by {0} {1}: change the Pod template there; a patch here would be undone.', w.managedBy.kind, w.managedBy.name));
    return plan;
  }
  const spec = w.object ? podSpecOf(w) : undefined;
  if (!spec) {
    plan.notes.push(l10n.t('{0} is not a workload kind this extension can change: change its Pod template the way its controller expects.', w.ref.kind));
    return plan;
  }
  if (w.uses.length === 0) {
    plan.action = 'rollout';
    plan.notes.push(l10n.t('Its Pod template no longer uses a legacy token; its Pods are older. Roll it out (kubectl rollout restart) to replace them.'));
    return plan;
  }
  const accounts = [...new Set(used.map((s) => secrets.get(`${ns}/${s}`)?.serviceAccount).filter((s): s is string => !!s))];
  if (accounts.length > 1) {
    plan.notes.push(l10n.t('It uses tokens of several ServiceAccounts ({0}); a projected token is always the Pod\'s own ServiceAccount\'s. Split the workload or choose one ServiceAccount.', accounts.join(', ')));
    return plan;
  }
  const { patchVolumes, notes } = replaceVolumes(spec, w.uses, o);
  plan.notes.push(...notes);
  if (patchVolumes.length === 0) return plan;
  const specPatch: Obj = { volumes: patchVolumes };
  const current = (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName) || (typeof spec.serviceAccount === 'string' && spec.serviceAccount) || 'default';
  const target = accounts[0];
  if (target && target !== current) {
    plan.serviceAccount = { from: current, to: target };
    spec.serviceAccountName = target;
    specPatch.serviceAccountName = target;
    // The deprecated alias must not name the old account.
    if (typeof spec.serviceAccount === 'string') spec.serviceAccount = specPatch.serviceAccount = target;
    plan.notes.push(l10n.t('The Pods will run as ServiceAccount {0} instead of {1}: the token of {0} is what they used. Check that {0} has what {1} gave them (image pull Secrets, RBAC of the automounted token).', target, current));
  }
  if (w.ref.kind === 'Pod' || w.ref.kind === 'Job') {
    plan.action = 'recreate';
    plan.manifest = recreatable(w, spec);
    plan.notes.push(w.ref.kind === 'Pod' ? l10n.t('A Pod\'s volumes cannot change: delete it and create it again from this manifest.') : l10n.t('A Job\'s Pod template cannot change: create the next Job from this manifest.'));
  } else {
    plan.action = 'patch';
    plan.patch = nest(w.podSpecPath ?? [], specPatch);
  }
  return plan;
}

export function planMigration(facts: LegacyTokenFacts, o: TokenOptions): WorkloadPlan[] {
  const secrets = new Map(facts.secrets.map((s) => [`${s.namespace}/${s.name}`, s]));
  return facts.workloads.map((w) => planWorkload(w, secrets, o));
}
