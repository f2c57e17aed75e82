import * as vscode from 'vscode';
import { redactTokens } from './redact';

/**
 * The extension's single log channel. Everything written passes through `redactTokens`, so a
 * token that slips into an error message still never reaches the log.
 */
export class Log implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;

  constructor(name: string) {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  trace(message: string): void {
    this.channel.trace(redactTokens(message));
  }
  info(message: string): void {
    this.channel.info(redactTokens(message));
  }
  warn(message: string): void {
    this.channel.warn(redactTokens(message));
  }
  error(message: string, e?: unknown): void {
    const detail = e instanceof Error ? (e.stack ?? e.message) : e === undefined ? '' : String(e);
    this.channel.error(redactTokens(detail ? `${message}: ${detail}` : message));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
