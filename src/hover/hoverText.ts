/**
 * The hover for one position, as pure code: find the JWT-shaped text around the character on the
 * hovered line (only that line is read), decode and explain it, and render the Markdown. The hover
 * provider wraps this in a vscode.Hover; `npm run bench` times it on large files.
 */
import * as l10n from '@vscode/l10n';
import { describeAttempt, findJwtAttemptAt } from '../jwt/attempt';
import { decodeJwt } from '../jwt/decode';
import { explainJwt } from '../jwt/explain';
import { findJwtAt } from '../jwt/find';
import { commandLink, escapeMarkdown, hoverMarkdown } from './markdownText';

export interface TokenHover {
  markdown: string;
  /** Columns of the token on the line. */
  start: number;
  end: number;
}

export interface TokenHoverOptions {
  maxLineLength: number;
  now: number;
  /** Display language for dates (vscode.env.language). */
  locale?: string;
  decodeCommand: string;
  checkCommand: string;
}

/** What a hover says about text that is meant to be a JWT but cannot be read: what is wrong, and Decode. */
export function malformedHoverMarkdown(text: string, decodeCommand: string): string {
  return [`**${escapeMarkdown(l10n.t('Malformed JWT'))}**`, escapeMarkdown(describeAttempt(text)), commandLink(l10n.t('Decode'), decodeCommand, [text])].join('\n\n');
}

/**
 * The hover at `character` of `line`: a decoded token explained, or what is wrong with a JWT attempt
 * (truncated, a damaged segment; src/jwt/attempt.ts decides what counts as one), or undefined.
 */
export function tokenHoverAt(line: string, character: number, opts: TokenHoverOptions): TokenHover | undefined {
  const span = findJwtAt(line, character, opts.maxLineLength);
  if (span) {
    const decoded = decodeJwt(span.text);
    if (decoded.ok) {
      const explanation = explainJwt(decoded, { now: opts.now, locale: opts.locale });
      const markdown = hoverMarkdown(explanation, { decodeCommand: opts.decodeCommand, checkCommand: opts.checkCommand, token: span.text });
      return { markdown, start: span.start, end: span.end };
    }
  }
  const attempt = findJwtAttemptAt(line, character, opts.maxLineLength);
  if (!attempt) return undefined;
  return { markdown: malformedHoverMarkdown(attempt.text, opts.decodeCommand), start: attempt.start, end: attempt.end };
}
