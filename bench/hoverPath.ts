/**
 * The work a JWT hover does for one position: the line under the cursor goes through
 * src/hover/hoverText.ts `tokenHoverAt` (find → decode → explain → Markdown), the same pure
 * function the hover provider calls; only the vscode.Hover wrapper is left out.
 */
import { tokenHoverAt, type TokenHover } from '../src/hover/hoverText';

/** What the editor hands a hover provider: random access to lines (VS Code keeps a line array). */
export interface LineSource {
  lineAt(line: number): string;
}

/** Default of `k8sTokens.hover.maxLineLength`. */
export const MAX_LINE_LENGTH = 20_000;

/** The hover for (line, character), or undefined when there is no token there. */
export function computeHover(doc: LineSource, line: number, character: number, now: number): TokenHover | undefined {
  return tokenHoverAt(doc.lineAt(line), character, { maxLineLength: MAX_LINE_LENGTH, now, decodeCommand: 'k8sTokens.decodeToken', checkCommand: 'k8sTokens.checkToken' });
}
