/**
 * Revoking a token by deleting the Pod it is bound to, as long as a real cluster needs. kube-apiserver
 * accepts a Pod-bound token while the Pod object exists, unless the Pod's `deletionTimestamp` is more
 * than 60 s in the past (pkg/serviceaccount/claims.go: `invalidIfDeletedBefore := now - jwt.DefaultLeeway`,
 * `pod.DeletionTimestamp.Time.Before(invalidIfDeletedBefore)`). A gracefully deleted Pod keeps its object
 * until its kubelet confirms the containers stopped, and its deletionTimestamp is the END of the grace
 * period, so the token can stay valid for the grace period + 60 s (and forever-terminating Pods on a
 * node without a kubelet stop it at that point too). Then a successful authentication may be cached
 * for 10 s more, which the TokenReview check after it waits out.
 * No `vscode`: progress and the texts go through callbacks and @vscode/l10n.
 */
import * as l10n from '@vscode/l10n';
import { KubeError } from '../errors/kubeError';
import type { ContextClient } from '../kube/http';
import type { PodDeletionState } from '../kube/pods';
import type { KubeModule } from '../kube/session';

/** jwt.DefaultLeeway (go-jose), which claims.go allows a deleted bound object. */
export const DELETION_LEEWAY_MS = 60_000;

export interface PodRevocation {
  /** How it ended: the Pod is gone, was replaced by another of that name, or has been terminating long enough. */
  how: 'gone' | 'replaced' | 'leewayPassed' | 'stoppedWaiting';
  /** The grace period the deletion was given (undefined when the Pod went at once). */
  gracePeriodSeconds?: number;
  deletionTimestamp?: string;
  /** Time spent waiting for the Pod, ms. */
  waitedMs: number;
  /** When tokens bound to the Pod stopped being valid, local clock (for waiting out the authentication cache). */
  invalidSince?: number;
  /** What happened, for the user. */
  message: string;
}

/** When (server clock, ms) the API server stops accepting tokens bound to a terminating Pod. */
export function tokenInvalidFrom(deletionTimestamp: string): number {
  return Date.parse(deletionTimestamp) + DELETION_LEEWAY_MS;
}

const clock = (ms: number): string => new Date(ms).toLocaleTimeString();

export interface PodRevocationOptions {
  uid?: string;
  /** undefined: the Pod's own terminationGracePeriodSeconds; 0: at once. */
  gracePeriodSeconds?: number;
  pollMs?: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

/** Deletes the Pod and waits until the API server no longer accepts tokens bound to it; cancellable. */
export async function revokeByDeletingPod(kube: KubeModule, client: ContextClient, namespace: string, name: string, opts: PodRevocationOptions): Promise<PodRevocation> {
  const started = Date.now();
  const label = `${namespace}/${name}`;
  let state: PodDeletionState = await kube.deletePod(client, namespace, name, { uid: opts.uid, gracePeriodSeconds: opts.gracePeriodSeconds }, opts.signal);
  const grace = state.gracePeriodSeconds ?? opts.gracePeriodSeconds;
  const deleted = grace === undefined ? l10n.t('Deleted Pod {0}.', label) : l10n.t('Deleted Pod {0} (grace period {1} s).', label, grace);
  for (;;) {
    const waitedMs = Date.now() - started;
    if (state.replaced) {
      return { how: 'replaced', waitedMs, invalidSince: Date.now(), message: l10n.t('Pod {0} is now another Pod of that name (another uid): the token was bound to the old one, which is gone, and no longer works. The new Pod was left alone.', label) };
    }
    if (state.gone) {
      const after = waitedMs >= 1000 ? ` ${l10n.t('It was gone after {0} s.', Math.round(waitedMs / 1000))}` : '';
      return { how: 'gone', gracePeriodSeconds: grace, waitedMs, invalidSince: Date.now(), message: deleted + after };
    }
    if (!state.deletionTimestamp) {
      throw new KubeError({ kind: 'unknown', message: l10n.t('Pod {0} still exists after its deletion and is not terminating.', label) });
    }
    const invalidFrom = tokenInvalidFrom(state.deletionTimestamp);
    const skew = state.serverTimeMs - Date.now();
    const left = invalidFrom - (Date.now() + skew);
    if (left <= 0) {
      return {
        how: 'leewayPassed',
        gracePeriodSeconds: grace,
        deletionTimestamp: state.deletionTimestamp,
        waitedMs,
        invalidSince: invalidFrom - skew,
        message: `${deleted} ${l10n.t('It is still terminating (its node has not confirmed that the containers stopped), but its deletionTimestamp ({0}) is more than 60 s past, so the API server no longer accepts tokens bound to it.', clock(Date.parse(state.deletionTimestamp) - skew))}`,
      };
    }
    opts.onProgress?.(
      l10n.t('Pod {0} is terminating. The token stays valid until the Pod is gone, at the latest {1} s from now (its deletionTimestamp + 60 s).', label, Math.ceil(left / 1000)),
    );
    try {
      await kube.sleep(Math.min(opts.pollMs ?? 2000, left), opts.signal);
      state = await kube.podDeletionState(client, namespace, name, opts.uid, opts.signal);
    } catch (e) {
      if (!KubeError.is(e, 'cancelled')) throw e;
      // The deletion cannot be undone: say where it stands instead of "cancelled".
      return {
        how: 'stoppedWaiting',
        gracePeriodSeconds: grace,
        deletionTimestamp: state.deletionTimestamp,
        waitedMs: Date.now() - started,
        message: `${deleted} ${l10n.t('Stopped waiting: the Pod is terminating, and tokens bound to it stop working when it is gone, at the latest at {0} (its deletionTimestamp + 60 s).', clock(invalidFrom - skew))}`,
      };
    }
  }
}
