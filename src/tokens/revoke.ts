/**
 * Revoking a token. A revocable token is bound to its own Secret: deleting that Secret revokes it,
 * and a TokenReview then proves the cluster rejects it. Other tokens cannot be revoked as such:
 * we explain the real levers (delete the bound object, recreate the ServiceAccount, wait) and do
 * nothing destructive without a modal confirmation.
 */
import * as vscode from 'vscode';
import { displayDate } from '../common/dates';
import type { Services } from '../common/services';
import { describeKubeError, describePermission } from '../kube/describe';
import { KubeError } from '../kube/errors';
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

interface RevokeArgs {
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
  const outcome = entry.revocableSecret ? await revokeRevocable(services, store, entry, args) : await revokeOther(services, store, entry, args);
  if (outcome.status !== 'cancelled') {
    const show = outcome.status === 'revoked' && outcome.check.checked && outcome.check.rejected ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(outcome.message);
  }
  return outcome;
}

async function confirm(args: RevokeArgs, message: string, detail: string, action: string): Promise<boolean> {
  if (args.confirm === true) return true;
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
}

async function withCheck(services: Services, entry: KeptToken, store: TokenStore, act: (client: ContextClient, signal: AbortSignal) => Promise<string>): Promise<{ check: RevocationCheck; message: string } | undefined> {
  const token = await store.token(entry.id);
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Revoking…'), cancellable: true }, async (progress, cancel) => {
    const ctrl = new AbortController();
    const sub = cancel.onCancellationRequested(() => ctrl.abort());
    try {
      const client = services.session.connections().client(entry.params.context);
      const done = await act(client, ctrl.signal);
      await store.update(entry.id, { revokedAt: Date.now() });
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

async function revokeRevocable(services: Services, store: TokenStore, entry: KeptToken, args: RevokeArgs): Promise<RevokeOutcome> {
  const { namespace } = entry.params;
  const secret = entry.revocableSecret ?? '';
  const ok = await confirm(
    args,
    vscode.l10n.t('Revoke the token by deleting Secret {0}/{1}?', namespace, secret),
    vscode.l10n.t('Every token bound to this Secret stops working (re-mints of this entry included).'),
    vscode.l10n.t('Delete Secret'),
  );
  if (!ok) return { status: 'cancelled' };
  const r = await withCheck(services, entry, store, async (client, signal) => {
    const existed = await services.session.module().deleteSecret(client, namespace, secret, signal);
    return existed ? vscode.l10n.t('Deleted Secret {0}/{1}.', namespace, secret) : vscode.l10n.t('Secret {0}/{1} was already gone.', namespace, secret);
  });
  return r ? { status: 'revoked', how: 'deletedSecret', ...r } : { status: 'cancelled' };
}

async function revokeOther(services: Services, store: TokenStore, entry: KeptToken, args: RevokeArgs): Promise<RevokeOutcome> {
  const { namespace, serviceAccount } = entry.params;
  const bound = entry.boundObject;
  const until = displayDate(entry.expiresAt);
  const lines = [vscode.l10n.t('Kubernetes cannot revoke a single TokenRequest token. The options are:')];
  const offered: RevokeAction[] = [];
  if (bound && (bound.kind === 'Pod' || bound.kind === 'Secret')) {
    lines.push(vscode.l10n.t('• Delete {0} {1}: the token is bound to it and stops working once it is gone.', bound.kind, bound.name));
    offered.push('deleteBoundObject');
  } else if (bound) {
    lines.push(vscode.l10n.t('• Delete Node {0} (the token is bound to it); this is not done from here.', bound.name));
  }
  lines.push(vscode.l10n.t('• Recreate ServiceAccount {0}/{1}: its new UID invalidates every token of it, including those mounted in running Pods (they get new ones when the kubelet refreshes).', namespace, serviceAccount));
  offered.push('recreateServiceAccount');
  lines.push(vscode.l10n.t('• Wait: it expires at {0}.', until));
  const message = lines.join('\n');

  const deleteLabel = bound ? vscode.l10n.t('Delete {0} {1}', bound.kind, bound.name) : '';
  const recreateLabel = vscode.l10n.t('Recreate ServiceAccount');
  let action = args.action;
  if (!action) {
    const buttons = [...(offered.includes('deleteBoundObject') ? [deleteLabel] : []), recreateLabel];
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('This token is not revocable on its own.'), { modal: true, detail: message }, ...buttons);
    action = choice === deleteLabel ? 'deleteBoundObject' : choice === recreateLabel ? 'recreateServiceAccount' : undefined;
    if (!action) return { status: 'explained', message, offered };
  } else if (!offered.includes(action)) {
    return { status: 'explained', message, offered };
  } else if (args.confirm !== true) {
    return { status: 'explained', message, offered }; // a programmatic destructive action needs confirm: true
  }
  const kube = services.session.module();
  const chosen = action;
  const r = await withCheck(services, entry, store, async (client, signal) => {
    if (chosen === 'deleteBoundObject' && bound && (bound.kind === 'Pod' || bound.kind === 'Secret')) {
      await kube.deleteBoundObject(client, bound.kind, bound.name, namespace, signal);
      return vscode.l10n.t('Deleted {0} {1}/{2}.', bound.kind, namespace, bound.name);
    }
    const sa = await kube.recreateServiceAccount(client, namespace, serviceAccount, signal);
    return vscode.l10n.t('Recreated ServiceAccount {0}/{1} (new UID {2}).', namespace, serviceAccount, sa.uid);
  });
  return r ? { status: 'revoked', how: chosen, ...r } : { status: 'cancelled' };
}
