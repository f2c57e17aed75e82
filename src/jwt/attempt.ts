/**
 * Text that is meant to be a JWT but is not a whole one: cut off when copied, one segment damaged,
 * a part missing. The hover explains such text instead of staying silent, so the finder is strict
 * about what counts as an attempt: a run of base64url characters and dots that starts with `eyJ`
 * (every JSON header encodes to it), has a header of at least 10 characters and at least one dot.
 * Ordinary words, paths and version numbers never qualify. Pure and linear in the run's length.
 */
import * as l10n from '@vscode/l10n';
import { decodeJwt } from './decode';
import { describeDecodeError } from './explain';

export interface AttemptSpan {
  start: number;
  end: number;
  text: string;
}

/** `{"a":1}` is 10 characters in base64url: nothing shorter is a JSON object with a member. */
const MIN_HEADER_LENGTH = 10;
const DOT = 46;

function isRunChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || // 0-9
    (code >= 65 && code <= 90) || // A-Z
    (code >= 97 && code <= 122) || // a-z
    code === 45 || // -
    code === 95 || // _
    code === DOT
  );
}

/**
 * The JWT attempt at `character` of `line` (the position just after it also counts, like a word
 * range), or undefined. Lines longer than `maxLineLength` are skipped whole.
 */
export function findJwtAttemptAt(line: string, character: number, maxLineLength = Number.POSITIVE_INFINITY): AttemptSpan | undefined {
  if (typeof line !== 'string' || line.length > maxLineLength) return undefined;
  if (!Number.isInteger(character) || character < 0 || character > line.length) return undefined;
  let probe = character;
  if (probe === line.length || !isRunChar(line.charCodeAt(probe))) probe -= 1;
  if (probe < 0 || !isRunChar(line.charCodeAt(probe))) return undefined;
  let start = probe;
  while (start > 0 && isRunChar(line.charCodeAt(start - 1))) start--;
  let end = probe + 1;
  while (end < line.length && isRunChar(line.charCodeAt(end))) end++;
  if (!line.startsWith('eyJ', start)) return undefined;
  const firstDot = line.indexOf('.', start);
  if (firstDot < 0 || firstDot >= end || firstDot - start < MIN_HEADER_LENGTH) return undefined;
  return { start, end, text: line.slice(start, end) };
}

/** Why an attempt is not a readable JWT, in words, as precisely as its shape allows. */
export function describeAttempt(text: string): string {
  const parts = text.split('.');
  if (parts.length === 5) return l10n.t('Five parts separated by dots: an encrypted JWT (JWE). Its claims cannot be read without the key; Kubernetes never issues encrypted tokens.');
  if (parts.length < 3 || parts[parts.length - 1] === '') {
    const present = parts.filter((p) => p !== '').length;
    return l10n.t('Looks like a JWT, but only {0} of its three parts (header.payload.signature) are here: it was probably cut off when it was copied.', present);
  }
  if (parts.length > 3) return l10n.t('Looks like a JWT, but it has {0} parts separated by dots instead of three (header.payload.signature): two tokens may have run together, or text was pasted into it.', parts.length);
  const decoded = decodeJwt(text);
  if (decoded.ok) return l10n.t('This JWT decodes; hover it again to see its claims.');
  return `${describeDecodeError(decoded)} ${l10n.t('The token was damaged when it was copied, or it was altered.')}`;
}
