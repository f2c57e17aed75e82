/**
 * Shows a permissions matrix as a read-only Markdown document (opened in the Markdown preview when
 * it is available) and exports it as Markdown or YAML to a file the user picks.
 */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import { showMarkdownPreview } from '../common/markdownPreview';
import { toMarkdown, toYaml } from './export';
import type { PermissionMatrix } from './matrix';

export const PERMISSIONS_SCHEME = 'k8s-tokens-permissions';

export type ExportFormat = 'markdown' | 'yaml';

export function isExportFormat(v: unknown): v is ExportFormat {
  return v === 'markdown' || v === 'yaml';
}

/** Holds the rendered matrices behind the read-only `k8s-tokens-permissions:` documents. */
export class PermissionsDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  constructor() {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(PERMISSIONS_SCHEME, this));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  static uriFor(m: PermissionMatrix): vscode.Uri {
    const seg = (s: string): string => encodeURIComponent(s);
    return vscode.Uri.from({ scheme: PERMISSIONS_SCHEME, path: `/${seg(m.context)}/${seg(m.namespace)}/${seg(m.serviceAccount.namespace)}-${seg(m.serviceAccount.name)}.md` });
  }

  /** Puts the matrix's Markdown behind its URI (replacing an earlier one) and returns the URI. */
  set(m: PermissionMatrix): vscode.Uri {
    const uri = PermissionsDocuments.uriFor(m);
    this.contents.set(uri.toString(), toMarkdown(m));
    this.changed.fire(uri);
    return uri;
  }

  /** Opens the Markdown preview of the matrix, or the plain document when the preview is missing. */
  async show(m: PermissionMatrix): Promise<vscode.Uri> {
    const uri = this.set(m);
    await showMarkdownPreview(uri);
    return uri;
  }
}

export function serialize(m: PermissionMatrix, format: ExportFormat): string {
  return format === 'yaml' ? toYaml(m) : toMarkdown(m);
}

/** Writes the export to `target`, or to a file picked in a save dialog. Undefined when cancelled. */
export async function exportMatrix(m: PermissionMatrix, format: ExportFormat, target?: string): Promise<string | undefined> {
  let uri: vscode.Uri | undefined;
  if (target) {
    uri = vscode.Uri.file(target);
  } else {
    const ext = format === 'yaml' ? 'yaml' : 'md';
    const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.env.HOME ?? '/');
    uri = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export permissions of {0}/{1}', m.serviceAccount.namespace, m.serviceAccount.name),
      defaultUri: vscode.Uri.joinPath(base, `${m.serviceAccount.namespace}-${m.serviceAccount.name}-permissions.${ext}`),
      filters: format === 'yaml' ? { YAML: ['yaml', 'yml'] } : { Markdown: ['md'] },
    });
    if (!uri) return undefined;
  }
  await vscode.workspace.fs.writeFile(uri, Buffer.from(serialize(m, format), 'utf8'));
  return uri.fsPath;
}
