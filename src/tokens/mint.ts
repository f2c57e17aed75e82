/**
 * Minting: one TokenRequest (plus the dedicated Secret of a revocable token), then the decoded
 * result compared with the request, and what the user can do with it. Failures are explained
 * and returned, never thrown, so callers (tests, other commands) get a result either way.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { KubeError } from '../errors/kubeError';
import { ClusterSession } from '../kube/session';
import type { BoundObjectRef } from '../kube/tokenRequest';
import { explainGrant, type GrantReport } from './grant';
import { decodeJwt, type JsonObject } from '../jwt/decode';
import { explainMintFailure, type MintFailure, type MintTarget } from './mintFailure';
import type { MintOptions } from './mintOptions';
import type { KeptToken, MintParams, TokenStore } from './tokenStore';

export interface MintRequest {
  target: MintTarget;
  options: MintOptions;
  /** Bind to a dedicated new Secret, so that deleting it revokes the token. */
  revocable: boolean;
  keep: boolean;
  copy: boolean;
  /** Re-mint: update this kept entry instead of adding one. */
  remintId?: string;
  /** Re-mint of a revocable token: bind to this Secret again if it still exists. */
  revocableSecret?: string;
}

export interface MintSuccess {
  status: 'minted';
  token: string;
  target: MintTarget;
  /** The token's payload, decoded without verification. */
  claims: JsonObject;
  report: GrantReport;
  /** Audiences the server put in the token (requested, or its defaults). */
  audiences: string[];
  warnings: string[];
  boundObject?: BoundObjectRef;
  revocableSecret?: string;
  server: string;
  /** What TokenStore.keep records for it (no token value). */
  metadata: Omit<KeptToken, 'id'>;
  kept?: KeptToken;
  /** Why keeping failed; the token is still returned and offered for copy. */
  keepError?: string;
  copied: boolean;
}

export type MintOutcome = MintSuccess | MintFailure | { status: 'refused'; message: string } | { status: 'cancelled' };

interface Minted {
  token: string;
  server: string;
  audiences: string[];
  grantedSeconds: number;
  expirationTimestamp: string;
  warnings: string[];
  bound?: BoundObjectRef;
  secret?: string;
}

/** The cluster part, under a cancellable progress notification. */
async function callCluster(services: Services, req: MintRequest): Promise<Minted | MintFailure | { status: 'cancelled' }> {
  const { target, options } = req;
  const title = vscode.l10n.t('Minting a token for {0}/{1}…', target.namespace, target.serviceAccount);
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, cancel) => {
    const { signal, dispose } = ClusterSession.signalFor(cancel);
    const kube = services.session.module();
    let createdSecret: string | undefined;
    try {
      const client = services.session.connections().client(target.context);
      let bound = options.bind;
      if (req.revocable) {
        const reuseUid = req.revocableSecret ? await kube.secretUid(client, target.namespace, req.revocableSecret, signal) : undefined;
        if (req.revocableSecret && reuseUid) {
          bound = { kind: 'Secret', name: req.revocableSecret, uid: reuseUid };
        } else {
          progress.report({ message: vscode.l10n.t('creating the Secret that revokes it…') });
          const s = await kube.createRevocableSecret(client, target.namespace, target.serviceAccount, signal);
          createdSecret = s.name;
          bound = { kind: 'Secret', name: s.name, uid: s.uid };
        }
      }
      progress.report({ message: vscode.l10n.t('requesting the token…') });
      const r = await kube.requestToken(
        client,
        { namespace: target.namespace, serviceAccount: target.serviceAccount, expirationSeconds: options.expirationSeconds, audiences: options.audiences, boundObjectRef: bound },
        signal,
      );
      return { token: r.token, server: client.server, audiences: r.audiences, grantedSeconds: r.grantedSeconds, expirationTimestamp: r.expirationTimestamp, warnings: r.warnings, bound: r.boundObjectRef ?? bound, secret: bound?.kind === 'Secret' && req.revocable ? bound.name : undefined };
    } catch (e) {
      if (createdSecret) {
        // The token was not minted: do not leave its Secret behind.
        const client = services.session.connections().client(target.context);
        await kube.deleteSecret(client, target.namespace, createdSecret).catch((err: unknown) => services.log.warn(`could not delete unused Secret ${target.namespace}/${createdSecret}: ${String(err)}`));
      }
      if (KubeError.is(e, 'cancelled') || cancel.isCancellationRequested) return { status: 'cancelled' as const };
      services.log.warn(`mint ${target.context}/${target.namespace}/${target.serviceAccount} failed: ${e instanceof Error ? e.message : String(e)}`);
      return explainMintFailure(e, target);
    } finally {
      dispose();
    }
  });
}

export async function mint(services: Services, store: TokenStore, req: MintRequest): Promise<MintOutcome> {
  const called = await callCluster(services, req);
  if ('status' in called) return called;

  const decoded = decodeJwt(called.token);
  const claims: JsonObject = decoded.ok ? decoded.payload : {};
  const report = explainGrant({
    requestedSeconds: req.options.expirationSeconds,
    grantedSeconds: called.grantedSeconds,
    expirationTimestamp: called.expirationTimestamp,
    warnings: called.warnings,
    boundKind: called.bound?.kind,
    claims,
    now: Date.now(),
  });
  const params: MintParams = {
    context: req.target.context,
    namespace: req.target.namespace,
    serviceAccount: req.target.serviceAccount,
    expirationSeconds: req.options.expirationSeconds,
    audiences: req.options.audiences,
    // Re-mints bind by name: a recreated Pod has a new uid and should still be accepted.
    boundObject: req.revocable || !called.bound ? undefined : { kind: called.bound.kind, name: called.bound.name },
    revocable: req.revocable || undefined,
  };
  const meta: Omit<KeptToken, 'id'> = {
    params,
    server: called.server,
    audiences: called.audiences,
    issuedAt: report.issuedAt,
    expiresAt: report.expiresAt,
    statusExpiresAt: report.statusExpiresAt,
    warnAfter: report.warnAfter,
    requestedSeconds: report.requestedSeconds,
    grantedSeconds: report.grantedSeconds,
    jti: typeof claims.jti === 'string' ? claims.jti : undefined,
    boundObject: called.bound,
    revocableSecret: called.secret,
  };
  const outcome: MintSuccess = {
    status: 'minted',
    token: called.token,
    target: req.target,
    claims,
    report,
    audiences: called.audiences,
    warnings: called.warnings,
    boundObject: called.bound,
    revocableSecret: called.secret,
    server: called.server,
    metadata: meta,
    copied: false,
  };
  if (req.keep || req.remintId) {
    try {
      outcome.kept = req.remintId ? await store.update(req.remintId, { ...meta, revokedAt: undefined }, called.token) : await store.keep(meta, called.token);
    } catch (e) {
      outcome.keepError = e instanceof Error ? e.message : String(e);
      services.log.error('keeping a minted token failed', e);
    }
  }
  if (req.copy) {
    await vscode.env.clipboard.writeText(called.token);
    outcome.copied = true;
  }
  return outcome;
}

/** Keeps an already minted token (the Keep action of the mint result panel). */
export function keepMinted(store: TokenStore, outcome: MintSuccess): Promise<KeptToken> {
  return store.keep(outcome.metadata, outcome.token);
}
