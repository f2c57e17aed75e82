/** The open "Minted token" panels: one per mint, each open until the user closes it. */
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import type { MintSuccess } from './mint';
import { MintResultPanel, RESULT_VIEW_TYPE, resultWebviewOptions, type ResultDeps } from './resultPanel';

/** Owns the open mint results. */
export class MintResults extends Disposable {
  private readonly open = new Set<MintResultPanel>();
  private readonly opened = this.register(new vscode.EventEmitter<MintResultPanel>());
  readonly onDidOpen = this.opened.event;

  constructor(private readonly deps: ResultDeps) {
    super();
  }

  get panels(): readonly MintResultPanel[] {
    return [...this.open];
  }

  show(result: MintSuccess): MintResultPanel {
    const title = vscode.l10n.t('Token: {0}/{1}', result.target.namespace, result.target.serviceAccount);
    const panel = vscode.window.createWebviewPanel(RESULT_VIEW_TYPE, title, vscode.ViewColumn.Active, resultWebviewOptions(this.deps.services.context.extensionUri));
    const p = new MintResultPanel(panel, result, this.deps);
    this.open.add(p);
    p.onDidClose(() => this.open.delete(p));
    this.opened.fire(p);
    return p;
  }

  override dispose(): void {
    // The window is closing: nobody can answer a question now; the next start asks instead (UnkeptSecrets).
    for (const p of this.open) {
      p.quiet = true;
      p.dispose();
    }
    super.dispose();
  }
}
