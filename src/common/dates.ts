/**
 * Dates as the extension host shows them (notifications, quick picks, status bar, tree tooltips):
 * the one style of src/jwt/time.ts in VS Code's display language, not the machine's locale.
 */
import * as vscode from 'vscode';
import { formatDateCompact, formatDateTime } from '../jwt/time';

/** `Dec 2, 2026, 2:05 PM` / `2026年12月2日 14:05`. */
export function displayDate(ms: number): string {
  return formatDateTime(ms, vscode.env.language);
}

/** `2:05 PM` today, `Dec 3, 2:05 PM` this year, `Dec 3, 2027` otherwise. */
export function displayDateCompact(ms: number, now = Date.now()): string {
  return formatDateCompact(ms, now, vscode.env.language);
}
