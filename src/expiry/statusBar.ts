/**
 * Status bar item with the nearest expiry among kept, non-revoked tokens
 * ("$(key) demo/ci-deployer 42m"); click opens the dashboard. Hidden when there is no such token
 * or k8sTokens.statusBar.enabled is false. It re-plans its own timer to when the text changes.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../common/commandIds';
import { Config, SettingKeys } from '../common/config';
import { Disposable } from '../common/lifecycle';
import { displayDateCompact } from '../common/dates';
import type { KeptToken, TokenStore } from '../tokens/tokenStore';
import { deadlineOf, formatShort, MAX_TIMER_MS, nearestExpiry, tokenStatus, type ExpiryOptions, type TokenStatus } from './timeline';

function statusWord(status: TokenStatus): string {
  switch (status) {
    case 'valid':
      return vscode.l10n.t('valid');
    case 'expiring':
      return vscode.l10n.t('expiring');
    case 'stale':
      return vscode.l10n.t('stale (past warnafter)');
    case 'expired':
      return vscode.l10n.t('expired');
    case 'revoked':
      return vscode.l10n.t('revoked');
  }
}

const name = (t: KeptToken): string => `${t.params.namespace}/${t.params.serviceAccount}`;

export class ExpiryStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('k8sTokens.expiry', vscode.StatusBarAlignment.Right, 100));
  private timer: NodeJS.Timeout | undefined;
  private shown = false;

  constructor(
    private readonly store: TokenStore,
    private readonly config: Config,
  ) {
    super();
    this.item.name = vscode.l10n.t('Token Expiry');
    this.item.command = CommandIds.showDashboard;
    this.register(store.onDidChange(() => this.refresh()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (Config.affects(e, SettingKeys.statusBarEnabled) || Config.affects(e, SettingKeys.expiryNotifyBeforeMinutes)) this.refresh();
      }),
    );
    this.register({ dispose: () => clearTimeout(this.timer) });
    this.refresh();
  }

  /** True while the item is on the status bar. */
  get visible(): boolean {
    return this.shown;
  }
  get text(): string {
    return this.item.text;
  }
  get tooltip(): string {
    return typeof this.item.tooltip === 'string' ? this.item.tooltip : '';
  }

  refresh(now = Date.now()): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const opts: ExpiryOptions = { notifyBeforeMs: this.config.expiryNotifyBeforeMinutes * 60_000 };
    const tokens = this.store.list();
    const nearest = this.config.statusBarEnabled ? nearestExpiry(tokens, now, opts) : undefined;
    if (!nearest) {
      this.item.hide();
      this.shown = false;
      return;
    }
    const { token, status, remainingMs } = nearest;
    const when = status === 'expired' ? vscode.l10n.t('expired') : status === 'stale' ? vscode.l10n.t('stale') : formatShort(remainingMs);
    this.item.text = `$(key) ${name(token)} ${when}`;
    this.item.backgroundColor =
      status === 'expired'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : status === 'expiring' || status === 'stale'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.tooltip = this.tooltipFor(tokens, now, opts);
    this.item.show();
    this.shown = true;
    if (nearest.liveCount > 0) {
      // Under two minutes the text shows seconds; otherwise it changes when the minute does.
      const delay = Math.abs(remainingMs) < 120_000 ? 1000 : (Math.abs(remainingMs) % 60_000) + 100;
      this.timer = setTimeout(() => this.refresh(), Math.min(delay, MAX_TIMER_MS));
    }
  }

  private tooltipFor(tokens: readonly KeptToken[], now: number, opts: ExpiryOptions): string {
    const lines = tokens
      .filter((t) => t.revokedAt === undefined)
      .sort((a, b) => deadlineOf(a) - deadlineOf(b))
      .slice(0, 10)
      .map((t) => {
        const status = tokenStatus(t, now, opts);
        const at = displayDateCompact(deadlineOf(t), now);
        const left = deadlineOf(t) - now;
        return left > 0
          ? vscode.l10n.t('{0} ({1}): {2}, {3} left, until {4}', name(t), t.params.context, statusWord(status), formatShort(left), at)
          : vscode.l10n.t('{0} ({1}): {2} since {3}', name(t), t.params.context, statusWord(status), at);
      });
    return [vscode.l10n.t('Kept ServiceAccount tokens'), ...lines, '', vscode.l10n.t('Click to open the token expiry dashboard.')].join('\n');
  }
}
