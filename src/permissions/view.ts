/**
 * The permissions view as other features reach it: `show(matrix)` opens the view on a matrix
 * computed elsewhere (Apply's SubjectAccessReview proof), and the matrix stays readable as a
 * `k8s-tokens-permissions:` Markdown document for callers that read text.
 */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import { toMarkdown } from './export';
import type { PermissionMatrix } from './matrix';
import type { PermissionsView } from './panel';
import type { ViewTarget, WhoCanInput } from './protocol';

export const PERMISSIONS_SCHEME = 'k8s-tokens-permissions';

/** What "Who can…" asks first: the question this extension is about. */
export const DEFAULT_QUERY: WhoCanInput = { verb: 'create', resource: 'serviceaccounts/token', name: '' };

export function matrixTarget(m: PermissionMatrix): ViewTarget {
  return { context: m.context, serviceAccount: { ...m.serviceAccount }, namespace: m.namespace, tab: 'matrix', query: DEFAULT_QUERY };
}

/** Holds the rendered matrices behind the read-only `k8s-tokens-permissions:` documents. */
export class PermissionsDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly view: PermissionsView) {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(PERMISSIONS_SCHEME, this));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  static uriFor(m: PermissionMatrix): vscode.Uri {
    const seg = (s: string): string => encodeURIComponent(s);
    return vscode.Uri.from({ scheme: PERMISSIONS_SCHEME, path: `/${seg(m.context)}/${seg(m.namespace || 'all-namespaces')}/${seg(m.serviceAccount.namespace)}-${seg(m.serviceAccount.name)}.md` });
  }

  /** Puts the matrix's Markdown behind its URI (replacing an earlier one) and returns the URI. */
  set(m: PermissionMatrix): vscode.Uri {
    const uri = PermissionsDocuments.uriFor(m);
    this.contents.set(uri.toString(), toMarkdown(m));
    this.changed.fire(uri);
    return uri;
  }

  /** Opens the permissions view on the matrix; its Markdown stays readable behind the returned URI. */
  async show(m: PermissionMatrix): Promise<vscode.Uri> {
    const uri = this.set(m);
    this.view.show(matrixTarget(m), { matrix: m });
    return uri;
  }
}
