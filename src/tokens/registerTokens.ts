/** The token feature: TokenStore, the mint results, and the mint / keep / revoke / export / legacy-Secret commands. */
import { CommandIds } from '../common/commandIds';
import { registerCommand } from '../common/commands';
import type { Services } from '../services';
import type { ServiceAccountTree } from '../tree/registerTree';
import { exportKubeconfigCommand } from './exportCommand';
import { copySecretTokenCommand, createLegacyTokenSecretCommand } from './legacySecret';
import { copyTokenCommand, forgetTokenCommand, mintCommand, remintCommand } from './mintCommands';
import { MintResults } from './mintResults';
import { revokeCommand } from './revoke';
import { TokenStore } from './tokenStore';
import { UnkeptSecrets } from './unkeptSecrets';

/** What the token feature exposes to other features (expiry dashboard) and tests. */
export interface TokensApi {
  readonly store: TokenStore;
  /** The open "Minted token" panels. */
  readonly results: MintResults;
}

export function registerTokens(services: Services, tree?: ServiceAccountTree): TokensApi {
  const { context, errors } = services;
  const store = new TokenStore(context.globalState, context.secrets);
  const unkept = new UnkeptSecrets(context.globalState);
  const results = new MintResults({ services, store, unkept });
  context.subscriptions.push(store, results);
  unkept.offerCleanup(services);
  const reg = (id: Parameters<typeof registerCommand>[2], handler: (arg?: unknown) => unknown): void => registerCommand(context, errors, id, handler);

  reg(CommandIds.mintToken, (arg) => mintCommand(services, store, results, arg, false));
  reg(CommandIds.mintRevocableToken, (arg) => mintCommand(services, store, results, arg, true));
  reg(CommandIds.remintToken, (arg) => remintCommand(services, store, arg));
  reg(CommandIds.revokeToken, (arg) => revokeCommand(services, store, arg));
  reg(CommandIds.copyToken, (arg) => copyTokenCommand(store, arg));
  reg(CommandIds.forgetToken, (arg) => forgetTokenCommand(store, arg));
  reg(CommandIds.exportKubeconfig, (arg) => exportKubeconfigCommand(services, store, arg));
  reg(CommandIds.createLegacyTokenSecret, (arg) => createLegacyTokenSecretCommand(services, arg, (node) => tree?.refresh(node)));
  reg(CommandIds.copySecretToken, (arg) => copySecretTokenCommand(services, arg));
  return { store, results };
}
