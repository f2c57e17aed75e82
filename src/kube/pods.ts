/**
 * Deleting the Pod a token is bound to, and following its termination. A Pod that runs on a node is
 * deleted gracefully: kube-apiserver sets `deletionTimestamp` to now + the grace period and keeps the
 * object until the kubelet confirms the containers stopped (pkg/registry/core/pod/strategy.go
 * CheckGracefulDelete; a Pod not scheduled to a node, or a grace period of 0, goes at once).
 */
import { KubeError } from '../errors/kubeError';
import type { ContextClient } from './http';

export interface PodDeletionState {
  /** The Pod object is gone, or a Pod of that name with another uid replaced it. */
  gone: boolean;
  /** A Pod of that name exists, but it is not the one (uid) the token is bound to. */
  replaced?: boolean;
  /** RFC 3339: set while the Pod terminates (the end of its grace period). */
  deletionTimestamp?: string;
  /** The grace period the deletion was given. */
  gracePeriodSeconds?: number;
  nodeName?: string;
  /** The server's clock when it answered (its Date header, ms), so deadlines do not depend on the local clock. */
  serverTimeMs: number;
}

interface RawPod {
  metadata?: { uid?: string; deletionTimestamp?: string; deletionGracePeriodSeconds?: number };
  spec?: { nodeName?: string };
}

const podPath = (namespace: string, name: string): string => `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`;

function serverTime(date: string | undefined): number {
  const t = date ? Date.parse(date) : NaN;
  return Number.isFinite(t) ? t : Date.now();
}

function stateOf(pod: RawPod, uid: string | undefined, date: string | undefined): PodDeletionState {
  const serverTimeMs = serverTime(date);
  if (uid && pod.metadata?.uid && pod.metadata.uid !== uid) return { gone: true, replaced: true, serverTimeMs };
  return { gone: false, deletionTimestamp: pod.metadata?.deletionTimestamp, gracePeriodSeconds: pod.metadata?.deletionGracePeriodSeconds, nodeName: pod.spec?.nodeName, serverTimeMs };
}

/** Where the Pod `uid` (if given) stands: gone, replaced, terminating or running. */
export async function podDeletionState(client: ContextClient, namespace: string, name: string, uid: string | undefined, signal?: AbortSignal): Promise<PodDeletionState> {
  try {
    const res = await client.request<RawPod>({ path: podPath(namespace, name), signal });
    return stateOf(res.body, uid, res.headers.date);
  } catch (e) {
    if (KubeError.is(e, 'notFound')) return { gone: true, serverTimeMs: Date.now() };
    throw e;
  }
}

/**
 * Deletes the Pod, only if it still has `uid` (a precondition, so a Pod recreated under the same
 * name is left alone), with `gracePeriodSeconds` or the Pod's own terminationGracePeriodSeconds.
 * Returns where it stands right after.
 */
export async function deletePod(
  client: ContextClient,
  namespace: string,
  name: string,
  opts: { uid?: string; gracePeriodSeconds?: number },
  signal?: AbortSignal,
): Promise<PodDeletionState> {
  try {
    await client.request<RawPod>({
      method: 'DELETE',
      path: podPath(namespace, name),
      body: { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: opts.gracePeriodSeconds, preconditions: opts.uid ? { uid: opts.uid } : undefined },
      signal,
    });
  } catch (e) {
    if (KubeError.is(e, 'notFound')) return { gone: true, serverTimeMs: Date.now() };
    // The uid precondition failed: the Pod the token is bound to was replaced by another of that name.
    if (KubeError.is(e, 'conflict') && /precondition/i.test(e.message)) return { gone: true, replaced: true, serverTimeMs: Date.now() };
    throw e;
  }
  // The DELETE answers with the object as it was then; read it again for where it stands now.
  return podDeletionState(client, namespace, name, opts.uid, signal);
}
