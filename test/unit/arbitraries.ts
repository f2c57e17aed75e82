/**
 * Shared fast-check arbitraries for the property tier: hostile text of every kind the parsers and
 * scanners meet (huge lines, deep nesting, repeated prefixes, control and bidi characters, lone
 * surrogates, JSON with `__proto__` and `constructor` keys), plus a check that nothing polluted
 * the built-in prototypes.
 *
 * A failing property prints its seed and path (fast-check's report, shown by mocha). Replay it with
 * `FC_SEED=<seed> FC_PATH=<path> npx mocha --config .mocharc.unit.json …`.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { LEGACY_TOKEN, makeToken, PLAIN_TOKEN, POD_TOKEN } from './jwt-vectors';

/** fast-check parameters: `numRuns`, or the run that failed when FC_SEED (and FC_PATH) are set. */
export function runs(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FC_SEED;
  return seed === undefined ? { numRuns } : { numRuns, seed: Number(seed), path: process.env.FC_PATH, endOnFailure: true };
}

/** Characters that break naive code: controls, line separators, bidi controls, BOM, a lone surrogate, quotes. */
export const NASTY_CHARS = ['\u0000', '\u0007', '\b', '\t', '\n', '\r', '\u000b', '\u001b', '\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c', '\ufeff', '\ud800', '\udfff', '"', "'", '\\', '`', '<', '>', '&', '#', ':', '.', '=', '-', '[', ']', '{', '}'];
export const BIDI_CONTROLS = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];

const nastyChar = fc.constantFrom(...NASTY_CHARS);
const base64urlChar = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');

/** Any text: graphemes, raw UTF-16 units (lone surrogates included) and the nasty characters, mixed. */
export const hostileText = (maxLength = 200): fc.Arbitrary<string> =>
  fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 }), nastyChar), { maxLength: Math.ceil(maxLength / 4) }).map((parts) => parts.join(''));

/** A base64url segment. */
export const segment = (maxLength = 60): fc.Arbitrary<string> => fc.string({ unit: base64urlChar, maxLength });

/** Prefixes that made a scanner or regex retry from every position. */
export const REPEATED_PREFIXES = ['eyJ', 'eyJ.', 'Bearer ', 'bearer\t', 'Basic ', 'ZXlK', 'ya29.', 'k8s-aws-v1.', 'token: ', 'token=', '--token ', ' ', '\t', '.', 'a.', 'a-', '/', '"', '\\"', '[', '{"a":', '- name: ', 'User "', '299 - "', '\n'];

/** A prefix repeated many times, with something after it that rejects a match. */
export const repeatedPrefix = (maxCount = 2000): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...REPEATED_PREFIXES), fc.integer({ min: 1, max: maxCount }), hostileText(20)).map(([p, n, tail]) => p.repeat(n) + tail);

/** Real tokens, and JWT-shaped text with a real-looking header and arbitrary segments. */
export const jwtLike: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(LEGACY_TOKEN, PLAIN_TOKEN, POD_TOKEN),
  fc.tuple(segment(), segment(200), segment(100)).map(([h, p, s]) => `eyJ${h}.${p}.${s}`),
  fc.tuple(segment(200), segment(100)).map(([p, s]) => `eyJhbGciOiJSUzI1NiJ9.${p}.${s}`),
);

/** Object keys that probe prototype pollution, next to the claims the code reads. */
export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'exp', 'iat', 'nbf', 'aud', 'sub', 'iss', 'jti', 'kid', 'alg', 'kubernetes.io', 'namespace', 'serviceaccount', 'pod', 'secret', 'node', 'name', 'uid', 'warnafter', 'kubernetes.io/serviceaccount/secret.name', 'type', 'ids', 'id', 'action', 'message', 'details', 'causes', 'retryAfterSeconds'];

/** JSON values whose objects use the hostile keys, several levels deep. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.string({ maxLength: 20 }), hostileText(30), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom(1e308, -1e308, 2 ** 53, -0)),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 6 }),
  ),
})).value;

/** JSON text of an object with hostile keys, as a parser would see it (JSON.stringify drops `__proto__` keys, so they are written by hand). */
export const hostileJsonText: fc.Arbitrary<string> = fc
  .tuple(hostileJson, fc.constantFrom('{"__proto__":{"polluted":true},', '{"constructor":{"prototype":{"polluted":true}},', '{'))
  .map(([v, head]) => {
    const body = JSON.stringify(v) ?? 'null';
    return `${head}"v":${body}}`;
  });

/** `[[[…]]]` or `{"a":{"a":…}}` nested `depth` levels. */
export function deepJson(depth: number, kind: 'array' | 'object' = 'array'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A token whose payload is arbitrary JSON text (not necessarily an object). */
export const tokenWithPayload = (payload: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  payload.map((p) => `${Buffer.from('{"alg":"RS256","kid":"k"}').toString('base64url')}.${Buffer.from(p).toString('base64url')}.c2ln`);

/** Tokens with claims of every type at the places the explainer reads, and hostile keys. */
export const hostileClaimsToken: fc.Arbitrary<string> = fc
  .record({
    exp: hostileJson,
    iat: hostileJson,
    nbf: hostileJson,
    aud: hostileJson,
    sub: fc.oneof(hostileText(60), hostileJson),
    iss: fc.oneof(hostileText(60), hostileJson),
    'kubernetes.io': hostileJson,
    extra: hostileJson,
  })
  .chain((claims) => fc.tuple(fc.constant(claims), hostileJson).map(([c, header]) => makeToken(c, typeof header === 'object' && header !== null ? header : { alg: header })));

/** Text `inner` sits in, as in a file, a log line or a selection. */
export const around = (inner: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(hostileText(40), inner, hostileText(40)).map(([a, b, c]) => a + b + c);

/** Kubeconfig-looking text: the lines the token scanner reacts to, mixed with hostile ones. */
export const kubeconfigText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom('apiVersion: v1', 'kind: Config', 'users:', 'clusters:', 'contexts:', '- name: ci', '  user:', '- name: "quoted" # c', '  - name: FOO', "    token: 'x'", '    token:', '#users:'),
      jwtLike.map((t) => `    token: ${t}`),
      jwtLike.map((t) => `  - token: "${t}" # c`),
      fc.tuple(fc.nat(40), fc.constantFrom('- ', '-', '', '  '), fc.constantFrom('name:', 'token:', 'user:'), hostileText(40)).map(([n, d, k, v]) => ' '.repeat(n) + d + k + v),
      hostileText(60),
    ),
    { maxLength: 30 },
  )
  .chain((lines) => fc.constantFrom('\n', '\r\n').map((eol) => lines.join(eol)));

/** YAML-looking manifests: fragments the analyser reads, hostile scalars, anchors and aliases. */
export const manifestText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom('---', 'apiVersion: v1', 'kind: Pod', 'kind: Secret', 'kind: TokenRequest', 'kind: Deployment', 'metadata:', '  name: web', '  annotations:', 'spec:', '  serviceAccountName: reader', '  template:', '    spec:', 'type: kubernetes.io/service-account-token', '  volumes:', '    - name: tok', '      projected:', '        sources:', '          - serviceAccountToken:', '              path: ../token', '              expirationSeconds: 10', '              audience: vault', '  expirationSeconds: 1e400', '  audiences: [a, *x]', '  __proto__: {polluted: true}', 'anchor: &x {a: 1}', 'alias: *x', '- [[[[[[', '{{{{'),
      fc.tuple(fc.nat(20), fc.constantFrom('path:', 'expirationSeconds:', 'audience:', 'name:', 'serviceAccountName:', 'kind:'), hostileText(30)).map(([n, k, v]) => ' '.repeat(n) + k + ' ' + v),
      hostileText(40),
    ),
    { maxLength: 30 },
  )
  .map((lines) => lines.join('\n'));

/** Warning header values: well-formed, escaped, unterminated and arbitrary. */
export const warningHeader: fc.Arbitrary<string | string[]> = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 999 }), fc.constantFrom('-', 'kube-apiserver', ''), hostileText(60)).map(([c, a, t]) => `${c} ${a} "${t.replace(/["\\]/g, '\\$&')}"`),
  fc.tuple(fc.integer({ min: 100, max: 999 }), hostileText(60)).map(([c, t]) => `${c} - "${t}`),
  fc.array(hostileText(40), { maxLength: 5 }),
  hostileText(100),
);

/** kube-apiserver Forbidden messages, real-shaped and mangled. */
export const forbiddenMessage: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(hostileText(30), hostileText(10), hostileText(20), hostileText(10), fc.option(hostileText(10))).map(
    ([u, v, r, g, ns]) => `serviceaccounts "x" is forbidden: User "${u}" cannot ${v} resource "${r}" in API group "${g}"${ns === null ? ' at the cluster scope' : ` in the namespace "${ns}"`}`,
  ),
  fc.tuple(hostileText(30), hostileText(10), hostileText(30)).map(([u, v, p]) => `forbidden: User "${u}" cannot ${v} path "${p}"`),
  hostileText(200),
);

/** Messages a webview could post: the real ones, near misses, and anything. */
export const webviewMessage: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom({ type: 'ready' }, { type: 'reveal', id: '3f2b8c1e-0d4a-4f7e-9a51-2c6d8e0b7a19' }, { type: 'action', action: 'copy', id: 'a' }),
  fc.record({ type: fc.constantFrom('ready', 'rendered', 'action', 'reveal', '__proto__', 'constructor'), ids: fc.array(fc.oneof(fc.string(), hostileJson), { maxLength: 600 }), action: fc.oneof(fc.string(), hostileJson), id: fc.oneof(fc.string(), hostileJson) }, { requiredKeys: ['type'] }),
  hostileJsonText.map((t): unknown => JSON.parse(t)),
  fc.anything(),
);

/** Own property names of the built-in prototypes, to compare before and after a run. */
function prototypeKeys(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) => Object.getOwnPropertyNames(p).sort().join(',')).join('|');
}

/** Runs `body`, then fails if it added anything to a built-in prototype. */
export function withoutPollution(body: () => void): void {
  const before = prototypeKeys();
  body();
  assert.equal(prototypeKeys(), before, 'a built-in prototype changed');
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype.polluted is set');
}
