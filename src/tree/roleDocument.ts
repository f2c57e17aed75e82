/**
 * Read-only editors for Roles and ClusterRoles: a content provider serves the YAML fetched when a
 * binding's role is opened. Documents of a content provider cannot be edited or saved by accident.
 */
import * as vscode from 'vscode';
import { yaml } from '../loader/yaml';

export const ROLE_SCHEME = 'k8stokens-role';

export class RoleDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** Shows `role` (an API object) as YAML in a read-only editor and returns the document. */
  async show(context: string, role: Record<string, unknown>): Promise<vscode.TextDocument> {
    const meta = (role.metadata ?? {}) as { name?: string; namespace?: string };
    const kind = typeof role.kind === 'string' ? role.kind : 'Role';
    const name = meta.name ?? 'role';
    const where = meta.namespace ? `${meta.namespace}/` : '';
    const uri = vscode.Uri.from({ scheme: ROLE_SCHEME, path: `/${context}/${kind}/${where}${name}.yaml` });
    this.texts.set(uri.toString(), yaml().stringify(role, { lineWidth: 0 }));
    this.changed.fire(uri);
    const doc = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), 'yaml');
    await vscode.window.showTextDocument(doc, { preview: true });
    return doc;
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}
