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
  | { status: 'revoked'; how: 'deletedSecret' | RevokeAction; check: RevocationCheck; message: string }
  | { status: 'explained'; message: string; offered: RevokeAction[] }
  | { status: 'cancelled' };

export interface RevokeArgs {
  confirm?: boolean;
  action?: RevokeAction;
}

// kube-apiserver caches successful authentications for 10 s, so a just-revoked token may pass
// a TokenReview for that long; poll a little beyond it.
const CHECK_FOR_MS = 14_000;
const CHECK_EVERY_MS = 1_500;

/** Asks the cluster whether the token still authenticates, waiting out the authentication cache. */
export async function checkRevoked(services: Services, client: ContextClient, token: string, signal?: AbortSignal): Promise<RevocationCheck> {
  const kube = services.session.module();
  const deadline = Date.now() + CHECK_FOR_MS;
  let viaTokenReview = true;
  let reason = '';
  for (;;) {
    if (signal?.aborted) throw new KubeError({ kind: 'cancelled', message: 'The request was cancelled.' });
    try {
      if (viaTokenReview) {
        const r = await kube.tokenReview(client, token, [], signal);
        if (!r.authenticated) return { checked: true, rejected: true, serverError: r.error, method: 'tokenReview' };
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
      if (!viaTokenReview && KubeError.is(e, 'unauthorized')) return { checked: true, rejected: true, method: 'selfSubjectReview', tokenReviewUnavailable: reason };
      if (!viaTokenReview && KubeError.is(e, 'forbidden')) {
        // Authenticated (a 401 would come first) but not allowed to ask: the token still works.
      } else {
        return { checked: false, reason: (reason ? vscode.l10n.t('no TokenReview: {0}', reason) + '; ' : '') + describeKubeError(e) };
      }
    }
    if (Date.now() >= deadline) return { checked: true, rejected: false, method: viaTokenReview ? 'tokenReview' : 'selfSubjectReview', tokenReviewUnavailable: viaTokenReview ? undefined : reason };
    await new Promise((r) => setTimeout(r, CHECK_EVERY_MS));
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
  return vscode.l10n.t('Warning: the cluster still accepts the token after {0} s. Check for another copy of the bound object or an authentication webhook caching it.', CHECK_FOR_MS / 1000) + noReview;
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
  act: (client: ContextClient, signal: AbortSignal) => Promise<string>,
): Promise<{ check: RevocationCheck; message: string } | undefined> {
  const token = await subject.token();
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Revoking…'), cancellable: true }, async (progress, cancel) => {
    const ctrl = new AbortController();
    const sub = cancel.onCancellationRequested(() => ctrl.abort());
    try {
      const client = services.session.connections().client(subject.context);
      const done = await act(client, ctrl.signal);
      await subject.markRevoked();
      progress.report({ message: vscode.l10n.t('checking that the cluster rejects the token…') });
      const check: RevocationCheck = token ? await checkRevoked(services, client, token, ctrl.signal) : { checked: false, reason: vscode.l10n.t('the token value is no longer stored') };
      return { check, message: `${done} ${describeCheck(check)}` };
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
  const r = await withCheck(services, keptSubject(store, entry), async (client, signal) => {
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
