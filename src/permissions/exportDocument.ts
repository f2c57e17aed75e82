/**
 * Exports of the permissions view: an untitled document with a name that says what it holds
 * (`permissions-demo-ci-deployer.md`, `who-can-create-serviceaccounts-token-in-demo.csv`), saved
 * only when the user saves it; or, for callers that pass a path, a file.
 */
import * as vscode from 'vscode';
import { trimChars } from '../text/displayText';
import { toCsv, toMarkdown, toYaml } from './export';
import type { PermissionMatrix } from './matrix';
import type { ExportFormat } from './protocol';
import type { WhoCanReport } from './whoCan';
import { whoCanCsv, whoCanMarkdown, whoCanYaml } from './whoCanExport';

export type ExportKind = { what: 'matrix'; matrix: PermissionMatrix } | { what: 'whoCan'; report: WhoCanReport };

const EXTENSIONS: Record<ExportFormat, string> = { markdown: 'md', yaml: 'yaml', csv: 'csv' };

/** Lower-case letters, digits and dashes only: safe in any file system and readable. */
const slug = (s: string): string => trimChars(s.toLowerCase().replace(/[^a-z0-9]+/g, '-'), '-').slice(0, 60);


export function exportName(kind: ExportKind, format: ExportFormat): string {
  let base: string;
  if (kind.what === 'matrix') {
    const m = kind.matrix;
    const where = m.namespace === m.serviceAccount.namespace ? '' : m.namespace ? `-in-${m.namespace}` : '-all-namespaces';
    base = `permissions-${m.serviceAccount.namespace}-${m.serviceAccount.name}${where}`;
  } else {
    const q = kind.report.query;
    const what = [q.verb === '*' ? 'all' : q.verb, q.resource === '*' ? 'all' : q.resource, q.group, q.subresource, q.name].filter(Boolean).map((s) => slug(s as string));
    base = `who-can-${what.join('-')}-${q.namespace ? `in-${q.namespace}` : 'all-namespaces'}`;
  }
  return `${base}.${EXTENSIONS[format]}`;
}

export function serializeExport(kind: ExportKind, format: ExportFormat): string {
  if (kind.what === 'matrix') return format === 'yaml' ? toYaml(kind.matrix) : format === 'csv' ? toCsv(kind.matrix) : toMarkdown(kind.matrix);
  return format === 'yaml' ? whoCanYaml(kind.report) : format === 'csv' ? whoCanCsv(kind.report) : whoCanMarkdown(kind.report);
}

/**
 * Opens the export in an untitled editor named after what it holds and returns that name. Exporting
 * the same thing again replaces the text of the editor already open under that name. `column` is
 * where the exports go (the group right of the view), so repeated exports do not keep splitting.
 */
export async function openExport(kind: ExportKind, format: ExportFormat, column: vscode.ViewColumn = vscode.ViewColumn.Beside): Promise<string> {
  const name = exportName(kind, format);
  const text = serializeExport(kind, format);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'untitled', path: name }));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, doc.validateRange(new vscode.Range(0, 0, doc.lineCount, 0)), text);
  await vscode.workspace.applyEdit(edit);
  await vscode.window.showTextDocument(doc, { preview: false, viewColumn: column });
  return name;
}

/** Writes the export to a file (programmatic callers and tests). */
export async function writeExport(kind: ExportKind, format: ExportFormat, target: string): Promise<string> {
  const uri = vscode.Uri.file(target);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(serializeExport(kind, format), 'utf8'));
  return uri.fsPath;
}
