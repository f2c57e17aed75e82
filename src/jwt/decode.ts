/**
 * Decoding of compact JWS tokens (`header.payload.signature`) without verifying anything.
 * Pure: no `vscode` import. Never throws: every failure is a typed `DecodeError`, because the
 * input is whatever text sits under the user's cursor.
 */

/** Why a string could not be decoded as a JWT. */
export type DecodeErrorKind =
  | 'empty' // nothing to decode
  | 'tooLong' // longer than the caller's limit; not even looked at
  | 'notJwt' // not three dot-separated segments
  | 'badBase64' // a segment is not base64url
  | 'badUtf8' // the decoded bytes are not UTF-8 text
  | 'badJson' // the text is not JSON
  | 'notObject'; // valid JSON, but not an object (an array, a string, a number…)

export type Segment = 'header' | 'payload';

export interface DecodeError {
  ok: false;
  kind: DecodeErrorKind;
  /** The segment at fault, for the kinds that concern one. */
  segment?: Segment;
}

export type JsonObject = Record<string, unknown>;

export interface DecodedJwt {
  ok: true;
  header: JsonObject;
  payload: JsonObject;
  /** Length of the signature segment; the signature itself is never decoded or kept. */
  signatureLength: number;
}

export type DecodeResult = DecodedJwt | DecodeError;

/** Tokens above this size are refused: real ServiceAccount tokens are 1–2 KB. */
export const DEFAULT_MAX_TOKEN_LENGTH = 64 * 1024;

// Base64url alphabet, optionally padded with `=` (RFC 7515 forbids padding, but people paste it).
const BASE64URL = /^[\w-]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes base64url (also accepting `=` padding). Returns undefined for characters outside the
 * alphabet, a wrong padding, or a length that no encoder produces (one leftover character).
 */
export function decodeBase64Url(text: string): Uint8Array | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const padStart = text.indexOf('=');
  const body = padStart === -1 ? text : text.slice(0, padStart);
  if (body.length % 4 === 1) return undefined;
  // Padding, when present, must complete the last quantum exactly.
  if (padStart !== -1 && text.length % 4 !== 0) return undefined;
  return Buffer.from(body, 'base64url');
}

// The parsed object is wrapped so that no payload (attacker-controlled) can pass for a DecodeError.
function decodeJsonSegment(text: string, segment: Segment): { ok: true; value: JsonObject } | DecodeError {
  const bytes = decodeBase64Url(text);
  if (!bytes || text.length === 0) return { ok: false, kind: 'badBase64', segment };
  let json: string;
  try {
    json = utf8.decode(bytes);
  } catch {
    return { ok: false, kind: 'badUtf8', segment };
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, kind: 'badJson', segment };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, kind: 'notObject', segment };
  return { ok: true, value: value as JsonObject };
}

/** Header and payload of a compact JWS, or why it is not one. */
export function decodeJwt(token: string, maxLength = DEFAULT_MAX_TOKEN_LENGTH): DecodeResult {
  if (typeof token !== 'string') return { ok: false, kind: 'empty' };
  const t = token.trim();
  if (t.length === 0) return { ok: false, kind: 'empty' };
  if (t.length > maxLength) return { ok: false, kind: 'tooLong' };
  const parts = t.split('.');
  if (parts.length !== 3) return { ok: false, kind: 'notJwt' };
  const header = decodeJsonSegment(parts[0], 'header');
  if (!header.ok) return header;
  const payload = decodeJsonSegment(parts[1], 'payload');
  if (!payload.ok) return payload;
  return { ok: true, header: header.value, payload: payload.value, signatureLength: parts[2].length };
}
