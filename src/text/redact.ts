/**
 * Pure helpers that keep credentials out of logs and messages: every credential is found by its
 * shape, since it reaches us inside text we did not write (an exec plugin's stderr, a cluster's
 * error message, a stack trace). No `vscode` import.
 *
 * Linear time on any input: each rule is one left-to-right pass whose regex starts with a literal
 * or a lookbehind and has no two quantifiers that can trade characters (lint checks this with
 * eslint-plugin-regexp), and the JWT rule is a hand-written scan. Text with 50,000 `eyJ` or
 * `Bearer ` is as cheap as any other.
 */

export const REDACTED_TOKEN = '<redacted token>';
export const REDACTED = '<redacted>';

const isSegmentChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95; // 0-9 A-Z a-z - _
const isBase64Char = (c: number): boolean => isSegmentChar(c) || c === 43 || c === 47 || c === 61; // + / =
const DOT = 46;

function runEnd(text: string, from: number, isChar: (c: number) => boolean): number {
  let i = from;
  while (i < text.length && isChar(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Where a credential wrapped onto the next lines ends. A terminal or `base64` wraps long text at a
 * fixed width, so a JWT can continue at the start of the next line: when `end` is a line end, the
 * run that opens the next line (after its indent) is part of it if the token is not complete yet
 * (fewer than two dots), or if it is long enough not to be a word (16 characters). Runs followed
 * by `:` (a YAML key) never are.
 */
function wrappedEnd(text: string, end: number, dotsSoFar: number, isChar: (c: number) => boolean): number {
  let at = end;
  let dots = dotsSoFar;
  for (;;) {
    let i = at;
    if (text.charCodeAt(i) === 13) i++; // \r
    if (text.charCodeAt(i) !== 10) return at; // \n
    i++;
    while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
    const next = runEnd(text, i, isChar);
    if (next === i || text.charCodeAt(next) === 58) return at; // ':'
    if (!(dots < 2 || next - i >= 16)) return at;
    for (let k = i; k < next; k++) if (text.charCodeAt(k) === DOT) dots++;
    at = next;
  }
}

const isJwtRunChar = (c: number): boolean => isSegmentChar(c) || c === DOT;

/**
 * Replaces each run of `isChar` characters from `prefix` on, at least 20 characters long, with its
 * wrapped continuation. What precedes the prefix is not looked at: `tokeneyJ…` glued to a word is
 * redacted too. `dotsOf` counts the dots of the run, for `wrappedEnd`.
 */
function redactRuns(text: string, prefix: string, isChar: (c: number) => boolean, dotsOf: (run: string) => number): string {
  let out = '';
  let copied = 0;
  let from = 0;
  for (;;) {
    const start = text.indexOf(prefix, from);
    if (start === -1) break;
    const end = runEnd(text, start, isChar);
    from = end;
    if (end - start < 20) continue;
    const last = wrappedEnd(text, end, dotsOf(text.slice(start, end)), isChar);
    out += text.slice(copied, start) + REDACTED_TOKEN;
    copied = from = last;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * JWTs, whole or in part: `eyJ` (`{"`) starts every JWT header. The run goes on over dots, so
 * header, payload and signature go together; a header alone is not secret, but a cut or wrapped
 * token must not leak its payload or signature.
 */
const redactJwts = (text: string): string => redactRuns(text, 'eyJ', isJwtRunChar, (run) => run.split('.').length - 1);

/**
 * A JWT base64-encoded once more, as in `data.token` of a legacy token Secret: base64 of `eyJ` is
 * `ZXlK`. Also wrapped (the `base64` tool breaks lines at 76 characters); a run is whole (2).
 */
const redactBase64Jwts = (text: string): string => redactRuns(text, 'ZXlK', isBase64Char, () => 2);

// `Authorization: Bearer <token68>` (RFC 6750 §2.1); 8 characters at least, so "Bearer token" stays.
const BEARER = /\b(bearer\s+)[\w.~+/-]{8,}=*/gi;

// `Basic <base64 of user:password>` (RFC 7617). Only when the text decodes to `user:password`, so
// "Basic authentication failed" stays readable.
const BASIC = /\b(basic\s+)([\d+/a-z]{4,}={0,2})(?![\w+/=])/gi;
function basicCredential(match: string, prefix: string, value: string): string {
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  // eslint-disable-next-line no-control-regex
  return decoded.includes(':') && !/[\u0000-\u001f\u007f-\u009f]/.test(decoded) ? prefix + REDACTED : match;
}

// Bootstrap tokens `<id>.<secret>`: kubeadm's format, BootstrapTokenPattern `\A([a-z0-9]{6})\.([a-z0-9]{16})\z`
// in k8s.io/cluster-bootstrap/token/api/types.go. Not inside a longer dotted name.
const BOOTSTRAP = /(?<![\w.-])[\da-z]{6}\.[\da-z]{16}(?![\w-]|\.[\w-])/g;

// Cloud access tokens that exec plugins print: Google OAuth access tokens (`ya29.…`, what
// gke-gcloud-auth-plugin returns) and EKS tokens (`k8s-aws-v1.` + base64url presigned URL,
// aws-iam-authenticator / `aws eks get-token`).
const CLOUD = /\b(?:ya29|k8s-aws-v1)\.[\w.-]+/g;

// Static tokens (--token-auth-file), passwords and client secrets have no shape of their own: they
// are found by their key (`token: …`, `"password":"…"`, `--token=…`, `--token …`, `client_secret=…`,
// `token <value>`). A value without a digit and a letter is a word ("token: expired"), and after a
// bare `token ` only 16 characters or more count ("token reader-1" is a name).
const KEYED = /(?<![\da-z])((?:[a-z]+[-_]?)?(?:token|password|passwd|secret|api[-_]?key)s?["']?[\t ]*[:=][\t ]*["']?|(?:--)?token[\t ]+)([^\s"',;<>{}]{8,})/gi;
function keyedCredential(match: string, key: string, value: string): string {
  // Plain `secret:` is a Kubernetes kind or a field name far more often than a credential.
  if (/^secrets?\W/i.test(key) || !/\d/.test(value) || !/[a-z]/i.test(value)) return match;
  if (/^token\s/i.test(key) && value.length < 16) return match;
  return key + REDACTED;
}

/** Replaces every credential-shaped substring with a placeholder. */
export function redactTokens(text: string): string {
  let t = redactJwts(text);
  t = redactBase64Jwts(t);
  t = t.replace(BEARER, `$1${REDACTED}`);
  t = t.replace(BASIC, basicCredential);
  t = t.replace(BOOTSTRAP, REDACTED_TOKEN);
  t = t.replace(CLOUD, REDACTED_TOKEN);
  return t.replace(KEYED, keyedCredential);
}
