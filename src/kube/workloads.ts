/**
 * Workloads and the Pod templates they carry, as far as the legacy token migration needs them:
 * where each kind keeps its template, how a Pod spec refers to a Secret, and patching a workload
 * (with an optional server-side dry run, as `kubectl patch --dry-run=server` does).
 */
import type { ContextClient } from './http';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'ReplicationController' | 'Job' | 'CronJob' | 'Pod';

interface KindInfo {
  group: string;
  version: string;
  resource: string;
  /** Where the Pod spec sits in the object. */
  podSpecPath: readonly string[];
}

export const WORKLOAD_KINDS: Record<WorkloadKind, KindInfo> = {
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments', podSpecPath: ['spec', 'template', 'spec'] },
  StatefulSet: { group: 'apps', version: 'v1', resource: 'statefulsets', podSpecPath: ['spec', 'template', 'spec'] },
  DaemonSet: { group: 'apps', version: 'v1', resource: 'daemonsets', podSpecPath: ['spec', 'template', 'spec'] },
  ReplicaSet: { group: 'apps', version: 'v1', resource: 'replicasets', podSpecPath: ['spec', 'template', 'spec'] },
  ReplicationController: { group: '', version: 'v1', resource: 'replicationcontrollers', podSpecPath: ['spec', 'template', 'spec'] },
  Job: { group: 'batch', version: 'v1', resource: 'jobs', podSpecPath: ['spec', 'template', 'spec'] },
  CronJob: { group: 'batch', version: 'v1', resource: 'cronjobs', podSpecPath: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] },
  Pod: { group: '', version: 'v1', resource: 'pods', podSpecPath: ['spec'] },
};

export const isWorkloadKind = (v: unknown): v is WorkloadKind => typeof v === 'string' && Object.prototype.hasOwnProperty.call(WORKLOAD_KINDS, v);

export interface WorkloadRef {
  /** A built-in kind, or the kind of a controller we cannot patch (e.g. a custom resource). */
  kind: string;
  apiVersion: string;
  namespace: string;
  name: string;
}

/** The REST path of a workload (`namespace` '' for the cluster-wide collection). */
export function workloadPath(kind: WorkloadKind, namespace: string, name?: string): string {
  const k = WORKLOAD_KINDS[kind];
  const base = k.group ? `/apis/${k.group}/${k.version}` : `/api/${k.version}`;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${k.resource}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
}

export const apiVersionOf = (kind: WorkloadKind): string => {
  const k = WORKLOAD_KINDS[kind];
  return k.group ? `${k.group}/${k.version}` : k.version;
};

/** How a Pod spec refers to a Secret: what the migration must replace or explain. */
export type SecretUse =
  | { kind: 'volume'; secret: string; volume: string; volumeIndex: number }
  | { kind: 'projected'; secret: string; volume: string; volumeIndex: number; sourceIndex: number }
  | { kind: 'env'; secret: string; container: string; variable: string }
  | { kind: 'envFrom'; secret: string; container: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The value at `path` of a JSON object, undefined when a step is missing. */
export function valueAt(o: unknown, path: readonly string[]): unknown {
  let cur = o;
  for (const p of path) {
    if (!isObj(cur) || !Object.prototype.hasOwnProperty.call(cur, p)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/**
 * Every reference of `spec` (a PodSpec) to one of `secrets`: secret volumes (`secret.secretName`),
 * Secret sources of projected volumes, `env[].valueFrom.secretKeyRef` and `envFrom[].secretRef` of
 * every container, init container and ephemeral container. `imagePullSecrets` are not uses: they
 * hold registry credentials, never a ServiceAccount token.
 */
export function secretUsesOf(spec: unknown, secrets: ReadonlySet<string>): SecretUse[] {
  const uses: SecretUse[] = [];
  arr(valueAt(spec, ['volumes'])).forEach((v, volumeIndex) => {
    const volume = str(valueAt(v, ['name']));
    const secretName = str(valueAt(v, ['secret', 'secretName']));
    if (secrets.has(secretName)) uses.push({ kind: 'volume', secret: secretName, volume, volumeIndex });
    arr(valueAt(v, ['projected', 'sources'])).forEach((s, sourceIndex) => {
      const name = str(valueAt(s, ['secret', 'name']));
      if (secrets.has(name)) uses.push({ kind: 'projected', secret: name, volume, volumeIndex, sourceIndex });
    });
  });
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of arr(valueAt(spec, [list]))) {
      const container = str(valueAt(c, ['name']));
      for (const e of arr(valueAt(c, ['env']))) {
        const name = str(valueAt(e, ['valueFrom', 'secretKeyRef', 'name']));
        if (secrets.has(name)) uses.push({ kind: 'env', secret: name, container, variable: str(valueAt(e, ['name'])) });
      }
      for (const e of arr(valueAt(c, ['envFrom']))) {
        const name = str(valueAt(e, ['secretRef', 'name']));
        if (secrets.has(name)) uses.push({ kind: 'envFrom', secret: name, container });
      }
    }
  }
  return uses;
}

export interface PatchResult {
  /** The object as the server stored it (or would have, in a dry run). */
  object: Obj;
  warnings: string[];
}

/**
 * Applies a strategic merge patch to a built-in workload (the patch type `kubectl patch` uses by
 * default); with `dryRun` the server validates and admits it but stores nothing (`dryRun=All`).
 */
export async function patchWorkload(client: ContextClient, kind: WorkloadKind, namespace: string, name: string, patch: unknown, options: { dryRun: boolean; signal?: AbortSignal }): Promise<PatchResult> {
  const res = await client.request<Obj>({
    method: 'PATCH',
    path: workloadPath(kind, namespace, name),
    query: options.dryRun ? { dryRun: 'All' } : undefined,
    headers: { 'content-type': 'application/strategic-merge-patch+json' },
    body: patch,
    signal: options.signal,
  });
  return { object: res.body, warnings: res.warnings };
}
