/**
 * Read-only virtual documents for decoded tokens and doctor reports (`k8s-token:` scheme). The URI
 * holds only a counter: VS Code keeps URIs in its editor history and recently-opened lists, so the
 * content (derived from a token) lives in an in-memory map here and is gone after a reload.
 */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';

export const TOKEN_DOCUMENT_SCHEME = 'k8s-token';
/** Rendered documents kept at most; the oldest is dropped first. */
const MAX_DOCUMENTS = 50;

export class TokenDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;
  private counter = 0;

  constructor() {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(TOKEN_DOCUMENT_SCHEME, this));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.contents.delete(d.uri.toString())));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? vscode.l10n.t('// This document is no longer available: decode or check the token again.\n');
  }

  /** Stores `content` under a new URI `k8s-token:/<kind>-<n>.<ext>` and returns it. */
  add(kind: 'decoded' | 'check', content: string, ext: 'jsonc' | 'md'): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: TOKEN_DOCUMENT_SCHEME, path: `/${kind}-${++this.counter}.${ext}` });
    this.contents.set(uri.toString(), content);
    while (this.contents.size > MAX_DOCUMENTS) {
      const oldest = this.contents.keys().next().value;
      if (oldest === undefined) break;
      this.contents.delete(oldest);
    }
    return uri;
  }

  /** Stores and opens a document (preview tab, beside nothing: in the active group). */
  async open(kind: 'decoded' | 'check', content: string, ext: 'jsonc' | 'md'): Promise<vscode.TextEditor> {
    const uri = this.add(kind, content, ext);
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  /** Number of documents held (tests check that closing frees them). */
  get size(): number {
    return this.contents.size;
  }
}
