/**
 * Read-only virtual documents for decoded tokens and doctor reports (`k8s-token:` scheme). The URI
 * holds only a name that says what the document is about (`check-demo-ci-deployer-on-prod.md`,
 * documentNames.ts): VS Code keeps URIs in its editor history and recently-opened lists, so the
 * content (derived from a token) lives in an in-memory map here and is gone after a reload.
 * The same token checked again against the same context reuses its document (the open preview
 * updates); another token that would get the same name gets `-2`, `-3`, ….
 */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';

export const TOKEN_DOCUMENT_SCHEME = 'k8s-token';
/** Rendered documents kept at most; the oldest is dropped first. */
const MAX_DOCUMENTS = 50;

export class TokenDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  /** Which token each URI holds (documentNames.ts tokenIdentity), to reuse or tell apart names. */
  private readonly owners = new Map<string, string>();
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  constructor() {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(TOKEN_DOCUMENT_SCHEME, this));
    this.register(
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.contents.delete(d.uri.toString());
        this.owners.delete(d.uri.toString());
      }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? vscode.l10n.t('// This document is no longer available: decode or check the token again.\n');
  }

  /**
   * Stores `content` as `k8s-token:/<name>.<ext>` and returns the URI: the one `identity` already
   * holds under that name, else the first free `<name>`, `<name>-2`, ….
   */
  add(name: string, identity: string, content: string, ext: 'jsonc' | 'md'): vscode.Uri {
    let uri: vscode.Uri | undefined;
    for (let n = 1; !uri; n++) {
      const candidate = vscode.Uri.from({ scheme: TOKEN_DOCUMENT_SCHEME, path: `/${n === 1 ? name : `${name}-${n}`}.${ext}` });
      const owner = this.owners.get(candidate.toString());
      if (owner === undefined || owner === identity) uri = candidate;
    }
    const key = uri.toString();
    const replaced = this.contents.has(key);
    // Re-inserted last, so the oldest document is the first to go.
    this.contents.delete(key);
    this.contents.set(key, content);
    this.owners.set(key, identity);
    while (this.contents.size > MAX_DOCUMENTS) {
      const oldest = this.contents.keys().next().value;
      if (oldest === undefined) break;
      this.contents.delete(oldest);
      this.owners.delete(oldest);
    }
    if (replaced) this.changed.fire(uri);
    return uri;
  }

  /** Stores and opens a document (preview tab, in the active group). */
  async open(name: string, identity: string, content: string, ext: 'jsonc' | 'md'): Promise<vscode.TextEditor> {
    const uri = this.add(name, identity, content, ext);
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  /** Number of documents held (tests check that closing frees them). */
  get size(): number {
    return this.contents.size;
  }
}
