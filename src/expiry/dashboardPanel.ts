/**
 * Host side of the token expiry dashboard: one webview panel, restored after a reload by the
 * serializer. It posts token metadata once the webview says "ready", runs the token commands the
 * rows ask for, and hands a token value over only on a Reveal the user confirmed on the host.
 */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { CommandIds, type CommandId } from '../common/commandIds';
import { Config, SettingKeys } from '../common/config';
import { Disposable } from '../common/lifecycle';
import type { Log } from '../common/log';
import { confirmReveal } from '../tokens/revealConfirm';
import type { TokenStore } from '../tokens/tokenStore';
import { webviewHtml } from '../common/webviewHtml';
import { actionOutcome, toDashboardToken } from './dashboardModel';
import { offersAction, parseWebviewMessage, type HostMessage, type TokenAction, type WebviewMessage } from './protocol';

export const DASHBOARD_VIEW_TYPE = 'k8sTokens.dashboard';

/** Each row action runs the token command of the same name, with the kept id as argument. */
export const ACTION_COMMANDS: Record<TokenAction, CommandId> = {
  remint: CommandIds.remintToken,
  copy: CommandIds.copyToken,
  revoke: CommandIds.revokeToken,
  forget: CommandIds.forgetToken,
  exportKubeconfig: CommandIds.exportKubeconfig,
};

export interface DashboardDeps {
  extensionUri: vscode.Uri;
  store: TokenStore;
  config: Config;
  log: Log;
}

/** Webview options: scripts on, and nothing loadable but our bundle and media folder. */
export function dashboardWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export class DashboardPanel extends Disposable {
  private ready = false;
  private readonly received = this.register(new vscode.EventEmitter<WebviewMessage>());
  /** Every validated message from the webview (tests watch the handshake and render acks). */
  readonly onDidReceiveMessage = this.received.event;
  private readonly posted = this.register(new vscode.EventEmitter<HostMessage>());
  /** Every message posted to the webview. */
  readonly onDidPostMessage = this.posted.event;
  private readonly closed = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.closed.event;
  /** Ids the webview last reported as drawn. */
  renderedIds: readonly string[] | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: DashboardDeps,
  ) {
    super();
    const webview = panel.webview;
    webview.options = dashboardWebviewOptions(deps.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'activity.svg');
    webview.html = webviewHtml({
      cspSource: webview.cspSource,
      nonce: crypto.randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview', 'dashboard.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'media', 'dashboard.css')).toString(),
      lang: vscode.env.language,
      title: vscode.l10n.t('Token Expiry'),
    });
    this.register(webview.onDidReceiveMessage((m: unknown) => void this.receive(m)));
    this.register(deps.store.onDidChange(() => this.postTokens()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (Config.affects(e, SettingKeys.expiryNotifyBeforeMinutes)) this.postTokens();
      }),
    );
    this.register(
      panel.onDidChangeViewState(() => {
        // Without retainContextWhenHidden a hidden webview is torn down; it says "ready" again when shown.
        if (!panel.visible) {
          this.post({ type: 'conceal' });
          this.ready = false;
        }
      }),
    );
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  get isReady(): boolean {
    return this.ready;
  }

  reveal(): void {
    this.panel.reveal();
  }

  /**
   * Handles one message from the webview (untrusted: checked first). Resolves with the reply
   * posted, if any, once the work is done.
   */
  async receive(raw: unknown): Promise<HostMessage | undefined> {
    const msg = parseWebviewMessage(raw);
    if (!msg) {
      this.deps.log.warn(`dashboard: ignored a malformed message from the webview`);
      return undefined;
    }
    this.received.fire(msg);
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        return this.postTokens();
      case 'rendered':
        this.renderedIds = msg.ids;
        return undefined;
      case 'action':
        return this.runAction(msg.id, msg.action);
      case 'reveal':
        return this.revealToken(msg.id);
    }
  }

  private postTokens(): HostMessage {
    const msg: HostMessage = {
      type: 'tokens',
      tokens: this.deps.store.list().map(toDashboardToken),
      settings: { notifyBeforeMinutes: this.deps.config.expiryNotifyBeforeMinutes },
      l10n: vscode.l10n.bundle,
    };
    this.post(msg);
    return msg;
  }

  /**
   * Runs a row action through the token command of the same name and posts the outcome to the
   * webview. `commandArgs` are options of that command (e.g. `confirm`, `target`); the webview
   * never sends any, so a click always gets the command's own prompts and confirmations.
   */
  async runAction(id: string, action: TokenAction, commandArgs: Record<string, unknown> = {}): Promise<HostMessage> {
    let reply: HostMessage;
    const entry = this.deps.store.get(id);
    if (!entry) {
      reply = { type: 'actionDone', id, action, ok: false, message: vscode.l10n.t('This token is no longer kept.') };
    } else if (!offersAction(toDashboardToken(entry), action)) {
      // The row offers no Revoke for such a token; a message asking for it anyway changes nothing.
      reply = { type: 'actionDone', id, action, ok: false, message: vscode.l10n.t('This token is not bound to a Secret of its own, so it cannot be revoked on its own.') };
    } else {
      const outcome = actionOutcome(action, await vscode.commands.executeCommand(ACTION_COMMANDS[action], { ...commandArgs, id }));
      reply = { type: 'actionDone', id, action, ok: outcome !== 'failed', message: outcome === 'failed' ? vscode.l10n.t('The action failed; see the notification.') : undefined };
    }
    this.post(reply);
    return reply;
  }

  /**
   * Sends a token value to the webview, after asking the user on the host (a modal whose default
   * keeps it hidden): the webview's own request is not enough. `confirm: true` skips the question (tests).
   */
  async revealToken(id: string, args: { confirm?: boolean } = {}): Promise<HostMessage> {
    const entry = this.deps.store.get(id);
    const value = entry ? await this.deps.store.token(id) : undefined;
    let reply: HostMessage;
    if (!entry || !value) {
      reply = { type: 'revealFailed', id, message: vscode.l10n.t('The token value is no longer in the secret storage; re-mint it.') };
    } else if (args.confirm === true || (await confirmReveal(`${entry.params.namespace}/${entry.params.serviceAccount}`, entry.expiresAt, this.deps.log))) {
      reply = { type: 'revealed', id, value };
    } else {
      reply = { type: 'revealFailed', id, message: '' };
    }
    this.post(reply);
    return reply;
  }

  private post(msg: HostMessage): void {
    // Before the handshake the webview's listener may not exist yet; it asks again with "ready".
    if (!this.ready && msg.type !== 'conceal') return;
    void this.panel.webview.postMessage(msg);
    this.posted.fire(msg);
  }

  private closing = false;

  override dispose(): void {
    if (this.closing) return;
    this.closing = true;
    this.closed.fire();
    super.dispose();
    this.panel.dispose();
  }
}

/** Owns the one dashboard panel: creates, reveals, and revives it after a window reload. */
export class DashboardController extends Disposable {
  private panel: DashboardPanel | undefined;
  private readonly opened = this.register(new vscode.EventEmitter<DashboardPanel>());
  readonly onDidOpen = this.opened.event;

  constructor(private readonly deps: DashboardDeps) {
    super();
    this.register(
      vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
        // The webview redraws from its own saved state; the host only needs to take the panel back.
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
          this.revive(panel);
        },
      }),
    );
  }

  get current(): DashboardPanel | undefined {
    return this.panel;
  }

  show(): DashboardPanel {
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, vscode.l10n.t('Token Expiry'), vscode.ViewColumn.Active, dashboardWebviewOptions(this.deps.extensionUri));
    return this.adopt(panel);
  }

  /** Takes back a panel VS Code restored after a reload (what the serializer does). */
  revive(panel: vscode.WebviewPanel): DashboardPanel {
    return this.adopt(panel);
  }

  private adopt(panel: vscode.WebviewPanel): DashboardPanel {
    this.panel?.dispose();
    const p = new DashboardPanel(panel, this.deps);
    this.panel = p;
    p.onDidDispose(() => {
      if (this.panel === p) this.panel = undefined;
    });
    this.opened.fire(p);
    return p;
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }
}
