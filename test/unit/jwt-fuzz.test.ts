/**
 * Fuzz: 100,000 random and mutated strings through find → decode → explain → summary. The only
 * assertion is "never throws" (and a 60 s ceiling for the whole run that cannot flake); the time
 * per call is printed, since performance is measured, not asserted.
 */
import * as assert from 'node:assert/strict';
import { decodeJwt } from '../../src/jwt/decode';
import { describeDecodeError, explainJwt, oneLineSummary } from '../../src/jwt/explain';
import { findAllJwts, findJwtAt } from '../../src/jwt/find';
import { LEGACY_TOKEN, makeToken, PLAIN_TOKEN, POD_TOKEN } from './jwt-vectors';

/** Deterministic PRNG (mulberry32), so a failure can be replayed from the printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ "\'{}[]:,\\\n\t';
const seg = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
/** Payloads that are valid JSON but odd: wrong types, huge numbers, deep nesting, many keys. */
const ODD_TOKENS = [
  makeToken({ exp: 1e308, iat: -1e308, nbf: Number.MAX_SAFE_INTEGER, aud: [1, null], sub: 42, 'kubernetes.io': [] }),
  makeToken({ 'kubernetes.io': { namespace: {}, pod: 'x', node: { name: 7 }, warnafter: 'later', serviceaccount: null }, iss: 'kubernetes/serviceaccount' }),
  makeToken({ sub: 'system:serviceaccount::', 'kubernetes.io/serviceaccount/secret.name': ['a'] }, { alg: null, kid: 5 }),
  `${seg({ alg: 'none' })}.${Buffer.from(`{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`).toString('base64url')}.`,
  `${seg({ alg: 'RS256' })}.${Buffer.from(`{"exp":1e400,"iat":-0,"nbf":1e-400}`).toString('base64url')}.x`,
];
const SEEDS = [LEGACY_TOKEN, PLAIN_TOKEN, POD_TOKEN, ...ODD_TOKENS];

function randomUnicode(rnd: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    const r = rnd();
    if (r < 0.6) s += ALPHABET[Math.floor(rnd() * ALPHABET.length)];
    else if (r < 0.9) s += String.fromCodePoint(Math.floor(rnd() * 0x3000));
    else if (r < 0.97) s += String.fromCodePoint(0x1f300 + Math.floor(rnd() * 0x300)); // astral
    else s += String.fromCharCode(0xd800 + Math.floor(rnd() * 0x800)); // lone surrogate
  }
  return s;
}

function mutate(rnd: () => number, base: string): string {
  let s = base;
  const edits = 1 + Math.floor(rnd() * 8);
  for (let e = 0; e < edits; e++) {
    const i = Math.floor(rnd() * (s.length + 1));
    const what = rnd();
    if (what < 0.3) s = s.slice(0, i) + randomUnicode(rnd, 1 + Math.floor(rnd() * 3)) + s.slice(i + 1); // flip
    else if (what < 0.55) s = s.slice(0, i) + randomUnicode(rnd, 1 + Math.floor(rnd() * 20)) + s.slice(i); // insert
    else if (what < 0.8) s = s.slice(0, i) + s.slice(i + 1 + Math.floor(rnd() * 10)); // delete
    else if (what < 0.9) s = s.slice(0, i) + '.' + s.slice(i); // extra dot
    else s = s.slice(0, i) + s.slice(i, i + Math.floor(rnd() * 200)).repeat(2 + Math.floor(rnd() * 3)) + s.slice(i); // duplicate a run
  }
  return s;
}

function generate(rnd: () => number, n: number): string {
  const r = rnd();
  if (r < 0.5) return mutate(rnd, SEEDS[n % SEEDS.length]);
  if (r < 0.7) return randomUnicode(rnd, Math.floor(rnd() * 4096));
  if (r < 0.85) {
    // A token embedded in text, mutated around it.
    const token = SEEDS[Math.floor(rnd() * SEEDS.length)];
    return mutate(rnd, `${randomUnicode(rnd, Math.floor(rnd() * 50))} token: ${token} ${randomUnicode(rnd, Math.floor(rnd() * 50))}`);
  }
  // Three random base64url segments, with a real header half the time.
  const part = (): string => Array.from({ length: Math.floor(rnd() * 300) }, () => ALPHABET[Math.floor(rnd() * 64)]).join('');
  return `${rnd() < 0.5 ? 'eyJhbGciOiJSUzI1NiJ9' : `eyJ${part()}`}.${rnd() < 0.3 ? 'eyJ' : ''}${part()}.${part()}`;
}

describe('JWT fuzz', () => {
  it('never throws on 100,000 random and mutated inputs through find, decode and explain', function () {
    this.timeout(120_000);
    const seed = Number(process.env.JWT_FUZZ_SEED ?? 20250514);
    const rnd = prng(seed);
    const started = process.hrtime.bigint();
    let decoded = 0;
    let maxLength = 0;
    let slowest = 0;
    for (let n = 0; n < 100_000; n++) {
      const input = generate(rnd, n);
      maxLength = Math.max(maxLength, input.length);
      const t0 = process.hrtime.bigint();
      try {
        const now = Math.floor(rnd() * 4e12);
        const spans = [findJwtAt(input, Math.floor(rnd() * (input.length + 2)) - 1, 20_000), ...findAllJwts(input, 20_000).slice(0, 2)];
        for (const candidate of [input, ...spans.map((s) => s?.text ?? '')]) {
          const d = decodeJwt(candidate);
          if (!d.ok) {
            describeDecodeError(d);
            continue;
          }
          decoded++;
          const x = explainJwt(d, { now, timeZone: 'UTC' });
          oneLineSummary(x, now);
        }
      } catch (e) {
        assert.fail(`threw on input #${n} (seed ${seed}) ${JSON.stringify(input.slice(0, 300))}: ${e instanceof Error ? e.stack : String(e)}`);
      }
      slowest = Math.max(slowest, Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`      fuzz: 100,000 inputs (seed ${seed}, longest ${maxLength} chars, ${decoded} decoded) in ${(totalMs / 1000).toFixed(2)} s; slowest input ${slowest.toFixed(2)} ms`);
    assert.ok(totalMs < 60_000, `the whole fuzz run took ${totalMs} ms`);
  });
});
