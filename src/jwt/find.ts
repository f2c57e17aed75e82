/**
 * Finding JWT-shaped text in a line. Pure and linear: every function looks at each character of
 * the line a bounded number of times, so a hover over a 20,000-character line stays cheap.
 */

/** A JWT-shaped run of text: `start` inclusive, `end` exclusive, in UTF-16 code units. */
export interface TokenSpan {
  start: number;
  end: number;
  text: string;
}

// Every JWT header is a JSON object, so its base64url encoding starts with `eyJ` (`{"`).
const HEADER_PREFIX = 'eyJ';
/** `{"a":1}` is 10 characters in base64url: nothing shorter is a JSON object with a member. */
const MIN_HEADER_LENGTH = 10;

function isSegmentChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || // 0-9
    (code >= 65 && code <= 90) || // A-Z
    (code >= 97 && code <= 122) || // a-z
    code === 45 || // -
    code === 95 // _
  );
}
const DOT = 46;
const isRunChar = (code: number): boolean => isSegmentChar(code) || code === DOT;

/**
 * Picks a `header.payload.signature` window out of a run of segment characters and dots
 * (`runStart`..`runEnd`), the one containing `at` if given, else the first one.
 */
function pickWindow(line: string, runStart: number, runEnd: number, at?: number): TokenSpan | undefined {
  // Segment boundaries of the run: a run like `x.eyJ..eyJ...` can hold several candidate windows.
  const starts: number[] = [runStart];
  for (let i = runStart; i < runEnd; i++) if (line.charCodeAt(i) === DOT) starts.push(i + 1);
  const segEnd = (k: number): number => (k + 1 < starts.length ? starts[k + 1] - 1 : runEnd);
  for (let k = 0; k + 2 < starts.length; k++) {
    const start = starts[k];
    const end = segEnd(k + 2);
    if (at !== undefined && (at < start || at > end)) continue;
    const headerLength = segEnd(k) - start;
    if (headerLength < MIN_HEADER_LENGTH || !line.startsWith(HEADER_PREFIX, start)) continue;
    if (segEnd(k + 1) - starts[k + 1] === 0) continue; // empty payload
    return { start, end, text: line.slice(start, end) };
  }
  return undefined;
}

/**
 * The JWT-shaped text at `character` (0-based; the position just after the token also counts,
 * like a word range), or undefined. Lines longer than `maxLineLength` are skipped whole.
 */
export function findJwtAt(line: string, character: number, maxLineLength = Number.POSITIVE_INFINITY): TokenSpan | undefined {
  if (line.length > maxLineLength || line.length < MIN_HEADER_LENGTH + 2) return undefined;
  let probe = character;
  if (probe < 0 || probe > line.length) return undefined;
  if (probe === line.length || !isRunChar(line.charCodeAt(probe))) probe -= 1;
  if (probe < 0 || !isRunChar(line.charCodeAt(probe))) return undefined;
  // A window holding `character` starts at most two segments to its left and ends at most two to
  // its right, so stop at the third dot each way: the cost is the token's length, not the line's.
  let start = probe;
  for (let dots = 0; start > 0 && isRunChar(line.charCodeAt(start - 1)); start--) {
    if (line.charCodeAt(start - 1) === DOT && ++dots === 3) break;
  }
  let end = probe + 1;
  for (let dots = line.charCodeAt(probe) === DOT ? 1 : 0; end < line.length && isRunChar(line.charCodeAt(end)); end++) {
    if (line.charCodeAt(end) === DOT && ++dots === 3) break;
  }
  return pickWindow(line, start, end, character);
}

function segmentEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSegmentChar(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Every JWT-shaped text of `text`, in order, at most `limit` of them. Only the places where `eyJ`
 * starts a segment are looked at (found by `indexOf`, which is native and fast), and each segment
 * is read at most three times (as header, payload, signature): a 1 MB selection costs milliseconds
 * whatever it holds.
 */
export function findAllJwts(text: string, maxLength = Number.POSITIVE_INFINITY, limit = Number.POSITIVE_INFINITY): TokenSpan[] {
  const found: TokenSpan[] = [];
  if (text.length > maxLength) return found;
  let from = 0;
  while (found.length < limit) {
    const start = text.indexOf(HEADER_PREFIX, from);
    if (start === -1) break;
    // The header segment: a token starts at `start` only if nothing of its segment precedes it, and
    // no other token starts before the segment ends.
    const headerEnd = segmentEnd(text, start + HEADER_PREFIX.length);
    from = headerEnd;
    if (start > 0 && isSegmentChar(text.charCodeAt(start - 1))) continue;
    if (headerEnd - start < MIN_HEADER_LENGTH || text.charCodeAt(headerEnd) !== DOT) continue;
    const payloadEnd = segmentEnd(text, headerEnd + 1);
    if (payloadEnd === headerEnd + 1 || text.charCodeAt(payloadEnd) !== DOT) continue; // empty payload
    const end = segmentEnd(text, payloadEnd + 1);
    found.push({ start, end, text: text.slice(start, end) });
    // A run holds at most one token in practice: skip the rest of it (e.g. `tok1.tok2`).
    from = end;
    while (from < text.length && isRunChar(text.charCodeAt(from))) from++;
  }
  return found;
}

/** The first JWT-shaped text of `text` (e.g. a selection such as `Bearer eyJ…`), or undefined. */
export function findFirstJwt(text: string, maxLength = Number.POSITIVE_INFINITY): TokenSpan | undefined {
  return findAllJwts(text, maxLength, 1)[0];
}
