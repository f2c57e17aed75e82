/**
 * Composition root: creates the shared services and asks each feature to register itself.
 * Feature code lives in its own folder; nothing here talks to a cluster.
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerAudit, type AuditApi } from './audit/registerAudit';
import { Config } from './common/config';
import { ErrorReporter } from './common/errors';
import { Log } from './common/log';
import type { Services } from './services';
import { registerExpiry, type ExpiryApi } from './expiry/registerExpiry';
import { registerFederation } from './federation/registerFederation';
import { registerHover } from './hover/registerHover';
import { ClusterSession } from './kube/session';
import { registerPermissions, type PermissionsApi } from './permissions/registerPermissions';
import { registerScaffold } from './scaffold/registerScaffold';
import { registerTokens, type TokensApi } from './tokens/registerTokens';
import type { TokenStore } from './tokens/tokenStore';
import { registerTree, type ServiceAccountTree } from './tree/registerTree';

/** What activate() returns: the feature objects, for the extension-host tests and other extensions. */
export interface ExtensionApi {
  readonly services: Services;
  readonly tree: ServiceAccountTree;
  readonly tokens: TokensApi;
  readonly tokenStore: TokenStore;
  readonly expiry: ExpiryApi;
  readonly permissions: PermissionsApi;
  readonly audit: AuditApi;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  // Pure modules translate through @vscode/l10n; point it at the bundle VS Code chose.
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });

  const log = new Log('Kubernetes SA Tokens');
  const config = new Config();
  const session = new ClusterSession(config, log, path.join(context.globalStorageUri.fsPath, 'code-cache'));
  context.subscriptions.push(log, session);
  const services: Services = { context, config, log, errors: new ErrorReporter(log), session };

  const tree = registerTree(services);
  const tokens = registerTokens(services, tree);
  tree.showKeptTokens(tokens.store);
  const expiry = registerExpiry(services, tokens.store);
  const permissions = registerPermissions(services);
  registerHover(services);
  registerScaffold(services, permissions.documents, () => tree.refresh());
  registerFederation(services);
  const audit = registerAudit(services);

  return { services, tree, tokens, tokenStore: tokens.store, expiry, permissions, audit };
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
