/**
 * Diagnostics and quick fixes on YAML documents: the pure checks run after a short pause in typing;
 * the cluster checks follow when their (cached) lookups answer, and are dropped if the document
 * changed meanwhile. Nothing here ever waits for the cluster on the typing path.
 */
import * as vscode from 'vscode';
import { Config, SettingKeys } from '../common/config';
import { KeyedDebouncer } from '../common/debounce';
import { Disposable } from '../common/lifecycle';
import type { Services } from '../services';
import { clusterFindings, namespacesToList, secretNamespacesToList } from './clusterChecks';
import { ClusterFactsCache } from './clusterFactsCache';
import { analyzeManifest, type Finding, type ManifestAnalysis, type QuickFix } from './manifestAnalysis';
import { workloadFindings } from './workloadLints';

/** What the API server would refuse, plus the workload lints. */
function fileFindings(text: string, analysis: ManifestAnalysis): Finding[] {
  return [...analysis.findings, ...workloadFindings(text, analysis)];
}

export const DIAGNOSTIC_SOURCE = 'k8s-sa-tokens';
const DEBOUNCE_MS = 300;

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

interface Published {
  version: number;
  entries: { diagnostic: vscode.Diagnostic; fixes: QuickFix[] }[];
}

export class ManifestDiagnostics extends Disposable implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE));
  private readonly published = new Map<string, Published>();
  private readonly debouncer = new KeyedDebouncer(DEBOUNCE_MS);
  private readonly facts: ClusterFactsCache;

  constructor(private readonly services: Services) {
    super();
    this.facts = new ClusterFactsCache(services);
    const ws = vscode.workspace;
    this.register(ws.onDidOpenTextDocument((d) => this.schedule(d)));
    this.register(ws.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this.register(
      ws.onDidCloseTextDocument((closed) => {
        // An untitled name is reused at once: a late close event must not wipe the new document's diagnostics.
        const reopened = ws.textDocuments.find((d) => !d.isClosed && d.uri.toString() === closed.uri.toString());
        if (reopened) this.schedule(reopened);
        else this.forget(closed.uri);
      }),
    );
    this.register(
      ws.onDidChangeConfiguration((e) => {
        if (Config.affects(e, SettingKeys.diagnosticsEnabled)) this.refreshAll();
      }),
    );
    this.register(services.session.onDidChange(() => this.refreshAll()));
    this.register(vscode.languages.registerCodeActionsProvider({ language: 'yaml' }, this, { providedCodeActionKinds: ManifestDiagnostics.providedCodeActionKinds }));
    this.register(this.debouncer);
    for (const d of ws.textDocuments) this.schedule(d);
  }

  /** Drops cached cluster facts and checks every open YAML document again. */
  refreshAll(): void {
    this.facts.clear();
    for (const d of vscode.workspace.textDocuments) this.schedule(d);
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.debouncer.cancel(key);
    this.published.delete(key);
    this.collection.delete(uri);
  }

  private schedule(doc: vscode.TextDocument): void {
    if (doc.languageId !== 'yaml') return;
    this.debouncer.schedule(doc.uri.toString(), () => this.check(doc));
  }

  private check(doc: vscode.TextDocument): void {
    if (doc.isClosed) return;
    if (!this.services.config.diagnosticsEnabled) {
      this.forget(doc.uri);
      return;
    }
    const version = doc.version;
    const text = doc.getText();
    const analysis = analyzeManifest(text);
    this.publish(doc, version, fileFindings(text, analysis));
    // Only lifetimes over one hour can meet a maximum: --service-account-max-token-expiration is at least 1 h.
    const wantMaxLifetime = analysis.expirations.some((e) => e.seconds > 3600);
    const secretVolumes = analysis.workloads.some((w) => w.secretVolumes.length > 0);
    if (analysis.audiences.length === 0 && analysis.serviceAccounts.length === 0 && analysis.subjects.length === 0 && !wantMaxLifetime && !secretVolumes) return;
    void this.facts
      .facts({
        namespaces: (defaultNs) => namespacesToList(analysis, defaultNs),
        secretNamespaces: (defaultNs) => secretNamespacesToList(analysis, defaultNs),
        wantAudiences: analysis.audiences.length > 0,
        wantMaxLifetime,
      })
      .then((facts) => {
        if (!facts || doc.isClosed || doc.version !== version) return;
        this.publish(doc, version, [...analysis.findings, ...clusterFindings(text, analysis, facts), ...workloadFindings(text, analysis, facts)]);
      })
      .catch((e: unknown) => this.services.log.trace(`cluster diagnostics skipped: ${e instanceof Error ? e.message : String(e)}`));
  }

  private toEntries(doc: vscode.TextDocument, findings: Finding[]): Published['entries'] {
    return findings.map((f) => {
      const d = new vscode.Diagnostic(new vscode.Range(doc.positionAt(f.start), doc.positionAt(f.end)), f.message, SEVERITY[f.severity]);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = f.code;
      return { diagnostic: d, fixes: f.fixes };
    });
  }

  private publish(doc: vscode.TextDocument, version: number, findings: Finding[]): void {
    const entries = this.toEntries(doc, findings);
    this.published.set(doc.uri.toString(), { version, entries });
    this.collection.set(doc.uri, entries.map((e) => e.diagnostic));
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const published = this.published.get(doc.uri.toString());
    if (!published) return [];
    // Typed since the last check: the pure findings of the current text still offer their fixes.
    const text = doc.getText();
    const entries = published.version === doc.version ? published.entries : this.toEntries(doc, fileFindings(text, analyzeManifest(text)));
    const actions: vscode.CodeAction[] = [];
    for (const asked of context.diagnostics) {
      if (asked.source !== DIAGNOSTIC_SOURCE) continue;
      // The diagnostics come back as copies: match ours by code and range.
      const entry = entries.find((e) => e.diagnostic.code === asked.code && e.diagnostic.range.isEqual(asked.range));
      if (!entry) continue;
      for (const fix of entry.fixes) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [entry.diagnostic];
        action.isPreferred = fix.preferred;
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
        actions.push(action);
      }
    }
    return actions;
  }
}
