import * as vscode from 'vscode';
import type { CommandId } from './commandIds';
import type { ErrorReporter } from './errors';

// Command arguments come from menus, the palette or executeCommand: they are unknown until checked.
export type CommandHandler = (...args: unknown[]) => unknown;

/**
 * Registers a command whose failures are reported (explained, logged, never thrown into VS Code's
 * generic "command failed" toast) and whose disposable is owned by the extension context.
 * The handler's result is returned to `executeCommand` callers, which tests rely on.
 */
export function registerCommand(
  context: vscode.ExtensionContext,
  errors: ErrorReporter,
  id: CommandId,
  handler: CommandHandler,
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (e) {
        errors.report(e, id);
        return undefined;
      }
    }),
  );
}
