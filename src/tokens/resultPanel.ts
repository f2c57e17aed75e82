/**
 * The "Minted token" panel: the result of one mint, open until the user closes it. It shows what
 * the server granted against what was asked and why, the binding, and offers Copy, Keep, Open
 * Decoded, Export Kubeconfig, Revoke (revocable tokens) and Reveal. Every action runs here on the
 * host; the token reaches the webview only after a confirmed Reveal. Closing the panel of a
 * revocable token that was not kept asks what to do with its Secret.
 */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { CommandIds } from '../common/commandIds';
import { displayDateCompact } from '../common/dates';
import { Disposable } from '../common/lifecycle';
import type { Services } from '../services';
import { webviewHtml } from '../common/webviewHtml';
import type { ExportOutcome } from './exportCommand';
import { keepMinted, type MintSuccess } from './mint';
import { isResultAction, parseResultMessage, type ResultAction, type ResultHostMessage, type ResultWebviewMessage } from './resultProtocol';
import { toResultView } from './resultView';
import { confirmReveal } from './revealConfirm';
import { revokeBySecret, type RevokeOutcome } from './revoke';
import type { KeptToken, TokenStore } from './tokenStore';
import type { UnkeptSecret, UnkeptSecrets } from './unkeptSecrets';

export const RESULT_VIEW_TYPE = 'k8sTokens.mintResult';

export interface ResultDeps {
  services: Services;
  store: TokenStore;
  unkept: UnkeptSecrets;
}

/** What became of a revocable token's Secret when its result was closed without keeping. */
export type CloseDecision = 'kept' | 'deletedSecret' | 'leftSecret' | 'undecided' | 'nothingToAsk';

export function resultWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')] };
}

export class MintResultPanel extends Disposable {
  private ready = false;
  private copied = false;
  private exported = false;
  private revoked = false;
  private readonly received = this.register(new vscode.EventEmitter<ResultWebviewMessage>());
  readonly onDidReceiveMessage = this.received.event;
  private readonly posted = this.register(new vscode.EventEmitter<ResultHostMessage>());
  readonly onDidPostMessage = this.posted.event;
  private readonly closedEmitter = new vscode.EventEmitter<CloseDecision>();
  /** Fires once the panel is closed and, for an unkept revocable token, the user decided about its Secret. */
  readonly onDidClose = this.closedEmitter.event;
  /** Set by the controller when the extension shuts down: then nobody can be asked. */
  quiet = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly result: MintSuccess,
    private readonly deps: ResultDeps,
  ) {
    super();
    const extensionUri = deps.services.context.extensionUri;
    const webview = panel.webview;
    webview.options = resultWebviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity.svg');
    webview.html = webviewHtml({
      cspSource: webview.cspSource,
      nonce: crypto.randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'mintResult.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'mintResult.css')).toString(),
      lang: vscode.env.language,
      title: panel.title,
    });
    this.register(webview.onDidReceiveMessage((m: unknown) => void this.receive(m)));
    this.register(deps.store.onDidChange(() => this.postResult()));
    this.register(
      panel.onDidChangeViewState(() => {
        if (!panel.visible) {
          this.post({ type: 'conceal' });
          this.ready = false; // a hidden webview is torn down; it says "ready" again when shown
        }
      }),
    );
    this.register(panel.onDidDispose(() => void this.closed()));
    if (this.unkeptSecret) void deps.unkept.add(this.unkeptSecret);
  }

  /** The kept entry of this token, while it is kept. */
  get kept(): KeptToken | undefined {
    const id = this.result.kept?.id;
    return id ? this.deps.store.get(id) : undefined;
  }

  get isReady(): boolean {
    return this.ready;
  }

  private get who(): string {
    return `${this.result.target.namespace}/${this.result.target.serviceAccount}`;
  }

  /** The Secret of a revocable token nobody has decided about yet. */
  private get unkeptSecret(): UnkeptSecret | undefined {
    const { revocableSecret, target, report } = this.result;
    if (!revocableSecret || this.kept || this.revoked) return undefined;
    return { context: target.context, namespace: target.namespace, secret: revocableSecret, expiresAt: report.expiresAt };
  }

  view(): ReturnType<typeof toResultView> {
    return toResultView(this.result, { kept: this.kept !== undefined, copied: this.copied, exported: this.exported, revoked: this.revoked || this.kept?.revokedAt !== undefined });
  }

  /** Handles one (untrusted) message from the webview; resolves with the reply posted, if any. */
  async receive(raw: unknown): Promise<ResultHostMessage | undefined> {
    const msg = parseResultMessage(raw);
    if (!msg) {
      this.deps.services.log.warn('mint result: ignored a malformed message from the webview');
      return undefined;
    }
    this.received.fire(msg);
    if (msg.type === 'ready') {
      this.ready = true;
      return this.postResult();
    }
    return this.runAction(msg.action);
  }

  /** Runs an action of the panel; `args` are options of the underlying command (tests). */
  async runAction(action: ResultAction, args: Record<string, unknown> = {}): Promise<ResultHostMessage> {
    if (!isResultAction(action)) throw new Error(`unknown action ${String(action)}`);
    let reply: ResultHostMessage;
    try {
      const done = await this.act(action, args);
      reply = done === true ? { type: 'actionDone', action, ok: true } : { type: 'actionDone', action, ok: false, message: done || undefined };
    } catch (e) {
      this.deps.services.errors.report(e, `mint result ${action}`);
      reply = { type: 'actionDone', action, ok: false, message: vscode.l10n.t('The action failed; see the notification.') };
    }
    this.post(reply);
    this.postResult();
    return reply;
  }

  /** True when done; otherwise why not ('' when the user cancelled). */
  private async act(action: ResultAction, args: Record<string, unknown>): Promise<true | string> {
    const m = this.result;
    switch (action) {
      case 'copy':
        await vscode.env.clipboard.writeText(m.token);
        this.copied = true;
        vscode.window.setStatusBarMessage(vscode.l10n.t('$(copy) Token for {0} copied to the clipboard', this.who), 5000);
        return true;
      case 'keep': {
        if (!this.kept) m.kept = await keepMinted(this.deps.store, m);
        const secret = this.unkeptSecretFor(m);
        if (secret) await this.deps.unkept.remove(secret);
        vscode.window.setStatusBarMessage(vscode.l10n.t('$(check) Kept: token for {0}, in the Token Expiry dashboard', this.who), 8000);
        return true;
      }
      case 'decode':
        await vscode.commands.executeCommand(CommandIds.decodeToken, m.token);
        return true;
      case 'exportKubeconfig': {
        const out = await vscode.commands.executeCommand<ExportOutcome | undefined>(CommandIds.exportKubeconfig, { ...m.target, token: m.token, ...args });
        if (out?.status === 'exported') this.exported = true;
        return out?.status === 'exported' ? true : out?.status === 'failed' ? out.message : '';
      }
      case 'revoke':
        return this.revoke(args);
      case 'reveal':
        if (args.confirm !== true && !(await confirmReveal(this.who, m.report.expiresAt, this.deps.services.log))) return '';
        this.post({ type: 'revealed', value: m.token });
        return true;
      case 'close':
        this.panel.dispose();
        return true;
    }
  }

  private unkeptSecretFor(m: MintSuccess): UnkeptSecret | undefined {
    return m.revocableSecret ? { context: m.target.context, namespace: m.target.namespace, secret: m.revocableSecret, expiresAt: m.report.expiresAt } : undefined;
  }

  private async revoke(args: Record<string, unknown>): Promise<true | string> {
    const m = this.result;
    if (!m.revocableSecret) return vscode.l10n.t('This token is not bound to a Secret of its own, so it cannot be revoked on its own.');
    let outcome: RevokeOutcome | undefined;
    if (this.kept) {
      outcome = await vscode.commands.executeCommand<RevokeOutcome | undefined>(CommandIds.revokeToken, { ...args, id: this.kept.id });
    } else {
      const subject = { context: m.target.context, namespace: m.target.namespace, secret: m.revocableSecret, token: async () => m.token, markRevoked: async () => void (this.revoked = true) };
      outcome = await revokeBySecret(this.deps.services, subject, { confirm: args.confirm === true });
      const secret = this.unkeptSecretFor(m);
      if (outcome.status === 'revoked') {
        void vscode.window.showInformationMessage(outcome.message);
        if (secret) await this.deps.unkept.remove(secret);
      }
    }
    if (outcome?.status === 'revoked') this.revoked = true;
    return outcome?.status === 'revoked' ? true : '';
  }

  private postResult(): ResultHostMessage {
    const msg: ResultHostMessage = { type: 'result', result: this.view(), l10n: vscode.l10n.bundle };
    this.post(msg);
    return msg;
  }

  private post(msg: ResultHostMessage): void {
    // Not before the webview listens (it says "ready" again), nor after the panel is gone.
    if (this.closing || (!this.ready && msg.type !== 'conceal')) return;
    void this.panel.webview.postMessage(msg);
    this.posted.fire(msg);
  }

  private closing = false;

  /** After the panel is gone: for an unkept revocable token, the user decides about its Secret. */
  private async closed(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    super.dispose();
    let decision: CloseDecision = 'nothingToAsk';
    const secret = this.unkeptSecret;
    if (secret && !this.quiet) {
      try {
        decision = await this.askAboutSecret(secret);
      } catch (e) {
        this.deps.services.errors.report(e, 'closing the mint result');
      }
    }
    this.closedEmitter.fire(decision);
    this.closedEmitter.dispose();
  }

  /**
   * Asks, without blocking the window, what to do with the Secret of a revocable token that was
   * not kept: Keep Token (first), Delete Secret, or Leave It. Dismissing the question decides
   * nothing: the Secret stays listed and the next start asks again.
   */
  private async askAboutSecret(secret: UnkeptSecret): Promise<CloseDecision> {
    const keep = vscode.l10n.t('Keep Token');
    const del = vscode.l10n.t('Delete Secret');
    const leave = vscode.l10n.t('Leave It');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'The revocable token for {0} was not kept. Its Secret {1}/{2} is still in the cluster, so the token stays valid until {3} unless the Secret is deleted.',
        this.who,
        secret.namespace,
        secret.secret,
        displayDateCompact(secret.expiresAt),
      ),
      keep,
      del,
      leave,
    );
    if (choice === keep) {
      this.result.kept = await keepMinted(this.deps.store, this.result);
      await this.deps.unkept.remove(secret);
      vscode.window.setStatusBarMessage(vscode.l10n.t('$(check) Kept: token for {0}, in the Token Expiry dashboard', this.who), 8000);
      return 'kept';
    }
    if (choice === del) {
      const out = await this.revoke({ confirm: true });
      return out === true ? 'deletedSecret' : 'undecided';
    }
    if (choice === leave) {
      await this.deps.unkept.remove(secret); // left on purpose: not asked again at the next start
      return 'leftSecret';
    }
    return 'undecided';
  }

  override dispose(): void {
    this.panel.dispose(); // runs closed() through onDidDispose
  }
}

