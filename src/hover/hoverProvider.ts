/**
 * Hover for JWT-shaped text in any file: the token decoded and explained. Finding the token looks
 * only at the hovered line around the cursor (src/jwt/find.ts), lines over the configured length
 * are skipped, and nothing here throws: any failure means "no hover".
 */
import * as vscode from 'vscode';
import { CommandIds } from '../common/commandIds';
import type { Config } from '../common/config';
import type { Log } from '../common/log';
import { decodeJwt } from '../jwt/decode';
import { explainJwt } from '../jwt/explain';
import { findJwtAt } from '../jwt/find';
import { hoverMarkdown } from './markdownText';

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
      const maxLineLength = this.config.hoverMaxLineLength;
      if (position.line >= document.lineCount) return undefined;
      const line = document.lineAt(position.line).text;
      const span = findJwtAt(line, position.character, maxLineLength);
      if (!span) return undefined;
      const decoded = decodeJwt(span.text);
      // eyJ…-looking text that is not a JWT (a base64 JSON blob) gets no hover rather than an error.
      if (!decoded.ok) return undefined;
      const explanation = explainJwt(decoded, { now: Date.now() });
      const md = new vscode.MarkdownString(hoverMarkdown(explanation, { decodeCommand: CommandIds.decodeToken, checkCommand: CommandIds.checkToken, token: span.text }));
      // Claims are attacker-controlled: no HTML, no theme icons, and only our two commands may run.
      md.supportHtml = false;
      md.supportThemeIcons = false;
      md.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
      return new vscode.Hover(md, new vscode.Range(position.line, span.start, position.line, span.end));
    } catch (e) {
      this.log.warn(`token hover failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }
}
