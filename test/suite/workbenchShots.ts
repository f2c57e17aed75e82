/** Helpers for screenshots meant for people (README): a workbench without notification toasts. */
import * as vscode from 'vscode';
import { captureWorkbench, waitFor } from './helpers';

/**
 * Clears notifications and waits until no toast is drawn. Progress toasts of finished work can
 * linger for a moment after their task ended; a screenshot taken then would show them.
 */
export async function noToasts(): Promise<void> {
  await waitFor(
    async () => {
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('notifications.hideToasts');
      const c = await captureWorkbench('toasts-probe', { selector: '.notification-toast' });
      return c.texts.filter((t) => t.trim() !== '').length === 0 ? true : undefined;
    },
    'the notification toasts to go away',
    20_000,
  );
}
