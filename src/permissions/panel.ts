/**
 * Host side of the permissions view: one webview panel, restored after a reload by its serializer.
 * It posts the target once the webview says "ready" and answers the webview's requests through
 * typed handlers (protocol.ts `Methods`), one response per request id.
 */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import type { Services } from '../services';
import { describeKubeError } from '../errors/describe';
import { KubeError } from '../errors/kubeError';
// The dashboard's HTML shell is generic (CSP with nonce, one script, one stylesheet); reused as is.
import { webviewHtml } from '../common/webviewHtml';
import { answerWhoCan, computeMatrix, exportShown, listNamespaceNames, listServiceAccountNames, ViewError, type ShownResults } from './handlers';
import type { PermissionMatrix } from './matrix';
import { parseWebviewMessage, type HostMessage, type MethodName, type ViewTarget, type WebviewMessage } from './protocol';
import type { WhoCanReport } from './whoCan';

export const PERMISSIONS_VIEW_TYPE = 'k8sTokens.permissions';

/** Webview options: scripts on, and nothing loadable but our bundle and media folder. */
export function permissionsWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function viewTitle(t: Pick<ViewTarget, 'tab' | 'serviceAccount'>): string {
  return t.tab === 'matrix' && t.serviceAccount ? vscode.l10n.t('Permissions: {0}/{1}', t.serviceAccount.namespace, t.serviceAccount.name) : vscode.l10n.t('Who Can…');
}

type Handler = (params: never, signal: AbortSignal) => Promise<unknown>;

export class PermissionsPanel extends Disposable {
  private ready = false;
  private target: ViewTarget | undefined;
  private pending: Pick<Extract<HostMessage, { type: 'show' }>, 'matrix' | 'report'> = {};
  /** What the webview shows: the exports write these. */
  readonly shown: ShownResults = {};
  private readonly abort = new AbortController();
  private readonly received = this.register(new vscode.EventEmitter<WebviewMessage>());
  /** Every validated message from the webview (tests watch the handshake and the requests). */
  readonly onDidReceiveMessage = this.received.event;
  private readonly posted = this.register(new vscode.EventEmitter<HostMessage>());
  readonly onDidPostMessage = this.posted.event;
  private readonly closed = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.closed.event;
  private readonly handlers: Record<MethodName, Handler>;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: Services,
  ) {
    super();
    const extensionUri = services.context.extensionUri;
    const webview = panel.webview;
    webview.options = permissionsWebviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity.svg');
    webview.html = webviewHtml({
      cspSource: webview.cspSource,
      nonce: crypto.randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'permissions.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'permissions.css')).toString(),
      lang: vscode.env.language,
      title: vscode.l10n.t('Permissions'),
    });
    this.handlers = {
      namespaces: (p, signal) => listNamespaceNames(services, p, signal),
      serviceAccounts: (p, signal) => listServiceAccountNames(services, p, signal),
      matrix: async (p, signal) => {
        const r = await computeMatrix(services, p, signal);
        this.shown.matrix = r.matrix;
        return r;
      },
      whoCan: async (p, signal) => {
        const r = await answerWhoCan(services, p, signal);
        this.shown.report = r.report;
        return r;
      },
      // Exports open in the group right of the view (created when there is none).
      export: (p) => exportShown(this.shown, p, (panel.viewColumn ?? vscode.ViewColumn.One) + 1),
    };
    this.register(webview.onDidReceiveMessage((m: unknown) => void this.receive(m)));
    this.register(
      panel.onDidChangeViewState(() => {
        // Without retainContextWhenHidden a hidden webview is torn down; it says "ready" again when shown.
        if (!panel.visible) this.ready = false;
      }),
    );
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Points the view at a target, optionally with results already computed (the command computed them). */
  show(target: ViewTarget, results: { matrix?: PermissionMatrix; report?: WhoCanReport } = {}): void {
    this.target = target;
    this.pending = results;
    if (results.matrix) this.shown.matrix = results.matrix;
    if (results.report) this.shown.report = results.report;
    this.panel.title = viewTitle(target);
    this.panel.reveal(undefined, false);
    this.postShow();
  }

  /** Handles one message from the webview (untrusted: checked first). Resolves with the reply posted, if any. */
  async receive(raw: unknown): Promise<HostMessage | undefined> {
    const msg = parseWebviewMessage(raw);
    if (!msg) {
      this.services.log.warn('permissions view: ignored a malformed message from the webview');
      return undefined;
    }
    this.received.fire(msg);
    if (msg.type === 'ready') {
      this.ready = true;
      return this.postShow();
    }
    let reply: HostMessage;
    try {
      const result = await this.handlers[msg.method](msg.params as never, this.abort.signal);
      reply = { type: 'response', id: msg.id, ok: true, result };
    } catch (e) {
      reply = { type: 'response', id: msg.id, ok: false, error: this.explain(e, msg) };
    }
    this.post(reply);
    return reply;
  }

  private explain(e: unknown, msg: Extract<WebviewMessage, { type: 'request' }>): string {
    if (e instanceof ViewError) return e.message;
    const context = 'context' in msg.params ? msg.params.context : undefined;
    if (KubeError.is(e)) return describeKubeError(e, context);
    this.services.log.error(`permissions view: ${msg.method} failed`, e);
    return e instanceof Error ? e.message : String(e);
  }

  /**
   * Posts the target of the last show() once the webview listens, then forgets it: a webview shown
   * again after being hidden redraws from its own state, which may be newer (the user changed the namespace).
   */
  private postShow(): HostMessage | undefined {
    if (!this.target || !this.ready) return undefined;
    const msg: HostMessage = { type: 'show', target: this.target, l10n: vscode.l10n.bundle, ...this.pending };
    this.post(msg);
    this.target = undefined;
    this.pending = {};
    return msg;
  }

  private post(msg: HostMessage): void {
    // Before the handshake the webview's listener may not exist yet; it asks again with "ready".
    if (!this.ready) return;
    void this.panel.webview.postMessage(msg);
    this.posted.fire(msg);
  }

  private closing = false;

  override dispose(): void {
    if (this.closing) return;
    this.closing = true;
    this.abort.abort();
    this.closed.fire();
    super.dispose();
    this.panel.dispose();
  }
}

/** Owns the one permissions panel: creates, re-targets, and revives it after a window reload. */
export class PermissionsView extends Disposable {
  private panel: PermissionsPanel | undefined;
  private readonly opened = this.register(new vscode.EventEmitter<PermissionsPanel>());
  readonly onDidOpen = this.opened.event;

  constructor(private readonly services: Services) {
    super();
    this.register(
      vscode.window.registerWebviewPanelSerializer(PERMISSIONS_VIEW_TYPE, {
        // The webview redraws from its own saved state and asks again with its own target.
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
          this.adopt(panel);
        },
      }),
    );
  }

  get current(): PermissionsPanel | undefined {
    return this.panel;
  }

  show(target: ViewTarget, results: { matrix?: PermissionMatrix; report?: WhoCanReport } = {}): PermissionsPanel {
    const p = this.panel ?? this.adopt(vscode.window.createWebviewPanel(PERMISSIONS_VIEW_TYPE, viewTitle(target), vscode.ViewColumn.Active, permissionsWebviewOptions(this.services.context.extensionUri)));
    p.show(target, results);
    return p;
  }

  private adopt(panel: vscode.WebviewPanel): PermissionsPanel {
    this.panel?.dispose();
    const p = new PermissionsPanel(panel, this.services);
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
