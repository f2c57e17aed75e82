/**
 * Host side of the token audit view: one webview panel per report (an audit log's token use, or a
 * context's legacy token Secrets). It posts the report once the webview says "ready" and acts on the
 * webview's requests with ITS OWN copy of the report and documents, never with data sent back. The
 * panel is not restored after a window reload: a report is a snapshot, and reading a 1 GB log or a
 * whole cluster again is the user's call.
 */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import { openUntitled } from '../common/untitled';
import { webviewHtml } from '../common/webviewHtml';
import { describeKubeError } from '../errors/describe';
import { safeMessage } from '../text/displayText';
import type { WorkloadKind } from '../kube/index';
import type { Services } from '../services';
import { exportName, serializeReport } from './exports';
import type { MigrationDocument } from './legacyReport';
import type { WorkloadPlan } from './migration';
import { parseWebviewMessage, type ExportFormat, type HostMessage, type Report, type WebviewMessage } from './protocol';

export const AUDIT_VIEW_TYPE = 'k8sTokens.tokenAudit';

/** What a legacy report's actions need: the plans (patches) and their documents, by workload id. */
export interface LegacyActions {
  context: string;
  plans: readonly WorkloadPlan[];
  documents: readonly (MigrationDocument | undefined)[];
}

export function reportTitle(r: Report): string {
  return r.kind === 'audit' ? vscode.l10n.t('Token Use: {0}', r.audit.source.slice(Math.max(r.audit.source.lastIndexOf('/'), r.audit.source.lastIndexOf('\\')) + 1)) : vscode.l10n.t('Legacy Tokens: {0}', r.legacy.context);
}

export class AuditPanel extends Disposable {
  private ready = false;
  private readonly abort = new AbortController();
  private readonly received = this.register(new vscode.EventEmitter<WebviewMessage>());
  /** Every validated message from the webview (tests watch the handshake and the requests). */
  readonly onDidReceiveMessage = this.received.event;
  private readonly posted = this.register(new vscode.EventEmitter<HostMessage>());
  readonly onDidPostMessage = this.posted.event;
  private readonly closed = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.closed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: Services,
    readonly report: Report,
    private readonly legacy?: LegacyActions,
  ) {
    super();
    const extensionUri = services.context.extensionUri;
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')] };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity.svg');
    webview.html = webviewHtml({
      cspSource: webview.cspSource,
      nonce: crypto.randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'tokenAudit.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'tokenAudit.css')).toString(),
      lang: vscode.env.language,
      title: reportTitle(report),
    });
    this.register(webview.onDidReceiveMessage((m: unknown) => void this.receive(m)));
    this.register(
      panel.onDidChangeViewState(() => {
        // A hidden webview is torn down (no retainContextWhenHidden); it says "ready" again when shown.
        if (!panel.visible) this.ready = false;
      }),
    );
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  /** Handles one message from the webview (untrusted: checked first). */
  async receive(raw: unknown): Promise<void> {
    const msg = parseWebviewMessage(raw);
    if (!msg) {
      this.services.log.warn('token audit view: ignored a malformed message from the webview');
      return;
    }
    this.received.fire(msg);
    try {
      switch (msg.type) {
        case 'ready':
          this.ready = true;
          this.post({ type: 'show', report: this.report, l10n: vscode.l10n.bundle });
          return;
        case 'export':
          this.status(vscode.l10n.t('Opened {0}.', await this.exportAs(msg.format)));
          return;
        case 'openPatch':
          await this.openDocument(msg.id);
          return;
        case 'dryRun':
          await this.dryRun(msg.id);
          return;
        case 'findLegacy':
          await vscode.commands.executeCommand('k8sTokens.findLegacyTokenSecrets');
          return;
      }
    } catch (e) {
      this.services.log.error(`token audit view: ${msg.type} failed`, e);
      this.status(safeMessage(describeKubeError(e, this.legacy?.context)), true, 'id' in msg ? msg.id : undefined);
    }
  }

  /** Opens the export as an untitled document beside the view; returns its name. */
  async exportAs(format: ExportFormat): Promise<string> {
    const doc = await openUntitled(exportName(this.report, format).replace(/\.[a-z]+$/, ''), format === 'markdown' ? 'md' : 'csv', format === 'markdown' ? 'markdown' : 'csv', serializeReport(this.report, format), false);
    await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
    return doc.uri.path;
  }

  /** Opens a workload's patch or manifest as an untitled YAML document. */
  async openDocument(id: number, preserveFocus = false): Promise<vscode.TextDocument | undefined> {
    const d = this.legacy?.documents[id];
    if (!d) return undefined;
    const doc = await openUntitled(d.name.replace(/\.yaml$/, ''), 'yaml', 'yaml', d.text, false);
    await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside, preserveFocus });
    return doc;
  }

  /** Sends a workload's patch with `dryRun=All` and says what the server answered, in its row. */
  async dryRun(id: number): Promise<string> {
    const plan = this.legacy?.plans[id];
    const ref = plan?.workload.ref;
    if (!this.legacy || !plan?.patch || !ref) return '';
    const kube = this.services.session.module();
    const client = this.services.session.connections().client(this.legacy.context);
    // Only built-in kinds get a patch (migration.ts).
    const res = await kube.patchWorkload(client, ref.kind as WorkloadKind, ref.namespace, ref.name, plan.patch, { dryRun: true, signal: this.abort.signal });
    const warnings = res.warnings.length ? ` ${vscode.l10n.t('Warnings: {0}', res.warnings.map((w) => safeMessage(w, 300)).join('; '))}` : '';
    const text = vscode.l10n.t('The server accepts the patch of {0} {1} (dry run: nothing changed).', ref.kind, ref.name) + warnings;
    this.status(text, false, id);
    return text;
  }

  private status(text: string, error = false, workload?: number): void {
    this.post({ type: 'status', text, error, ...(workload !== undefined ? { workload } : {}) });
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

/** Owns the report panels: one per report, so an audit and a cluster's Secrets can sit side by side. */
export class AuditViews extends Disposable {
  private readonly panels = new Set<AuditPanel>();
  private readonly opened = this.register(new vscode.EventEmitter<AuditPanel>());
  /** Fires for every report shown (tests follow the panel from here). */
  readonly onDidOpen = this.opened.event;

  constructor(private readonly services: Services) {
    super();
  }

  show(report: Report, legacy?: LegacyActions): AuditPanel {
    const panel = vscode.window.createWebviewPanel(AUDIT_VIEW_TYPE, reportTitle(report), vscode.ViewColumn.Active, { enableScripts: true });
    const p = new AuditPanel(panel, this.services, report, legacy);
    this.panels.add(p);
    p.onDidDispose(() => this.panels.delete(p));
    this.opened.fire(p);
    return p;
  }

  override dispose(): void {
    for (const p of [...this.panels]) p.dispose();
    super.dispose();
  }
}
