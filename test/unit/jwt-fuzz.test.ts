/**
 * Property tier of the JWT code: find → decode → explain → summary, the hover and the Decode
 * document, on hostile text (fast-check; a failure prints its seed, see arbitraries.ts). Properties:
 * nothing throws, no built-in prototype changes, what is found is where it is said to be, no bidi
 * control reaches rendered text, and the work grows linearly with the input.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodedText } from '../../src/hover/decodedText';
import { tokenHoverAt } from '../../src/hover/hoverText';
import { prettyJson } from '../../src/hover/prettyJson';
import { decodeJwt, type DecodedJwt } from '../../src/jwt/decode';
import { describeDecodeError, explainJwt, oneLineSummary } from '../../src/jwt/explain';
import { findAllJwts, findFirstJwt, findJwtAt } from '../../src/jwt/find';
import { around, BIDI_CONTROLS, deepJson, hostileClaimsToken, hostileJson, hostileText, jwtLike, repeatedPrefix, REPEATED_PREFIXES, runs, tokenWithPayload, withoutPollution } from './arbitraries';
import { assertLinear } from './growth';
import { POD_TOKEN } from './jwt-vectors';

const hoverOptions = { maxLineLength: 20_000, now: 0, decodeCommand: 'k8sTokens.decodeToken', checkCommand: 'k8sTokens.checkToken' };
const hasBidi = (s: string): boolean => BIDI_CONTROLS.some((c) => s.includes(c));

/** Everything the editor does with a piece of text; returns every string it would show. */
function throughEverything(text: string, at: number, now: number): string[] {
  const shown: string[] = [];
  const spans = [findJwtAt(text, at, 20_000), findFirstJwt(text), ...findAllJwts(text, 1024 * 1024).slice(0, 3)];
  for (const candidate of [text, ...spans.map((s) => s?.text ?? '')]) {
    const d = decodeJwt(candidate);
    if (!d.ok) {
      shown.push(describeDecodeError(d));
      continue;
    }
    const x = explainJwt(d, { now, timeZone: 'UTC' });
    shown.push(oneLineSummary(x, now), x.headline, x.statusText, ...x.notes, ...x.rows.flatMap((r) => [r.label, r.value]), decodedText(d, x));
  }
  const hover = tokenHoverAt(text, at, { ...hoverOptions, now });
  if (hover) shown.push(hover.markdown);
  return shown;
}

const anyText = fc.oneof(hostileText(400), around(jwtLike), around(hostileClaimsToken), repeatedPrefix(300), jwtLike, hostileClaimsToken);

describe('JWT properties (fast-check)', () => {
  it('find, decode, explain, hover and the Decode document never throw and touch no prototype', () => {
    withoutPollution(() =>
      fc.assert(
        fc.property(anyText, fc.nat(), fc.integer({ min: -1e13, max: 1e13 }), (text, at, now) => {
          throughEverything(text, at % (text.length + 2), now);
        }),
        runs(400),
      ),
    );
  });

  it('tokens with hostile claims, deep nesting and __proto__ keys decode and render without throwing', () => {
    const payloads = fc.oneof(
      hostileJson.map((v) => JSON.stringify({ v }) ?? '{}'),
      fc.constantFrom('{"__proto__":{"exp":1,"polluted":true},"sub":"x"}', '{"constructor":{"prototype":{"polluted":true}}}', '{"kubernetes.io":{"__proto__":{"namespace":"x"}}}'),
      fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([d, k]) => `{"a":${deepJson(d, k)}}`),
    );
    withoutPollution(() =>
      fc.assert(
        fc.property(tokenWithPayload(payloads), (token) => {
          const shown = throughEverything(token, 5, 1_747_216_800_000);
          const d = decodeJwt(token);
          if (d.ok) assert.equal(Object.getPrototypeOf(d.payload), Object.prototype, 'the payload keeps its prototype');
          assert.ok(shown.length > 0);
        }),
        runs(150),
      ),
    );
  });

  it('every token found is where it is said to be, starts a segment with eyJ, and is found again at its position', () => {
    fc.assert(
      fc.property(fc.oneof(around(jwtLike), fc.array(fc.oneof(jwtLike, hostileText(30)), { maxLength: 6 }).map((p) => p.join(' '))), (text) => {
        const all = findAllJwts(text);
        let last = -1;
        for (const s of all) {
          assert.equal(text.slice(s.start, s.end), s.text);
          assert.ok(s.text.startsWith('eyJ') && s.text.split('.').length === 3, s.text);
          assert.ok(s.start > last, 'in order, not overlapping');
          last = s.end;
          assert.deepEqual(findJwtAt(text, s.start), s, 'findJwtAt agrees');
        }
        assert.deepEqual(findFirstJwt(text), all[0]);
      }),
      runs(500),
    );
  });

  it('a real token is found inside any text that does not glue to it', () => {
    fc.assert(
      fc.property(hostileText(60), fc.constantFrom(' ', '"', '\n', ':', '(', ','), hostileText(60), (before, sep, after) => {
        const text = `${before}${sep}${POD_TOKEN}${sep === '(' ? ')' : sep}${after}`;
        assert.ok(findAllJwts(text).some((s) => s.text === POD_TOKEN), JSON.stringify(text));
      }),
      runs(300),
    );
  });

  it('no bidi control reaches the hover, the summary, the explanation or the Decode document', () => {
    const bidiText = fc.tuple(hostileText(20), fc.constantFrom(...BIDI_CONTROLS), hostileText(20)).map(([a, b, c]) => a + b + c);
    const claims = fc.record({ sub: bidiText, iss: bidiText, aud: fc.array(bidiText, { maxLength: 2 }), other: bidiText, 'kubernetes.io': fc.record({ namespace: bidiText, pod: fc.record({ name: bidiText }) }) });
    fc.assert(
      fc.property(tokenWithPayload(claims.map((c) => JSON.stringify(c))), (t) => {
        for (const s of throughEverything(t, 3, 0)) assert.ok(!hasBidi(s), JSON.stringify(s.slice(0, 300)));
      }),
      runs(200),
    );
  });

  it('prettyJson writes what JSON.stringify(v, null, 2) writes, up to its depth limit', () => {
    const plain = fc.jsonValue({ maxDepth: 6 });
    fc.assert(
      fc.property(plain, (v) => {
        const expected = JSON.stringify(v, null, 2).replace(/[\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase()}`);
        assert.equal(prettyJson(v, 20, 'deeper'), expected);
      }),
      runs(300),
    );
  });

  it('grows linearly: finding tokens in repeated prefixes, decoding, explaining and rendering', function () {
    this.timeout(60_000);
    for (const p of REPEATED_PREFIXES) assertLinear(`findAllJwts(${JSON.stringify(p)} × n)`, (n) => p.repeat(n), (t) => findAllJwts(t), 2000);
    assertLinear('findFirstJwt(a dot-separated run)', (n) => 'a.'.repeat(n), (t) => findFirstJwt(t), 2000);
    assertLinear('findJwtAt in a line of dots', (n) => 'eyJ'.padEnd(n, '.a'), (t) => findJwtAt(t, t.length >> 1), 2000);
    const deep = (n: number): DecodedJwt => decodeJwt(tokenWithPayloadText(`{"a":${deepJson(n)}}`)) as DecodedJwt;
    assertLinear('Decode document of n nested arrays', deep, (d) => decodedText(d, explainJwt(d, { now: 0 })), 1500);
    assertLinear('decode + explain of an n-claim payload', (n) => tokenWithPayloadText(JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`c${i}`, i])))), (t) => explainJwt(decodeJwt(t, 1 << 30) as DecodedJwt, { now: 0 }), 300);
  });
});

function tokenWithPayloadText(payload: string): string {
  return `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(payload).toString('base64url')}.c2ln`;
}
