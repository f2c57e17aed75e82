/**
 * Property tier of the text scanners: the kubeconfig token scan, credential redaction and the
 * display helpers (fast-check; a failure prints its seed, see arbitraries.ts).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { boundText, neutraliseBidi, safeMessage } from '../../src/text/displayText';
import { redactTokens } from '../../src/text/redact';
import { findKubeconfigTokens, looksLikeKubeconfig, type KubeconfigToken } from '../../src/hover/kubeconfigTokens';
import { findFirstJwt } from '../../src/jwt/find';
import { around, BIDI_CONTROLS, hostileText, kubeconfigText, repeatedPrefix, REPEATED_PREFIXES, runs, withoutPollution } from './arbitraries';
import { assertLinear } from './growth';
import { LEGACY_TOKEN, PLAIN_TOKEN, POD_TOKEN } from './jwt-vectors';

/** The scanner as it was (three line regexes): slow on long blank runs, but the reference for what is found. */
function referenceScan(text: string): KubeconfigToken[] {
  const TOP = /^([a-z_][\w-]*)\s*:/i;
  // eslint-disable-next-line regexp/no-super-linear-backtracking -- the old regexes, on short generated lines only
  const NAME = /^\s*-?\s*name:\s*["']?([^"'#]+?)["']?\s*(?:#.*)?$/;
  // eslint-disable-next-line regexp/no-super-linear-backtracking -- idem
  const TOKEN = /^(\s*-?\s*token:\s*)(["']?)([^"'\s#]+)\2\s*(?:#.*)?$/;
  const out: KubeconfigToken[] = [];
  let inUsers = false;
  let user: string | undefined;
  let itemIndent: number | undefined;
  text.split(/\r?\n/).forEach((line, i) => {
    const top = TOP.exec(line);
    if (top) {
      inUsers = top[1] === 'users';
      user = undefined;
      itemIndent = undefined;
      return;
    }
    if (!inUsers) return;
    const dash = /^(\s*)-\s/.exec(line);
    if (dash) {
      itemIndent ??= dash[1].length;
      if (dash[1].length === itemIndent) user = undefined;
    }
    const name = NAME.exec(line);
    const indent = line.length - line.trimStart().length;
    if (name && itemIndent !== undefined && (dash ? dash[1].length === itemIndent : indent === itemIndent + 2)) user = name[1];
    const m = TOKEN.exec(line);
    const span = m ? findFirstJwt(m[3]) : undefined;
    if (m && span) out.push({ line: i, start: m[1].length + m[2].length + span.start, end: m[1].length + m[2].length + span.end, token: span.text, user });
  });
  return out;
}

/** Kubeconfig lines made only of what YAML allows as blanks (spaces, tabs), quotes and comments. */
const plainKubeconfig = fc
  .array(
    fc.oneof(
      fc.constantFrom('users:', 'clusters:', 'kind: Config', '  user:', '#x'),
      fc.tuple(fc.nat(6), fc.constantFrom('- ', '-', '', '-\t'), fc.constantFrom('name:', 'token:', 'user:'), fc.constantFrom('', ' ', '\t', '  "'), fc.constantFrom('ci', 'a b', PLAIN_TOKEN, LEGACY_TOKEN, 'x#y', "'q'", '"q"', 'eyJhbGciOiJSUzI1NiJ9.e30.'), fc.constantFrom('', ' ', '"', "'", ' # c', '#c', ' x')).map(
        ([n, d, k, sp, v, tail]) => ' '.repeat(n) + d + k + sp + v + tail,
      ),
    ),
    { maxLength: 12 },
  )
  .map((lines) => lines.join('\n'));

describe('kubeconfig token scan properties (fast-check)', () => {
  it('never throws, and every token is where it says on its line', () => {
    withoutPollution(() =>
      fc.assert(
        fc.property(fc.oneof(kubeconfigText, repeatedPrefix(500).map((t) => `users:\n${t}`)), (text) => {
          const lines = text.split(/\r?\n/);
          looksLikeKubeconfig('/x/a.yaml', text);
          for (const t of findKubeconfigTokens(text)) {
            assert.equal(lines[t.line].slice(t.start, t.end), t.token);
            assert.ok(t.token.startsWith('eyJ'), t.token);
          }
        }),
        runs(400),
      ),
    );
  });

  it('finds what the old regex scanner found, with the same user names', () => {
    fc.assert(
      fc.property(plainKubeconfig, (text) => {
        assert.deepEqual(findKubeconfigTokens(text), referenceScan(text));
      }),
      runs(1000),
    );
  });

  it('grows linearly on long blank runs, quotes and dashes (160 KB took 13.9 s before)', function () {
    this.timeout(60_000);
    const families: [string, (n: number) => string][] = [
      ['blank lines under users:', (n) => `users:\n${`${' '.repeat(n)}x\n`.repeat(4)}`],
      ['- name: + blanks', (n) => `users:\n- name:${' '.repeat(n)}"x\n`],
      ['token: + blanks', (n) => `users:\n  token:${' '.repeat(n)}'x\n`],
      ['- + tabs', (n) => `users:\n-${'\t'.repeat(n)}x\n`],
      ['many short lines', (n) => `users:\n${'- name: a\n  token: eyJ.x.y\n'.repeat(n / 10)}`],
      ['kind: + blank lines', (n) => `kind:${'\n'.repeat(n)}x`],
    ];
    for (const [what, make] of families) assertLinear(`findKubeconfigTokens(${what})`, make, (t) => (looksLikeKubeconfig('/x/a.yaml', t), findKubeconfigTokens(t, Number.POSITIVE_INFINITY)), 2000);
  });
});

/** Credentials as they show up in foreign text, with the parts that must never be shown. */
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const alnum = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: 1, maxLength: 40 });
const credentials: fc.Arbitrary<{ text: string; secrets: string[] }> = fc.oneof(
  fc.constantFrom(POD_TOKEN, PLAIN_TOKEN, LEGACY_TOKEN).map((t) => ({ text: t, secrets: t.split('.').slice(1) })),
  fc.constantFrom(POD_TOKEN, LEGACY_TOKEN).map((t) => ({ text: `token: ${b64(t)}`, secrets: [b64(t).slice(16)] })),
  fc.tuple(fc.constantFrom('Bearer ', 'bearer ', 'Authorization: Bearer\t'), fc.string({ unit: fc.constantFrom(...'abcXYZ0123456789-._~+/'), minLength: 8, maxLength: 60 })).map(([p, v]) => ({ text: p + v, secrets: [v] })),
  fc.tuple(alnum, alnum).map(([u, p]) => ({ text: `Authorization: Basic ${b64(`${u}:${p}`)}`, secrets: [b64(`${u}:${p}`)] })),
  fc.tuple(fc.stringMatching(/^[\da-z]{6}$/), fc.stringMatching(/^[\da-z]{16}$/)).map(([id, s]) => ({ text: `--token ${id}.${s}`, secrets: [s] })),
  fc.stringMatching(/^[\w-]{20,80}$/).map((v) => ({ text: `ya29.${v}`, secrets: [v] })),
  fc.stringMatching(/^[\w-]{20,80}$/).map((v) => ({ text: `k8s-aws-v1.${v}`, secrets: [v] })),
  fc.tuple(fc.constantFrom('token: ', 'token=', '"token":"', 'password: ', 'client_secret=', '--token=', 'token '), fc.stringMatching(/^[a-f]{8}\d[\da-f]{15,30}$/)).map(([k, v]) => ({ text: k + v, secrets: [v] })),
  // A JWT wrapped onto the next line, at any column, with or without indentation.
  fc.tuple(fc.constantFrom(POD_TOKEN, LEGACY_TOKEN), fc.integer({ min: 1, max: 400 }), fc.constantFrom('\n', '\r\n', '\n    ')).map(([t, k, eol]) => {
    const cut = Math.min(k, t.length - 1);
    return { text: `${t.slice(0, cut)}${eol}${t.slice(cut)}`, secrets: t.split('.').slice(1).filter((s) => s.length >= 16) };
  }),
);

describe('redaction properties (fast-check)', () => {
  it('no credential shape survives, wherever it sits in foreign text', () => {
    withoutPollution(() =>
      fc.assert(
        fc.property(hostileText(80), fc.constantFrom(' ', '\n', '"', "'", '(', ', ', ': '), credentials, fc.constantFrom(' ', '\n', '"', "'", ')', ',', '. '), hostileText(80), (before, open, cred, close, after) => {
          const out = redactTokens(`${before}${open}${cred.text}${close}${after}`);
          for (const s of cred.secrets) assert.ok(!out.includes(s), `${JSON.stringify(s)} leaked in ${JSON.stringify(out.slice(0, 400))}`);
          const safe = safeMessage(`${before}${open}${cred.text}${close}${after}`);
          for (const s of cred.secrets) assert.ok(!safe.includes(s), 'safeMessage leaked');
        }),
        runs(1500),
      ),
    );
  });

  it('never throws, is idempotent, and leaves text without credentials alone', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText(300), repeatedPrefix(300), around(credentials.map((c) => c.text))), (text) => {
        const once = redactTokens(text);
        assert.equal(redactTokens(once), once);
      }),
      runs(600),
    );
    const plainWords = fc.array(fc.constantFrom('the', 'token', 'expired', 'token', 'Basic', 'authentication', 'failed:', 'secret', 'demo/reader', 'kube-system', 'Secret', 'reader-token-abcde', 'name:', 'v1.30.2', '3607', 'ServiceAccount', 'password', 'required'), { maxLength: 20 });
    fc.assert(
      fc.property(plainWords, (words) => {
        const text = words.join(' ');
        assert.equal(redactTokens(text), text);
      }),
      runs(500),
    );
  });

  it('grows linearly on repeated prefixes (150 KB of eyJ took 23.6 s before)', function () {
    this.timeout(60_000);
    for (const p of [...REPEATED_PREFIXES, 'Basic dXNlcjpw', 'token: a1', 'eyJhbGciOiJSUzI1NiJ9\n', 'ZXlKaGJHY2lPaUpT\n']) {
      assertLinear(`redactTokens(${JSON.stringify(p)} × n)`, (n) => p.repeat(n), redactTokens, 1000);
    }
    assertLinear('safeMessage(eyJ × n)', (n) => 'eyJ'.repeat(n), (t) => safeMessage(t), 1000);
  });
});

describe('display text properties (fast-check)', () => {
  it('neutraliseBidi leaves no bidi control and changes nothing else', () => {
    fc.assert(
      fc.property(hostileText(200), (text) => {
        const out = neutraliseBidi(text);
        for (const c of BIDI_CONTROLS) assert.ok(!out.includes(c));
        assert.equal(out.replace(/\\u(?:202[A-E]|206[6-9]|200[EF]|061C)/g, ''), text.replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').replace(/\\u(?:202[A-E]|206[6-9]|200[EF]|061C)/g, ''));
      }),
      runs(500),
    );
  });

  it('boundText keeps a prefix, never more than max characters, never half a surrogate pair', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 1, max: 400 }), (text, max) => {
        const out = boundText(text, max);
        assert.ok(out.length <= max);
        if (out.length < text.length) {
          assert.ok(out.endsWith('…'));
          const kept = out.slice(0, -1);
          assert.ok(text.startsWith(kept));
          const last = kept.charCodeAt(kept.length - 1);
          assert.ok(!(last >= 0xd800 && last <= 0xdbff), 'half a surrogate pair');
        } else assert.equal(out, text);
      }),
      runs(500),
    );
  });
});
