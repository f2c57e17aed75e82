/**
 * Revoking a token. A revocable token is bound to its own Secret: deleting that Secret revokes it,
 * and a TokenReview then proves the cluster rejects it. Other tokens cannot be revoked as such:
 * we explain the real levers (delete the bound object, recreate the ServiceAccount, wait) and do
 * nothing destructive without a modal confirmation.
 */
import * as vscode from 'vscode';
import { displayDate } from '../common/dates';
import type { Services } from '../services';
import { describeKubeError, describePermission } from '../errors/describe';
import { KubeError } from '../errors/kubeError';
import type { ContextClient } from '../kube/http';
import type { KeptToken, TokenStore } from './tokenStore';
import { resolveKept } from './mintCommands';
import { revokeByDeletingPod, type PodRevocation } from './podRevocation';

export type RevocationCheck =
  | {
      checked: true;
      /** True when the cluster no longer accepts the token. */
      rejected: boolean;
      method: 'tokenReview' | 'selfSubjectReview';
      /** The TokenReview's status.error, e.g. `[invalid bearer token, service account token has been invalidated]`. */
      serverError?: string;
      /** Why no TokenReview could be made (then the token itself was presented). */
      tokenReviewUnavailable?: string;
    }
  | { checked: false; reason: string };

export type RevokeAction = 'deleteBoundObject' | 'recreateServiceAccount';

export type RevokeOutcome =
  | { status: 'revoked'; how: 'deletedSecret' | RevokeAction; check: RevocationCheck; message: string; pod?: PodRevocation }
  | { status: 'explained'; message: string; offered: RevokeAction[] }
  | { status: 'cancelled' };

export interface RevokeArgs {
  confirm?: boolean;
  action?: RevokeAction;
  /** Deleting a bound Pod: 0 deletes it at once; undefined uses the Pod's own grace period. */
  gracePeriodSeconds?: number;
}

/** What the revoking step did: its text, and when it already knows the check cannot prove more, why. */
interface ActResult {
  message: string;
  unchecked?: string;
  pod?: PodRevocation;
  /** When the token stopped being valid, local clock (default: when the step ended). */
  invalidSince?: number;
}

// kube-apiserver caches a successful authentication for 10 s (TokenSuccessCacheTTL; failures are not
// cached, staging/src/k8s.io/apiserver/pkg/authentication/token/cache): a token used or reviewed just
// before the revocation keeps working from the cache until its entry expires, and entries are per
// token AND audiences, so one rejecting TokenReview does not prove that every client is refused. The
// revocation is confirmed once a review rejects the token and 10 s have passed since it became invalid.
const AUTH_CACHE_MS = 10_000;
const CHECK_FOR_MS = 14_000;
const CHECK_EVERY_MS = 1_500;

/**
 * Asks the cluster whether the token still authenticates, waiting out the authentication cache.
 * `invalidSince`: when the token stopped being valid (the deletion), local clock; default now.
 */
export async function checkRevoked(services: Services, client: ContextClient, token: string, signal?: AbortSignal, invalidSince = Date.now(), onWait?: (seconds: number) => void): Promise<RevocationCheck> {
  const kube = services.session.module();
  const deadline = Math.max(Date.now() + CHECK_FOR_MS, invalidSince + AUTH_CACHE_MS + 4_000);
  let viaTokenReview = true;
  let reason = '';
  for (;;) {
    if (signal?.aborted) throw new KubeError({ kind: 'cancelled', message: 'The request was cancelled.' });
    let rejected: RevocationCheck | undefined;
    try {
      if (viaTokenReview) {
        const r = await kube.tokenReview(client, token, [], signal);
        if (!r.authenticated) rejected = { checked: true, rejected: true, serverError: r.error, method: 'tokenReview' };
      } else {
        // Without TokenReview permission, present the token itself: 401 means the cluster rejects it.
        await kube.selfSubjectReview(client.withBearerToken(token), signal);
      }
    } catch (e) {
      if (viaTokenReview && KubeError.is(e, 'forbidden')) {
        reason = e.permission ? vscode.l10n.t('you may not {0}', describePermission(e.permission)) : e.message;
        viaTokenReview = false;
        continue;
      }
      if (!viaTokenReview && KubeError.is(e, 'unauthorized')) {
        rejected = { checked: true, rejected: true, method: 'selfSubjectReview', tokenReviewUnavailable: reason };
      } else if (!viaTokenReview && KubeError.is(e, 'forbidden')) {
        // Authenticated (a 401 would come first) but not allowed to ask: the token still works.
      } else {
        return { checked: false, reason: (reason ? vscode.l10n.t('no TokenReview: {0}', reason) + '; ' : '') + describeKubeError(e) };
      }
    }
    const cacheLeft = invalidSince + AUTH_CACHE_MS - Date.now();
    if (rejected && cacheLeft <= 0) return rejected;
    if (Date.now() >= deadline) return { checked: true, rejected: false, method: viaTokenReview ? 'tokenReview' : 'selfSubjectReview', tokenReviewUnavailable: viaTokenReview ? undefined : reason };
    if (rejected) onWait?.(Math.ceil(cacheLeft / 1000));
    await kube.sleep(rejected ? cacheLeft : CHECK_EVERY_MS, signal);
  }
}

function describeCheck(check: RevocationCheck): string {
  if (!check.checked) return vscode.l10n.t('Could not check that the cluster rejects it: {0}', check.reason);
  const noReview = check.tokenReviewUnavailable
    ? ' ' + vscode.l10n.t('A TokenReview could not be made ({0}), so the token itself was presented to the cluster instead.', check.tokenReviewUnavailable)
    : '';
  if (check.rejected) {
    return check.method === 'tokenReview'
      ? vscode.l10n.t('Confirmed by a TokenReview: the token no longer authenticates ({0}).', check.serverError ?? 'rejected')
      : vscode.l10n.t('Confirmed: the cluster answers 401 Unauthorized to the token.') + noReview;
  }
  return vscode.l10n.t('Warning: the cluster still accepts the token {0} s after it should have stopped. Check for another copy of the bound object or an authentication webhook caching it.', (AUTH_CACHE_MS + 4_000) / 1000) + noReview;
}

export async function revokeCommand(services: Services, store: TokenStore, arg: unknown): Promise<RevokeOutcome | undefined> {
  const entry = await resolveKept(store, arg, vscode.l10n.t('Revoke which token?'));
  if (!entry) return undefined;
  const args = (typeof arg === 'object' && arg !== null ? arg : {}) as RevokeArgs;
  const outcome = entry.revocableSecret ? await revokeBySecret(services, keptSubject(store, entry), args) : await revokeOther(services, store, entry, args);
  // Only a revocation that happened is reported: a cancelled or merely explained one needs no second message.
  if (outcome.status === 'revoked') {
    const show = outcome.check.checked && outcome.check.rejected ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(outcome.message);
  }
  return outcome;
}

/** A token bound to its own Secret, kept or still only in a mint result. */
export interface RevocableSubject {
  context: string;
  namespace: string;
  secret: string;
  token(): Promise<string | undefined>;
  /** Records the revocation (a kept entry gets revokedAt). */
  markRevoked(): Promise<void>;
}

function keptSubject(store: TokenStore, entry: KeptToken): RevocableSubject {
  return {
    context: entry.params.context,
    namespace: entry.params.namespace,
    secret: entry.revocableSecret ?? '',
    token: () => store.token(entry.id),
    markRevoked: async () => void (await store.update(entry.id, { revokedAt: Date.now() })),
  };
}

async function withCheck(
  services: Services,
  subject: Pick<RevocableSubject, 'context' | 'token' | 'markRevoked'>,
  act: (client: ContextClient, signal: AbortSignal, report: (message: string) => void) => Promise<string | ActResult>,
): Promise<{ check: RevocationCheck; message: string; pod?: PodRevocation } | undefined> {
  const token = await subject.token();
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Revoking…'), cancellable: true }, async (progress, cancel) => {
    const ctrl = new AbortController();
    const sub = cancel.onCancellationRequested(() => ctrl.abort());
    try {
      const client = services.session.connections().client(subject.context);
      const acted = await act(client, ctrl.signal, (message) => progress.report({ message }));
      const done: ActResult = typeof acted === 'string' ? { message: acted } : acted;
      await subject.markRevoked();
      if (done.unchecked) return { check: { checked: false, reason: done.unchecked }, message: done.message, pod: done.pod };
      progress.report({ message: vscode.l10n.t('checking that the cluster rejects the token…') });
      const onWait = (seconds: number): void => progress.report({ message: vscode.l10n.t('the cluster rejects the token; waiting {0} s for its authentication cache to expire…', seconds) });
      const check: RevocationCheck = token ? await checkRevoked(services, client, token, ctrl.signal, done.invalidSince ?? Date.now(), onWait) : { checked: false, reason: vscode.l10n.t('the token value is no longer stored') };
      return { check, message: `${done.message} ${describeCheck(check)}`, pod: done.pod };
    } catch (e) {
      if (KubeError.is(e, 'cancelled')) return undefined;
      throw e;
    } finally {
      sub.dispose();
    }
  });
}

/** Revokes a revocable token: deletes its Secret (after a modal confirmation) and proves the cluster rejects the token. */
export async function revokeBySecret(services: Services, subject: RevocableSubject, args: RevokeArgs): Promise<RevokeOutcome> {
  const { namespace, secret } = subject;
  if (args.confirm !== true) {
    // A list, not a modal: its first, preselected entry changes nothing, so Enter alone never revokes.
    type Item = vscode.QuickPickItem & { revoke: boolean };
    const items: Item[] = [
      { label: vscode.l10n.t('Keep the token valid'), detail: vscode.l10n.t('Nothing is changed.'), revoke: false },
      { label: vscode.l10n.t('Delete Secret {0}/{1}', namespace, secret), detail: vscode.l10n.t('Revokes the token: every token bound to this Secret stops working (re-mints of this entry included).'), revoke: true },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Revoke the token by deleting Secret {0}/{1}?', namespace, secret) });
    if (!pick?.revoke) return { status: 'cancelled' };
  }
  const r = await withCheck(services, subject, async (client, signal) => {
    const existed = await services.session.module().deleteSecret(client, namespace, secret, signal);
    return existed ? vscode.l10n.t('Deleted Secret {0}/{1}.', namespace, secret) : vscode.l10n.t('Secret {0}/{1} was already gone.', namespace, secret);
  });
  return r ? { status: 'revoked', how: 'deletedSecret', ...r } : { status: 'cancelled' };
}

/**
 * A token that is not bound to its own Secret cannot be revoked as such. The choices are offered in
 * a list whose first, preselected entry changes nothing ("let it expire"), and a destructive choice
 * is carried out only after its target's name is typed: Enter alone never deletes anything.
 */
async function revokeOther(services: Services, store: TokenStore, entry: KeptToken, args: RevokeArgs): Promise<RevokeOutcome> {
  const { namespace, serviceAccount } = entry.params;
  const bound = entry.boundObject;
  const deletable = bound && (bound.kind === 'Pod' || bound.kind === 'Secret') ? bound : undefined;
  const until = displayDate(entry.expiresAt);
  const lines = [vscode.l10n.t('Kubernetes cannot revoke a single TokenRequest token. The options are:')];
  const offered: RevokeAction[] = [];
  if (deletable) {
    lines.push(vscode.l10n.t('• Delete {0} {1}: the token is bound to it and stops working once it is gone.', deletable.kind, deletable.name));
    offered.push('deleteBoundObject');
  } else if (bound) {
    lines.push(vscode.l10n.t('• Delete Node {0} (the token is bound to it); this is not done from here.', bound.name));
  }
  lines.push(vscode.l10n.t('• Recreate ServiceAccount {0}/{1}: its new UID invalidates every token of it, including those mounted in running Pods (they get new ones when the kubelet refreshes).', namespace, serviceAccount));
  offered.push('recreateServiceAccount');
  lines.push(vscode.l10n.t('• Wait: it expires at {0}.', until));
  const message = lines.join('\n');

  let action = args.action;
  if (!action) {
    action = await chooseRevokeAction(entry, deletable, until);
    if (!action) return { status: 'explained', message, offered };
  } else if (!offered.includes(action) || args.confirm !== true) {
    return { status: 'explained', message, offered }; // a programmatic destructive action needs confirm: true
  }
  const kube = services.session.module();
  const chosen = action;
  let grace = args.gracePeriodSeconds;
  if (chosen === 'deleteBoundObject' && deletable?.kind === 'Pod' && !args.action) {
    const picked = await choosePodGrace(deletable.name);
    if (!picked) return { status: 'explained', message, offered };
    grace = picked.gracePeriodSeconds;
  }
  const r = await withCheck(services, keptSubject(store, entry), async (client, signal, report) => {
    if (chosen === 'deleteBoundObject' && deletable?.kind === 'Pod') {
      const pod = await revokeByDeletingPod(kube, client, namespace, deletable.name, { uid: deletable.uid, gracePeriodSeconds: grace, signal, onProgress: report });
      return { message: pod.message, pod, invalidSince: pod.invalidSince, unchecked: pod.how === 'stoppedWaiting' ? vscode.l10n.t('you stopped waiting for the Pod') : undefined };
    }
    if (chosen === 'deleteBoundObject' && deletable) {
      await kube.deleteBoundObject(client, deletable.kind as 'Pod' | 'Secret', deletable.name, namespace, signal);
      return vscode.l10n.t('Deleted {0} {1}/{2}.', deletable.kind, namespace, deletable.name);
    }
    const sa = await kube.recreateServiceAccount(client, namespace, serviceAccount, signal);
    return vscode.l10n.t('Recreated ServiceAccount {0}/{1} (new UID {2}).', namespace, serviceAccount, sa.uid);
  });
  return r ? { status: 'revoked', how: chosen, ...r } : { status: 'cancelled' };
}

/** The list of levers, then the typed confirmation of a destructive one; undefined when nothing is to be done. */
async function chooseRevokeAction(entry: KeptToken, deletable: { kind: string; name: string } | undefined, until: string): Promise<RevokeAction | undefined> {
  const { namespace, serviceAccount } = entry.params;
  type Item = vscode.QuickPickItem & { action?: RevokeAction; confirmName?: string; confirmTitle?: string };
  const items: Item[] = [
    { label: vscode.l10n.t('Let it expire'), detail: vscode.l10n.t('Nothing is changed; the token stops working at {0}.', until) },
    ...(deletable
      ? [
          {
            label: vscode.l10n.t('Delete {0} {1}…', deletable.kind, deletable.name),
            detail: vscode.l10n.t('The token is bound to it and stops working once it is gone.'),
            action: 'deleteBoundObject' as const,
            confirmName: deletable.name,
            confirmTitle: vscode.l10n.t('Delete {0} {1}/{2}', deletable.kind, namespace, deletable.name),
          },
        ]
      : []),
    {
      label: vscode.l10n.t('Recreate ServiceAccount {0}/{1}…', namespace, serviceAccount),
      detail: vscode.l10n.t('Its new UID invalidates every token of it, including those mounted in running Pods.'),
      action: 'recreateServiceAccount',
      confirmName: serviceAccount,
      confirmTitle: vscode.l10n.t('Recreate ServiceAccount {0}/{1}', namespace, serviceAccount),
    },
  ];
  const title = vscode.l10n.t('The token of {0}/{1} cannot be revoked on its own', namespace, serviceAccount);
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Kubernetes cannot revoke a single TokenRequest token. Choose what to do.') });
  if (!pick?.action || !pick.confirmName) return undefined;
  const name = pick.confirmName;
  const typed = await vscode.window.showInputBox({
    title: pick.confirmTitle,
    prompt: vscode.l10n.t('This cannot be undone. Type {0} to confirm.', name),
    placeHolder: name,
    validateInput: (v) => (v.trim() === name ? undefined : vscode.l10n.t('Type {0} to confirm, or press Escape.', name)),
  });
  return typed?.trim() === name ? pick.action : undefined;
}

/**
 * How to delete a bound Pod, both ways spelt out. Graceful (the Pod's own grace period) comes first:
 * the kubelet stops the containers before the object goes.
 */
async function choosePodGrace(pod: string): Promise<{ gracePeriodSeconds: number | undefined } | undefined> {
  type Item = vscode.QuickPickItem & { gracePeriodSeconds: number | undefined };
  const items: Item[] = [
    {
      label: vscode.l10n.t('Delete gracefully'),
      detail: vscode.l10n.t("The kubelet stops the containers within the Pod's grace period. The token stays valid until the Pod is gone, up to the grace period + 60 s; the revoke waits for it and then checks."),
      gracePeriodSeconds: undefined,
    },
    {
      label: vscode.l10n.t('Delete at once (grace period 0)'),
      detail: vscode.l10n.t('The Pod object is removed now and the token stops working within seconds, but its containers may run on until the kubelet notices. For a Pod whose node has no running kubelet.'),
      gracePeriodSeconds: 0,
    },
  ];
  return vscode.window.showQuickPick(items, { title: vscode.l10n.t('Delete Pod {0}', pod) });
}
