import * as vscode from 'vscode';
import { KubeError } from '../errors/kubeError';
import { describeKubeError } from '../errors/describe';
import { safeMessage } from '../text/displayText';
import type { Log } from './log';

/** Shows failures to the user once, explained, and logs the detail. */
export class ErrorReporter {
  constructor(private readonly log: Log) {}

  report(e: unknown, where: string): void {
    if (KubeError.is(e, 'cancelled') || e instanceof vscode.CancellationError) return;
    this.log.error(`${where} failed`, e);
    const showLogs = vscode.l10n.t('Show Logs');
    // Cluster and exec plugin texts end up here: a notification is as public as a log.
    void vscode.window.showErrorMessage(safeMessage(describeKubeError(e)), showLogs).then((choice) => {
      if (choice === showLogs) this.log.show();
    });
  }
}
