/** The expiry feature: dashboard webview, status bar item and expiry notifications. */
import { CommandIds } from '../common/commandIds';
import { registerCommand } from '../common/commands';
import type { Services } from '../services';
import type { TokenStore } from '../tokens/tokenStore';
import { DashboardController, type DashboardPanel } from './dashboardPanel';
import { ExpiryNotifier } from './notifier';
import { ExpiryStatusBar } from './statusBar';

/** What the expiry feature exposes to tests. */
export interface ExpiryApi {
  readonly dashboard: DashboardController;
  readonly statusBar: ExpiryStatusBar;
  readonly notifier: ExpiryNotifier;
}

export function registerExpiry(services: Services, store: TokenStore): ExpiryApi {
  const { context, config, log, errors } = services;
  const dashboard = new DashboardController({ extensionUri: context.extensionUri, store, config, log });
  const statusBar = new ExpiryStatusBar(store, config);
  const notifier = new ExpiryNotifier(store, config, context.globalState, log);
  context.subscriptions.push(dashboard, statusBar, notifier);
  registerCommand(context, errors, CommandIds.showDashboard, (): DashboardPanel => dashboard.show());
  return { dashboard, statusBar, notifier };
}
