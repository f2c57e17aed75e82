/**
 * The work a JWT hover does for one position, as pure code: take the line under the cursor, find
 * the JWT-shaped text at the character, decode it and explain its claims. This is the same path
 * the hover provider takes (src/jwt find → decode → explain); the Markdown rendering is left out
 * until a pure builder exists in src/hover, then it belongs inside `computeHover`.
 */
import { decodeJwt } from '../src/jwt/decode';
import { describeDecodeError, explainJwt, type Explanation } from '../src/jwt/explain';
import { findJwtAt } from '../src/jwt/find';

/** What the editor hands a hover provider: random access to lines (VS Code keeps a line array). */
export interface LineSource {
  lineAt(line: number): string;
}

export type HoverContent = { kind: 'explained'; explanation: Explanation } | { kind: 'undecodable'; message: string } | undefined;

/** Default of `k8sTokens.hover.maxLineLength`. */
export const MAX_LINE_LENGTH = 20_000;

/** The hover for (line, character), or undefined when there is no token there. */
export function computeHover(doc: LineSource, line: number, character: number, now: number): HoverContent {
  const span = findJwtAt(doc.lineAt(line), character, MAX_LINE_LENGTH);
  if (!span) return undefined;
  const decoded = decodeJwt(span.text);
  if (!decoded.ok) return { kind: 'undecodable', message: describeDecodeError(decoded) };
  return { kind: 'explained', explanation: explainJwt(decoded, { now }) };
}
