/**
 * Finds the bearer tokens of a kubeconfig file (`users[].user.token`) by reading its lines, so
 * the editor can show when each expires. A line scan rather than a YAML parse: it is linear, needs
 * no extra library in the activation bundle, and keeps exact columns for CodeLens and diagnostics.
 * Pure.
 */
import { findFirstJwt } from '../jwt/find';

export interface KubeconfigToken {
  /** 0-based line and the token's columns on it (end exclusive). */
  line: number;
  start: number;
  end: number;
  token: string;
  /** The `name:` of the user entry, when it comes before the token. */
  user?: string;
}

/** File names kubectl users give kubeconfigs: `config` (as in ~/.kube/config) and `*.kubeconfig`. */
export function isKubeconfigFileName(fsPath: string): boolean {
  const base = fsPath.split(/[\\/]/).pop() ?? '';
  return base === 'config' || base.endsWith('.kubeconfig') || base === 'kubeconfig';
}

// `[ \t]` rather than `\s`: `\s` also matches line breaks, so a run of blank lines after `kind:`
// would be read on every attempt.
const KIND_CONFIG = /^kind:[ \t]*["']?Config["']?[ \t]*(?:#.*)?$/m;

/** True for a file named like a kubeconfig, or YAML text with a top-level `kind: Config`. */
export function looksLikeKubeconfig(fsPath: string, text: string): boolean {
  return isKubeconfigFileName(fsPath) || KIND_CONFIG.test(text);
}

/*
 * The line reader below replaces three regexes (`^\s*-?\s*name:…`, `^(\s*-?\s*token:\s*)…`), whose
 * adjacent `\s*` could split a run of spaces in every way: a 160 KB kubeconfig with long blank
 * runs froze the extension host for seconds. Each function here walks its line once.
 */
const SPACE = 32;
const TAB = 9;
const isBlank = (code: number): boolean => code === SPACE || code === TAB;

function skipBlanks(line: string, from: number): number {
  let i = from;
  while (i < line.length && isBlank(line.charCodeAt(i))) i++;
  return i;
}

/** True when only blanks and an optional `# comment` follow `from`. */
function restIsEmpty(line: string, from: number): boolean {
  const i = skipBlanks(line, from);
  return i === line.length || line.charCodeAt(i) === 35; // '#'
}

/** Column after `<indent>[-][blanks]key:` when the line holds that key, else -1. */
function afterKey(line: string, indent: number, key: string): number {
  let i = indent;
  if (line.charCodeAt(i) === 45) i = skipBlanks(line, i + 1); // '-'
  if (!line.startsWith(key, i) || line.charCodeAt(i + key.length) !== 58) return -1; // ':'
  return i + key.length + 1;
}

const isQuote = (code: number): boolean => code === 34 || code === 39;

/** `name: value`, `name: "value"  # c`: the value, trimmed; quotes are optional on either side. */
function nameValue(line: string, indent: number): string | undefined {
  const colon = afterKey(line, indent, 'name');
  if (colon < 0) return undefined;
  let i = skipBlanks(line, colon);
  if (isQuote(line.charCodeAt(i))) i++;
  const start = i;
  while (i < line.length && !isQuote(line.charCodeAt(i)) && line.charCodeAt(i) !== 35) i++;
  let end = i;
  while (end > start && isBlank(line.charCodeAt(end - 1))) end--;
  if (end === start) return undefined;
  if (isQuote(line.charCodeAt(i))) i++;
  return restIsEmpty(line, i) ? line.slice(start, end) : undefined;
}

/** `token: value` or `token: "value"` (same quote both sides), then only a comment: the value's columns. */
function tokenValue(line: string, indent: number): { start: number; end: number } | undefined {
  const colon = afterKey(line, indent, 'token');
  if (colon < 0) return undefined;
  let i = skipBlanks(line, colon);
  const quote = isQuote(line.charCodeAt(i)) ? line.charCodeAt(i++) : undefined;
  const start = i;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (isQuote(c) || isBlank(c) || c === 35) break;
    i++;
  }
  const end = i;
  if (end === start) return undefined;
  if (quote !== undefined) {
    if (line.charCodeAt(i) !== quote) return undefined;
    i++;
  }
  return restIsEmpty(line, i) ? { start, end } : undefined;
}

/** The key of a top-level mapping entry (`users:` at column 0), or undefined. */
function topLevelKey(line: string): string | undefined {
  const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; // A-Z a-z _
  const isKeyChar = (c: number): boolean => isLetter(c) || (c >= 48 && c <= 57) || c === 45; // also 0-9 -
  if (!isLetter(line.charCodeAt(0))) return undefined;
  let i = 1;
  while (i < line.length && isKeyChar(line.charCodeAt(i))) i++;
  const key = line.slice(0, i);
  return line.charCodeAt(skipBlanks(line, i)) === 58 ? key : undefined;
}

/** Every `token:` holding a JWT under the top-level `users:` key, in order. Lines over `maxLineLength` are skipped. */
export function findKubeconfigTokens(text: string, maxLineLength = 20_000): KubeconfigToken[] {
  const found: KubeconfigToken[] = [];
  const lines = text.split(/\r?\n/);
  let inUsers = false;
  let user: string | undefined;
  // Indent of the dashes of `users:` entries; a deeper `- name:` (exec env, args) is not a user's name.
  let itemIndent: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.length > maxLineLength) continue;
    const top = topLevelKey(line);
    if (top !== undefined) {
      inUsers = top === 'users';
      user = undefined;
      itemIndent = undefined;
      continue;
    }
    if (!inUsers) continue;
    const indent = skipBlanks(line, 0);
    const dash = line.charCodeAt(indent) === 45 && isBlank(line.charCodeAt(indent + 1));
    if (dash) {
      itemIndent ??= indent;
      if (indent === itemIndent) user = undefined;
    }
    const name = nameValue(line, indent);
    if (name !== undefined && itemIndent !== undefined && (dash ? indent === itemIndent : indent === itemIndent + 2)) user = name;
    const value = tokenValue(line, indent);
    if (!value) continue;
    const span = findFirstJwt(line.slice(value.start, value.end));
    if (!span) continue;
    found.push({ line: i, start: value.start + span.start, end: value.start + span.end, token: span.text, user });
  }
  return found;
}
