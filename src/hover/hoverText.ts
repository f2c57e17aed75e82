/**
 * The hover for one position, as pure code: find the JWT-shaped text around the character on the
 * hovered line (only that line is read), decode and explain it, and render the Markdown. The hover
 * provider wraps this in a vscode.Hover; `npm run bench` times it on large files.
 */
import { decodeJwt } from '../jwt/decode';
import { explainJwt } from '../jwt/explain';
import { findJwtAt } from '../jwt/find';
import { hoverMarkdown } from './markdownText';

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

/** The hover at `character` of `line`, or undefined when no decodable token is there. */
export function tokenHoverAt(line: string, character: number, opts: TokenHoverOptions): TokenHover | undefined {
  const span = findJwtAt(line, character, opts.maxLineLength);
  if (!span) return undefined;
  const decoded = decodeJwt(span.text);
  // eyJ…-looking text that is not a JWT (a base64 JSON blob) gets no hover rather than an error.
  if (!decoded.ok) return undefined;
  const explanation = explainJwt(decoded, { now: opts.now, locale: opts.locale });
  const markdown = hoverMarkdown(explanation, { decodeCommand: opts.decodeCommand, checkCommand: opts.checkCommand, token: span.text });
  return { markdown, start: span.start, end: span.end };
}
