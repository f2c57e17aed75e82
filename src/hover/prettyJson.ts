/**
 * JSON text for the Decode document, written without recursion. `JSON.stringify(value, null, 2)`
 * recurses once per nesting level: a payload of 5,000 nested arrays (13 KB of token) overflowed the
 * stack, and at 1,000 levels its indentation alone made a 2 MB document. Here an explicit stack
 * does the walk, and containers deeper than `maxDepth` are replaced by a JSONC comment. Pure.
 */
import { neutraliseBidi } from '../text/displayText';

/** A JSON string literal shown as is: bidi controls and the Unicode line separators as `\uXXXX`. */
function stringLiteral(s: string): string {
  return neutraliseBidi(JSON.stringify(s)).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function scalar(value: unknown): string {
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  return 'null';
}

interface Frame {
  close: string;
  entries: [string | undefined, unknown][];
  next: number;
  depth: number;
}

/**
 * `value` (as parsed from JSON) indented by two spaces per level, like `JSON.stringify(value, null, 2)`,
 * except that an array or object at `maxDepth` levels or deeper is written as `[ /* deeper *\/ ]`.
 */
export function prettyJson(value: unknown, maxDepth: number, deeperComment: string): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const write = (v: unknown, depth: number): void => {
    if (typeof v !== 'object' || v === null) {
      out.push(scalar(v));
      return;
    }
    const isArray = Array.isArray(v);
    const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
    const entries: [string | undefined, unknown][] = isArray ? v.map((item: unknown) => [undefined, item]) : Object.entries(v);
    if (entries.length === 0) out.push(open + close);
    else if (depth >= maxDepth) out.push(`${open} /* ${deeperComment} */ ${close}`);
    else {
      out.push(open);
      stack.push({ close, entries, next: 0, depth });
    }
  };
  write(value, 0);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    const indent = '  '.repeat(frame.depth + 1);
    if (frame.next === frame.entries.length) {
      stack.pop();
      out.push(`\n${indent.slice(2)}${frame.close}`);
      continue;
    }
    const [key, item] = frame.entries[frame.next++];
    out.push(`${frame.next > 1 ? ',' : ''}\n${indent}${key === undefined ? '' : `${stringLiteral(key)}: `}`);
    write(item, frame.depth + 1);
  }
  return out.join('');
}
