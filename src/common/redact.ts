/** Pure helpers that keep token values out of logs and messages. No `vscode` import. */

// Three base64url segments; the first starts with `eyJ` (`{"`), as every JWT header does.
const JWT_ANYWHERE = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const BEARER = /(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;

/** Replaces every JWT-shaped substring and bearer credential with a placeholder. */
export function redactTokens(text: string): string {
  return text.replace(JWT_ANYWHERE, '<redacted token>').replace(BEARER, '$1<redacted>');
}
