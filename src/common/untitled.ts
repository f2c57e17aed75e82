/**
 * Generated text opens in an untitled editor with a name that says what it is
 * (`untitled:rbac-demo-reader.yaml`), so the tab reads well and Save suggests that file name.
 */
import * as vscode from 'vscode';
import { trimChars } from '../text/displayText';

/** `base.yaml`, or `base-2.yaml`, `base-3.yaml`… when an open untitled document already has the name. */
function freeName(base: string, ext: string): vscode.Uri {
  const open = new Set(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'untitled').map((d) => d.uri.path));
  for (let i = 1; ; i++) {
    const path = i === 1 ? `${base}.${ext}` : `${base}-${i}.${ext}`;
    if (!open.has(path)) return vscode.Uri.from({ scheme: 'untitled', path });
  }
}

/** Opens `content` in a new untitled document named after `base` (file-name safe), in `language`. */
export async function openUntitled(base: string, ext: string, language: string, content: string, show = true): Promise<vscode.TextDocument> {
  const safe = trimChars(base.replace(/[^\w.-]+/g, '-'), '-') || 'untitled';
  const uri = freeName(safe, ext);
  let doc = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, new vscode.Position(0, 0), content);
  await vscode.workspace.applyEdit(edit);
  if (doc.languageId !== language) doc = await vscode.languages.setTextDocumentLanguage(doc, language);
  if (show) await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}
