/** Handlers of mintToken, mintRevocableToken, remintToken, copyToken and forgetToken. */
import * as vscode from 'vscode';
import { displayDate } from '../common/dates';
import type { Services } from '../services';
import { usableDefaultDuration } from './duration';
import { mint, type MintOutcome, type MintSuccess } from './mint';
import { askMintOptions, optionsFromArg, type MintOptions } from './mintOptions';
import { presentOutcome } from './present';
import { resolveTarget, isTreeNode } from './targets';
import type { KeptToken, TokenStore } from './tokenStore';

/**
 * Where an interactive mint's result goes (MintResults: the "Minted token" panels). Only this shape
 * is named here, so the panels, which call back into mint, export and revoke, add no import circle.
 */
export interface MintResultSink {
  show(result: MintSuccess): unknown;
}

const flag = (arg: unknown, key: string): boolean | undefined => {
  if (typeof arg !== 'object' || arg === null || isTreeNode(arg)) return undefined;
  const v = (arg as Record<string, unknown>)[key];
  return typeof v === 'boolean' ? v : undefined;
};

/**
 * Mint Token / Mint Token (Revocable). Programmatic use passes everything, e.g.
 * `{ context, namespace, serviceAccount, duration: '2h', audiences: [], bind: { kind: 'Pod', name }, keep: true, copy: false }`;
 * from the tree or the palette, whatever is missing is asked in one multi-step input. A mint whose
 * options were asked (or `show: true`) opens its result in a "Minted token" panel (`results`).
 */
export async function mintCommand(services: Services, store: TokenStore, results: MintResultSink | undefined, arg: unknown, revocable: boolean): Promise<MintOutcome | undefined> {
  const defaultDuration = usableDefaultDuration(services.config.mintDefaultDuration);
  const fromArg = optionsFromArg(arg, defaultDuration);
  if (fromArg.error) {
    const refused = { status: 'refused' as const, message: fromArg.error };
    presentOutcome(refused);
    return refused;
  }
  const target = await resolveTarget(services.session, arg);
  if (!target) return undefined;
  let options: MintOptions | undefined;
  if (fromArg.given) {
    options = { expirationSeconds: fromArg.options.expirationSeconds ?? 3600, audiences: fromArg.options.audiences ?? [], bind: revocable ? undefined : fromArg.options.bind };
  } else {
    options = await askMintOptions(services.session, target, revocable, defaultDuration);
    if (!options) return undefined;
  }
  const outcome = await mint(services, store, { target, options, revocable, keep: flag(arg, 'keep') === true, copy: flag(arg, 'copy') === true });
  if (outcome.status === 'minted') {
    if (results && (flag(arg, 'show') ?? !fromArg.given)) results.show(outcome);
  } else {
    presentOutcome(outcome, target);
  }
  return outcome;
}

/** The kept entry an argument names: its id, `{ id }`, or the entry itself. */
export function keptFrom(store: TokenStore, arg: unknown): KeptToken | undefined {
  const id = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && typeof (arg as { id?: unknown }).id === 'string' ? (arg as { id: string }).id : undefined;
  return id ? store.get(id) : undefined;
}

async function pickKept(store: TokenStore, title: string): Promise<KeptToken | undefined> {
  const items = store.list().map((t) => ({
    label: `${t.params.namespace}/${t.params.serviceAccount}`,
    description: t.params.context,
    detail: t.revokedAt ? vscode.l10n.t('revoked') : vscode.l10n.t('expires {0}', displayDate(t.expiresAt)),
    entry: t,
  }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No kept tokens. Mint a token and choose Keep.'));
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title }))?.entry;
}

export async function resolveKept(store: TokenStore, arg: unknown, title: string): Promise<KeptToken | undefined> {
  return keptFrom(store, arg) ?? (arg === undefined || isTreeNode(arg) ? pickKept(store, title) : undefined);
}

/** Mints a new token with a kept entry's parameters and replaces the entry's token. */
export async function remintCommand(services: Services, store: TokenStore, arg: unknown): Promise<MintOutcome | undefined> {
  const entry = await resolveKept(store, arg, vscode.l10n.t('Re-mint which token?'));
  if (!entry) return undefined;
  const p = entry.params;
  const outcome = await mint(services, store, {
    target: { context: p.context, namespace: p.namespace, serviceAccount: p.serviceAccount },
    options: { expirationSeconds: p.expirationSeconds, audiences: p.audiences, bind: p.boundObject ? { kind: p.boundObject.kind, name: p.boundObject.name } : undefined },
    revocable: p.revocable === true,
    revocableSecret: entry.revokedAt ? undefined : entry.revocableSecret,
    keep: true,
    copy: flag(arg, 'copy') === true,
    remintId: entry.id,
  });
  presentOutcome(outcome, p);
  return outcome;
}

export async function copyTokenCommand(store: TokenStore, arg: unknown): Promise<{ copied: boolean }> {
  const entry = await resolveKept(store, arg, vscode.l10n.t('Copy which token?'));
  const token = entry ? await store.token(entry.id) : undefined;
  if (!entry || !token) {
    if (entry) void vscode.window.showErrorMessage(vscode.l10n.t('The token value is no longer in the secret storage; re-mint it.'));
    return { copied: false };
  }
  await vscode.env.clipboard.writeText(token);
  void vscode.window.showInformationMessage(vscode.l10n.t('Token for {0}/{1} copied to the clipboard.', entry.params.namespace, entry.params.serviceAccount));
  return { copied: true };
}

export async function forgetTokenCommand(store: TokenStore, arg: unknown): Promise<{ forgotten: boolean }> {
  const entry = await resolveKept(store, arg, vscode.l10n.t('Forget which token?'));
  if (!entry) return { forgotten: false };
  await store.forget(entry.id);
  if (entry.revocableSecret && !entry.revokedAt) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Forgotten here, but the token stays valid until {0}. Delete Secret {1} to revoke it.', displayDate(entry.expiresAt), entry.revocableSecret),
    );
  }
  return { forgotten: true };
}
