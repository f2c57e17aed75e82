/**
 * Where the Decode and Check commands get their token: an argument, the selection, the JWT under
 * the cursor, or the clipboard, in that order. The token is only held in memory.
 */
import * as vscode from 'vscode';
import { findFirstJwt, findJwtAt } from '../jwt/find';

export type TokenOrigin = 'argument' | 'selection' | 'cursor' | 'clipboard';

export interface SourcedToken {
  token: string;
  origin: TokenOrigin;
}

/** Selections longer than this are not searched (a token is 1–2 KB; a selected file is not one). */
const MAX_SEARCH_LENGTH = 1024 * 1024;

/** A token given as argument: the string itself, or `{ token }`. */
export function tokenFromArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg.trim().length > 0) return arg.trim();
  if (typeof arg === 'object' && arg !== null) {
    const t = (arg as { token?: unknown }).token;
    if (typeof t === 'string' && t.trim().length > 0) return t.trim();
  }
  return undefined;
}

function fromEditor(editor: vscode.TextEditor | undefined, maxLineLength: number): SourcedToken | undefined {
  if (!editor) return undefined;
  const sel = editor.selection;
  if (!sel.isEmpty) {
    const text = editor.document.getText(sel);
    const span = findFirstJwt(text, MAX_SEARCH_LENGTH);
    // A selection without a JWT in it is still what the user meant: decoding says why it is not one.
    return { token: span?.text ?? text.trim(), origin: 'selection' };
  }
  const line = editor.document.lineAt(sel.active.line).text;
  const span = findJwtAt(line, sel.active.character, maxLineLength);
  return span ? { token: span.text, origin: 'cursor' } : undefined;
}

/** The token to work on, or undefined when there is none anywhere. */
export async function resolveToken(arg: unknown, maxLineLength: number): Promise<SourcedToken | undefined> {
  const given = tokenFromArgument(arg);
  if (given) return { token: given, origin: 'argument' };
  const fromText = fromEditor(vscode.window.activeTextEditor, maxLineLength);
  if (fromText && fromText.token.length > 0) return fromText;
  const clip = await vscode.env.clipboard.readText();
  const span = findFirstJwt(clip, MAX_SEARCH_LENGTH);
  return span ? { token: span.text, origin: 'clipboard' } : undefined;
}
