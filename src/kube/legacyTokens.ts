/**
 * Legacy token Secrets across a cluster and what uses them: every Secret of type
 * `kubernetes.io/service-account-token` (cluster-wide when the user may list Secrets there, else per
 * namespace), the Pods whose spec refers to one (secret volumes, projected Secret sources, env
 * `secretKeyRef`, `envFrom.secretRef`), the workload that owns each such Pod (ReplicaSet → Deployment,
 * Job → CronJob, …), and the workload templates that refer to one without a Pod now (a Deployment
 * scaled to zero, a CronJob between runs). Only what the migration needs leaves this module: the
 * Secrets' data (their tokens) is dropped at once (toTokenSecret), and only the objects that use a
 * token Secret are kept.
 */
import { KubeError } from '../errors/kubeError';
import type { ContextClient } from './http';
import { listAll, SA_TOKEN_SECRET_TYPE, toTokenSecret, type ObjectMeta, type RawSecret, type TokenSecretInfo } from './serviceAccounts';
import { apiVersionOf, valueAt, isWorkloadKind, secretUsesOf, WORKLOAD_KINDS, workloadPath, type SecretUse, type WorkloadKind, type WorkloadRef } from './workloads';

/** A workload (or a Pod without one) whose Pod template uses a legacy token Secret. */
export interface LegacyTokenWorkload {
  ref: WorkloadRef;
  /** The object as read (status and managedFields dropped); undefined for kinds we cannot read (custom controllers). */
  object?: Record<string, unknown>;
  /** Where the Pod spec sits in `object` (`spec.template.spec`, `spec.jobTemplate.spec.template.spec`, `spec`). */
  podSpecPath?: readonly string[];
  /** Uses in its Pod template; for a custom controller, the uses seen in its Pods. */
  uses: SecretUse[];
  /** Names of its Pods that use a token Secret now. */
  pods: string[];
  /** The controller of this workload when it is not one we can patch (e.g. `Rollout` of Argo). */
  managedBy?: WorkloadRef;
}

export interface LegacyTokenNote {
  kind: 'forbidden' | 'notServed';
  /** What could not be read: `pods`, `deployments.apps`, … */
  resource: string;
  namespace?: string;
}

export interface LegacyTokenFacts {
  /** Whether the Secrets were listed cluster-wide (else: per namespace, `namespaces`). */
  clusterWide: boolean;
  namespaces: string[];
  secrets: TokenSecretInfo[];
  workloads: LegacyTokenWorkload[];
  notes: LegacyTokenNote[];
}

interface RawObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta & { ownerReferences?: { apiVersion?: string; kind?: string; name?: string; controller?: boolean }[]; managedFields?: unknown };
  spec?: unknown;
  status?: unknown;
}

/** Pods and templates scanned per namespace beyond this many namespaces are listed cluster-wide instead. */
const PER_NAMESPACE_LIMIT = 5;
const TEMPLATE_KINDS: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'];

const nsPath = (namespace: string): string => `/api/v1/namespaces/${encodeURIComponent(namespace)}`;
const keyOf = (r: WorkloadRef): string => `${r.kind}/${r.namespace}/${r.name}`;

/** The object without what the server maintains (status, managedFields): a base for patches and manifests. */
function trimmed(o: RawObject): Record<string, unknown> {
  const { status: _status, ...rest } = o;
  const { managedFields: _managed, ...metadata } = o.metadata ?? {};
  return { ...rest, metadata };
}

function controllerOf(o: RawObject): { kind: string; apiVersion: string; name: string } | undefined {
  const c = (o.metadata?.ownerReferences ?? []).find((r) => r.controller);
  return c?.kind && c.name ? { kind: c.kind, apiVersion: c.apiVersion ?? '', name: c.name } : undefined;
}

/** Runs a read; a 403 or a resource the cluster does not serve becomes a note (once per resource that is not served). */
async function tolerate<T>(notes: LegacyTokenNote[], resource: string, namespace: string | undefined, read: () => Promise<T>): Promise<T | undefined> {
  if (notes.some((n) => n.kind === 'notServed' && n.resource === resource)) return undefined;
  try {
    return await read();
  } catch (e) {
    if (KubeError.is(e, 'forbidden')) notes.push({ kind: 'forbidden', resource, namespace });
    else if (KubeError.is(e, 'notFound')) notes.push({ kind: 'notServed', resource });
    else throw e;
    return undefined;
  }
}

export interface GatherOptions {
  /** Namespaces to read when namespaces may not be listed (the context's namespace, typically). */
  fallbackNamespaces: readonly string[];
  signal?: AbortSignal;
}

export async function gatherLegacyTokenFacts(client: ContextClient, options: GatherOptions): Promise<LegacyTokenFacts> {
  const { signal } = options;
  const notes: LegacyTokenNote[] = [];
  const typeSelector = { fieldSelector: `type=${SA_TOKEN_SECRET_TYPE}` };
  const toSecrets = (raw: RawSecret[]): TokenSecretInfo[] => raw.map(toTokenSecret).filter((s): s is TokenSecretInfo => s !== undefined);

  // 1. The Secrets: cluster-wide, else per namespace.
  let clusterWide = true;
  let secrets: TokenSecretInfo[] = [];
  let namespaces: string[] = [];
  try {
    secrets = toSecrets(await listAll<RawSecret>(client, '/api/v1/secrets', signal, typeSelector));
  } catch (e) {
    if (!KubeError.is(e, 'forbidden')) throw e;
    clusterWide = false;
    const listed = await tolerate(notes, 'namespaces', undefined, () => listAll<{ metadata?: ObjectMeta }>(client, '/api/v1/namespaces', signal));
    namespaces = listed ? listed.map((n) => n.metadata?.name ?? '').filter(Boolean) : [...options.fallbackNamespaces];
    for (const ns of namespaces) {
      const raw = await tolerate(notes, 'secrets', ns, () => listAll<RawSecret>(client, `${nsPath(ns)}/secrets`, signal, typeSelector));
      secrets.push(...toSecrets(raw ?? []));
    }
  }
  const byNamespace = new Map<string, Set<string>>();
  for (const s of secrets) {
    if (!byNamespace.has(s.namespace)) byNamespace.set(s.namespace, new Set());
    byNamespace.get(s.namespace)?.add(s.name);
  }
  if (clusterWide) namespaces = [...byNamespace.keys()].sort();
  const workloads = new Map<string, LegacyTokenWorkload>();
  if (byNamespace.size === 0) return { clusterWide, namespaces, secrets, workloads: [], notes };

  // A Pod refers only to Secrets of its own namespace: read only namespaces that have token Secrets.
  const listScoped = async (kind: WorkloadKind, resource: string): Promise<RawObject[]> => {
    if (clusterWide && byNamespace.size > PER_NAMESPACE_LIMIT) {
      const all = await tolerate(notes, resource, undefined, () => listAll<RawObject>(client, workloadPath(kind, ''), signal));
      if (all) return all.filter((o) => byNamespace.has(o.metadata?.namespace ?? ''));
    }
    const out: RawObject[] = [];
    for (const ns of byNamespace.keys()) out.push(...((await tolerate(notes, resource, ns, () => listAll<RawObject>(client, workloadPath(kind, ns), signal))) ?? []));
    return out;
  };
  const usesIn = (o: RawObject, kind: WorkloadKind): SecretUse[] => secretUsesOf(valueAt(o, WORKLOAD_KINDS[kind].podSpecPath), byNamespace.get(o.metadata?.namespace ?? '') ?? new Set());
  const refOf = (o: RawObject, kind: WorkloadKind): WorkloadRef => ({ kind, apiVersion: apiVersionOf(kind), namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? '' });
  const remember = (o: RawObject, kind: WorkloadKind): LegacyTokenWorkload => {
    const ref = refOf(o, kind);
    let w = workloads.get(keyOf(ref));
    if (!w) workloads.set(keyOf(ref), (w = { ref, object: trimmed(o), podSpecPath: WORKLOAD_KINDS[kind].podSpecPath, uses: usesIn(o, kind), pods: [] }));
    return w;
  };

  // 2. Templates that use a token Secret, with or without Pods now.
  for (const kind of TEMPLATE_KINDS) {
    const { group, resource } = WORKLOAD_KINDS[kind];
    for (const o of await listScoped(kind, group ? `${resource}.${group}` : resource)) if (usesIn(o, kind).length > 0) remember(o, kind);
  }

  // 3. Pods that use one, and the workload that owns each (read once per owner).
  const owners = new Map<string, LegacyTokenWorkload>();
  const ownerOf = async (namespace: string, c: { kind: string; apiVersion: string; name: string }): Promise<LegacyTokenWorkload> => {
    const ref: WorkloadRef = { kind: c.kind, apiVersion: c.apiVersion, namespace, name: c.name };
    const key = keyOf(ref);
    const known = owners.get(key) ?? workloads.get(key);
    if (known) return known;
    let found: LegacyTokenWorkload | undefined;
    if (isWorkloadKind(c.kind) && c.kind !== 'Pod' && c.apiVersion === apiVersionOf(c.kind)) {
      const kind = c.kind;
      const o = await tolerate(notes, WORKLOAD_KINDS[kind].resource, namespace, () => client.get<RawObject>(workloadPath(kind, namespace, c.name), undefined, signal));
      const up = o && controllerOf(o);
      // A ReplicaSet of a Deployment, a Job of a CronJob: the template to change is the owner's.
      if (up && isWorkloadKind(up.kind)) found = await ownerOf(namespace, up);
      else if (o) {
        found = remember(o, kind);
        // Owned by a custom controller (an Argo Rollout owns ReplicaSets): it would undo a patch here.
        if (up) found.managedBy = { kind: up.kind, apiVersion: up.apiVersion, namespace, name: up.name };
      }
    }
    // Not a kind we can read and patch: reported with the uses seen in its Pods.
    if (!found) workloads.set(key, (found = { ref, uses: [], pods: [] }));
    owners.set(key, found);
    return found;
  };
  for (const pod of await listScoped('Pod', 'pods')) {
    const uses = usesIn(pod, 'Pod');
    if (uses.length === 0) continue;
    const c = controllerOf(pod);
    const w = c ? await ownerOf(pod.metadata?.namespace ?? '', c) : remember(pod, 'Pod');
    w.pods.push(pod.metadata?.name ?? '');
    if (!w.object) for (const u of uses) if (!w.uses.some((x) => JSON.stringify(x) === JSON.stringify(u))) w.uses.push(u);
  }
  const sorted = [...workloads.values()].sort((a, b) => keyOf(a.ref).localeCompare(keyOf(b.ref)));
  return { clusterWide, namespaces, secrets, workloads: sorted, notes };
}
