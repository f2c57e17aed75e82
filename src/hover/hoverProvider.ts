/**
 * Hover for JWT-shaped text in any file: the token decoded and explained. Finding the token looks
 * only at the hovered line around the cursor (src/jwt/find.ts), lines over the configured length
 * are skipped, and nothing here throws: any failure means "no hover".
 */
import * as vscode from 'vscode';
import { CommandIds } from '../common/commandIds';
import type { Config } from '../common/config';
import type { Log } from '../common/log';
import { tokenHoverAt } from './hoverText';

/** The only command links a token hover may run. */
export const HOVER_COMMANDS: readonly string[] = [CommandIds.decodeToken, CommandIds.checkToken];

const matches = (allowed: readonly string[], value: string): boolean => allowed.includes('*') || allowed.includes(value);

export class JwtHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly config: Config,
    private readonly log: Log,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    try {
      if (!this.config.hoverEnabled) return undefined;
      if (!matches(this.config.hoverLanguages, document.languageId) || !matches(this.config.hoverSchemes, document.uri.scheme)) return undefined;
      if (position.line >= document.lineCount) return undefined;
      const line = document.lineAt(position.line).text;
      const hover = tokenHoverAt(line, position.character, {
        maxLineLength: this.config.hoverMaxLineLength,
        now: Date.now(),
        locale: vscode.env.language,
        decodeCommand: CommandIds.decodeToken,
        checkCommand: CommandIds.checkToken,
      });
      if (!hover) return undefined;
      const md = new vscode.MarkdownString(hover.markdown);
      // Claims are attacker-controlled: no HTML, no theme icons, and only our two commands may run.
      md.supportHtml = false;
      md.supportThemeIcons = false;
      md.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
      return new vscode.Hover(md, new vscode.Range(position.line, hover.start, position.line, hover.end));
    } catch (e) {
      this.log.warn(`token hover failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }
}
