/**
 * Kubeconfig files (`config`, `*.kubeconfig`, or YAML with `kind: Config`): a CodeLens above each
 * `users[].user.token` saying whose token it is and when it expires, and a diagnostic when it has
 * expired (warning) or will not expire / is stale (information). Both are recomputed from the text,
 * so the lens text stays right as time passes (CodeLenses are re-asked when the editor changes).
 */
import * as vscode from 'vscode';
import { CommandIds } from '../common/commandIds';
import { KeyedDebouncer } from '../common/debounce';
import { Disposable } from '../common/lifecycle';
import type { Services } from '../services';
import { decodeJwt } from '../jwt/decode';
import { explainJwt, oneLineSummary, type Explanation } from '../jwt/explain';
import { findKubeconfigTokens, isKubeconfigFileName, looksLikeKubeconfig, type KubeconfigToken } from './kubeconfigTokens';

interface ExplainedToken {
  found: KubeconfigToken;
  explanation: Explanation;
}

/** Kubeconfigs above this size are not scanned (a kubeconfig with hundreds of users is ~1 MB). */
const MAX_FILE_LENGTH = 5 * 1024 * 1024;

export class KubeconfigTokenLens extends Disposable implements vscode.CodeLensProvider {
  private readonly diagnostics = this.register(vscode.languages.createDiagnosticCollection('k8sTokens.kubeconfig'));
  private readonly debouncer = new KeyedDebouncer(300);

  constructor(private readonly services: Services) {
    super();
    const selector: vscode.DocumentSelector = [{ language: 'yaml' }, { pattern: '**/{config,kubeconfig,*.kubeconfig}' }];
    this.register(vscode.languages.registerCodeLensProvider(selector, this));
    this.register(vscode.workspace.onDidOpenTextDocument((d) => this.update(d)));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.diagnostics.delete(d.uri)));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('k8sTokens.kubeconfigLens')) for (const d of vscode.workspace.textDocuments) this.update(d);
      }),
    );
    this.register(this.debouncer);
    for (const d of vscode.workspace.textDocuments) this.update(d);
  }

  private tokensOf(document: vscode.TextDocument): ExplainedToken[] {
    if (!this.services.config.kubeconfigLensEnabled || document.uri.scheme === 'output') return [];
    // Only kubeconfig-named files and YAML are read at all: this runs after edits in any document.
    if (document.languageId !== 'yaml' && !isKubeconfigFileName(document.uri.path)) return [];
    const text = document.getText();
    if (text.length > MAX_FILE_LENGTH || !looksLikeKubeconfig(document.uri.path, text)) return [];
    const now = Date.now();
    const out: ExplainedToken[] = [];
    for (const found of findKubeconfigTokens(text, this.services.config.hoverMaxLineLength)) {
      const jwt = decodeJwt(found.token);
      if (jwt.ok) out.push({ found, explanation: explainJwt(jwt, { now }) });
    }
    return out;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    try {
      const now = Date.now();
      return this.tokensOf(document).map(({ found, explanation }) => {
        const range = new vscode.Range(found.line, found.start, found.line, found.end);
        const who = found.user ? `${found.user}: ` : '';
        // The token rides along as a command argument in memory, as in the hover's links.
        return new vscode.CodeLens(range, { title: who + oneLineSummary(explanation, now), command: CommandIds.decodeToken, arguments: [found.token] });
      });
    } catch (e) {
      this.services.log.warn(`kubeconfig token lens failed: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  }

  private schedule(document: vscode.TextDocument): void {
    this.debouncer.schedule(document.uri.toString(), () => this.update(document));
  }

  /** Recomputes the diagnostics of one document. */
  update(document: vscode.TextDocument): void {
    try {
      const now = Date.now();
      const diags: vscode.Diagnostic[] = [];
      for (const { found, explanation } of this.tokensOf(document)) {
        const severity = diagnosticSeverity(explanation);
        if (severity === undefined) continue;
        const range = new vscode.Range(found.line, found.start, found.line, found.end);
        const d = new vscode.Diagnostic(range, oneLineSummary(explanation, now), severity);
        d.source = 'k8s-tokens';
        d.code = explanation.status;
        diags.push(d);
      }
      if (diags.length > 0) this.diagnostics.set(document.uri, diags);
      else this.diagnostics.delete(document.uri);
    } catch (e) {
      this.services.log.warn(`kubeconfig token diagnostics failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function diagnosticSeverity(x: Explanation): vscode.DiagnosticSeverity | undefined {
  switch (x.status) {
    case 'expired':
    case 'notYetValid':
      return vscode.DiagnosticSeverity.Warning;
    case 'stale':
    case 'expiresSoon':
    case 'legacyNoExpiry':
    case 'noExpiry':
      return vscode.DiagnosticSeverity.Information;
    case 'valid':
      return undefined;
  }
}
