import * as vscode from 'vscode';
import { safeMessage } from '../text/displayText';

/** Longest log entry: a stack trace fits, a cluster's 150 KB answer does not. */
const MAX_ENTRY_LENGTH = 16_000;
const safe = (message: string): string => safeMessage(message, MAX_ENTRY_LENGTH);

/**
 * The extension's single log channel. Everything written passes through `safeMessage`, so a
 * credential that slips into an error message (a JWT, a bootstrap token, a `Basic` header, a cloud
 * token…) still never reaches the log, and no entry is longer than 16,000 characters.
 */
export class Log implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;

  constructor(name: string) {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  trace(message: string): void {
    this.channel.trace(safe(message));
  }
  info(message: string): void {
    this.channel.info(safe(message));
  }
  warn(message: string): void {
    this.channel.warn(safe(message));
  }
  error(message: string, e?: unknown): void {
    const detail = e instanceof Error ? (e.stack ?? e.message) : e === undefined ? '' : String(e);
    this.channel.error(safe(detail ? `${message}: ${detail}` : message));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
