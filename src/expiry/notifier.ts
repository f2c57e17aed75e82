/**
 * Warns k8sTokens.expiry.notifyBeforeMinutes before a kept token's deadline, once per token and
 * deadline (a re-mint earns a new warning), offering Re-mint and Open Dashboard. What was already
 * announced is remembered in globalState (ids and times only) so a reload does not repeat it.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../common/commandIds';
import { Config, SettingKeys } from '../common/config';
import { Disposable } from '../common/lifecycle';
import { displayDateCompact } from '../common/dates';
import type { Log } from '../common/log';
import type { KeptToken, TokenStore } from '../tokens/tokenStore';
import { deadlineOf, formatShort, MAX_TIMER_MS, notificationKey, planNotifications } from './timeline';

const NOTIFIED_KEY = 'k8sTokens.expiry.notified';

export class ExpiryNotifier extends Disposable {
  private timer: NodeJS.Timeout | undefined;
  private readonly notified = this.register(new vscode.EventEmitter<KeptToken>());
  /** Fires for each notification shown (tests). */
  readonly onDidNotify = this.notified.event;

  constructor(
    private readonly store: TokenStore,
    private readonly config: Config,
    private readonly memento: vscode.Memento,
    private readonly log: Log,
  ) {
    super();
    this.register(store.onDidChange(() => this.check()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (Config.affects(e, SettingKeys.expiryNotifyBeforeMinutes)) this.check();
      }),
    );
    this.register({ dispose: () => clearTimeout(this.timer) });
    this.check();
  }

  /** Notifies what is due now and sets a timer for the next window to open. */
  check(now = Date.now()): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const tokens = this.store.list();
    const saved = this.memento.get<unknown>(NOTIFIED_KEY, []);
    const done = new Set(Array.isArray(saved) ? saved.filter((k): k is string => typeof k === 'string') : []);
    const plan = planNotifications(tokens, now, this.config.expiryNotifyBeforeMinutes * 60_000, done);
    for (const t of plan.due) {
      done.add(notificationKey(t));
      this.show(t, now);
    }
    // Keep only the keys of tokens still kept, so the list never grows without bound.
    const live = new Set(tokens.map(notificationKey));
    void this.memento.update(NOTIFIED_KEY, [...done].filter((k) => live.has(k)));
    if (plan.nextCheckAt !== undefined) this.timer = setTimeout(() => this.check(), Math.min(Math.max(0, plan.nextCheckAt - now) + 50, MAX_TIMER_MS));
  }

  private show(t: KeptToken, now: number): void {
    const who = `${t.params.namespace}/${t.params.serviceAccount}`;
    const left = formatShort(deadlineOf(t) - now);
    const at = displayDateCompact(deadlineOf(t), now);
    const message =
      t.warnAfter !== undefined && t.warnAfter < t.expiresAt
        ? vscode.l10n.t('Token {0} (context {1}) passes its warnafter time in {2}, at {3}; after that the API server logs its use as stale.', who, t.params.context, left, at)
        : vscode.l10n.t('Token {0} (context {1}) expires in {2}, at {3}.', who, t.params.context, left, at);
    const remint = vscode.l10n.t('Re-mint');
    const open = vscode.l10n.t('Open Dashboard');
    // "kept token <uuid>" would read as a static token to the log's redaction: name the entry instead.
    this.log.info(`expiry notification for kept entry ${t.id} (${who})`);
    this.notified.fire(t);
    void vscode.window.showWarningMessage(message, remint, open).then((choice) => {
      if (choice === remint) void vscode.commands.executeCommand(CommandIds.remintToken, t.id);
      else if (choice === open) void vscode.commands.executeCommand(CommandIds.showDashboard);
    });
  }
}
