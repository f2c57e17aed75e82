/**
 * Small helpers for editing YAML text in place (quick fixes), so the user's comments, order and
 * quoting elsewhere stay as written. Pure: offsets are string indices, as VS Code's `positionAt`.
 */
import type { Node, Pair, YAMLMap } from 'yaml';
import { yaml } from '../loader/yaml';

export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** The value node under `key` of a block or flow mapping. */
export function child(node: unknown, key: string): Node | undefined {
  if (!yaml().isMap(node)) return undefined;
  const pair = pairOf(node, key);
  return (pair?.value ?? undefined) as Node | undefined;
}

export function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => yaml().isScalar(p.key) && p.key.value === key);
}

/** A scalar's value as a string (numbers and booleans in their YAML form), or undefined. */
export function scalarString(node: unknown): string | undefined {
  if (!yaml().isScalar(node)) return undefined;
  return node.value === null || node.value === undefined ? '' : String(node.value);
}

/** How a string is written as a YAML value: plain when that is unambiguous, else double-quoted. */
export function yamlValue(value: string): string {
  const plain = /^[\w./][\w./:-]*$/.test(value) && !/^(?:true|false|null|yes|no|on|off|~)$/i.test(value) && !/^[0-9.]+$/.test(value);
  return plain ? value : JSON.stringify(value);
}

/** Replaces a scalar (its text, quotes included) with `text`; a missing value (`key:`) gets a space first. */
export function replaceScalar(source: string, node: Node, text: string): TextEdit {
  const [start, end] = node.range ?? [0, 0];
  const lead = start === end && source[start - 1] === ':' ? ' ' : '';
  return { start, end, newText: lead + text };
}

export function lineStart(source: string, offset: number): number {
  return source.lastIndexOf('\n', offset - 1) + 1;
}

/** Removes the whole line(s) of a block-mapping pair, when it is the only thing on them; else undefined. */
export function removePairLines(source: string, pair: Pair): TextEdit | undefined {
  const key = pair.key as Node | null;
  const value = pair.value as Node | null;
  if (!key?.range) return undefined;
  const start = lineStart(source, key.range[0]);
  if (source.slice(start, key.range[0]).trim() !== '') return undefined;
  const valueEnd = value?.range ? value.range[1] : key.range[1];
  const nl = source.indexOf('\n', valueEnd);
  const end = nl < 0 ? source.length : nl + 1;
  if (source.slice(valueEnd, nl < 0 ? source.length : nl).trim().replace(/^#.*/, '') !== '') return undefined;
  return { start, end, newText: '' };
}

/** The column (indentation) of a block mapping's first key, or undefined for a flow/empty mapping. */
export function blockIndent(source: string, map: YAMLMap): number | undefined {
  if (map.flow || map.items.length === 0) return undefined;
  const first = map.items[0].key as Node | null;
  if (!first?.range) return undefined;
  const ls = lineStart(source, first.range[0]);
  const lead = source.slice(ls, first.range[0]);
  // `- key:` starts a sequence item: the key's column is the indentation.
  return /^[ -]*$/.test(lead) ? lead.length : undefined;
}
