/**
 * The host's question before a token value goes to a webview (mint result, expiry dashboard):
 * a modal whose first button, which VS Code makes the default (focused, Enter), keeps the token
 * hidden; "Reveal" is the second. A webview's request alone never reveals anything.
 */
import * as vscode from 'vscode';
import { displayDate } from '../common/dates';

export async function confirmReveal(who: string, expiresAt: number, log?: { warn(message: string): void }): Promise<boolean> {
  const keepHidden = vscode.l10n.t('Keep Hidden');
  const reveal = vscode.l10n.t('Reveal');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Show the token of {0} on screen?', who),
    {
      modal: true,
      detail: vscode.l10n.t('Anyone who sees your screen (or a screen share) can use it until {0}. It is hidden again after 30 seconds. Copy puts it on the clipboard without showing it.', displayDate(expiresAt)),
    },
    keepHidden,
    reveal,
  ).then(
    (c) => c,
    (e: unknown) => {
      // Nobody could be asked (the extension test host refuses dialogs): then nothing is shown.
      log?.warn(`reveal: could not ask the user (${e instanceof Error ? e.message : String(e)}); the token stays hidden`);
      return undefined;
    },
  );
  return choice === reveal;
}
