import * as vscode from 'vscode';
import { KubeError } from '../errors/kubeError';
import { describeKubeError } from '../errors/describe';
import type { Log } from './log';

/** Shows failures to the user once, explained, and logs the detail. */
export class ErrorReporter {
  constructor(private readonly log: Log) {}

  report(e: unknown, where: string): void {
    if (KubeError.is(e, 'cancelled') || e instanceof vscode.CancellationError) return;
    this.log.error(`${where} failed`, e);
    const showLogs = vscode.l10n.t('Show Logs');
    void vscode.window.showErrorMessage(describeKubeError(e), showLogs).then((choice) => {
      if (choice === showLogs) this.log.show();
    });
  }
}
