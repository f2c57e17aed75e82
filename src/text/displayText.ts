/**
 * Making foreign text fit to show: claims of a token, a cluster's error messages, an exec plugin's
 * output. Pure: no `vscode` import (the cluster bundle uses `boundText`).
 */
import { redactTokens } from './redact';

/**
 * Unicode bidirectional controls: embeddings and overrides (U+202A–U+202E), isolates
 * (U+2066–U+2069) and the invisible marks (U+200E, U+200F, U+061C). In a claim they reorder what
 * follows them ("Trojan Source", CVE-2021-42574): `admin\u202Etxt.exe` reads as `adminexe.txt`.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Every bidi control shown as its escape, e.g. `\u202E`: visible, and without effect. */
export function neutraliseBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** `text` cut to at most `max` characters, the last one an ellipsis; a surrogate pair is never split. */
export function boundText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max - 1);
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--; // a high surrogate without its low half
  return `${text.slice(0, cut)}…`;
}

/** The longest notification or log entry we write: a cluster's 150 KB message is no message. */
export const MAX_MESSAGE_LENGTH = 4000;
/** Text beyond this is not even redacted: it is cut off first, so the work stays bounded. */
const MAX_SCANNED_LENGTH = 256 * 1024;

/**
 * Foreign text made safe to show in a notification or a log: credentials redacted, bidi controls
 * neutralised, length bounded.
 */
export function safeMessage(text: string, max = MAX_MESSAGE_LENGTH): string {
  const scanned = text.length > MAX_SCANNED_LENGTH ? text.slice(0, MAX_SCANNED_LENGTH) : text;
  return boundText(neutraliseBidi(redactTokens(scanned)), max);
}

/**
 * `text` without leading and trailing characters of `chars` (e.g. `'-'` or `'-.'`): linear, where
 * `/^-+|-+$/g` is quadratic on a long run of dashes followed by something else.
 */
export function trimChars(text: string, chars: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && chars.includes(text[start])) start++;
  while (end > start && chars.includes(text[end - 1])) end--;
  return text.slice(start, end);
}

/** `text` without trailing characters of `chars`. */
export function trimEndChars(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1])) end--;
  return text.slice(0, end);
}
