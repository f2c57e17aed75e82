/**
 * Malformed JWTs in the hover (issue 12, bug 6): text that is meant to be a JWT gets a hover saying
 * what is wrong; ordinary text gets none. Property tests with adversarial input for the finder.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { describeAttempt, findJwtAttemptAt } from '../../src/jwt/attempt';
import { tokenHoverAt } from '../../src/hover/hoverText';
import { POD_TOKEN } from './jwt-vectors';

const OPTS = { maxLineLength: 20000, now: Date.now(), decodeCommand: 'k8sTokens.decodeToken', checkCommand: 'k8sTokens.checkToken' };
const [header, payload, signature] = POD_TOKEN.split('.');
const RUN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
const isRunChar = (c: string | undefined): boolean => c !== undefined && RUN_CHARS.includes(c);

describe('JWT attempts in the hover', () => {
  it('explains a truncated token, a damaged payload and a token with extra parts', () => {
    const truncated = `token: ${header}.${payload.slice(0, 40)}`;
    const h1 = tokenHoverAt(truncated, 12, OPTS);
    assert.ok(h1, 'a hover for a truncated token');
    assert.match(h1.markdown, /Malformed JWT/);
    assert.match(h1.markdown, /only 2 of its three parts/);
    assert.equal(truncated.slice(h1.start, h1.end), `${header}.${payload.slice(0, 40)}`);

    // A payload cut short inside (its JSON no longer closes), and one that is base64 of plain text.
    const damaged = `a: ${header}.${payload.slice(0, 25)}${payload.slice(40)}.${signature}`;
    for (const line of [damaged, `a: ${header}.bm90LWpzb24.${signature}`]) {
      const h = tokenHoverAt(line, 5, OPTS);
      assert.ok(h, line);
      assert.match(h.markdown, /Malformed JWT/);
      assert.match(h.markdown, /payload/);
    }

    const five = `${header}.${payload}.${signature}.x.y`;
    assert.match(describeAttempt(five), /encrypted JWT/);
    const four = `${header}.${payload}.${signature}.x`;
    assert.match(describeAttempt(four), /4 parts/);
  });

  it('links only to Decode, with the text as the argument', () => {
    const line = `${header}.${payload.slice(0, 40)}`;
    const h = tokenHoverAt(line, 3, OPTS);
    assert.ok(h);
    const links = [...h.markdown.matchAll(/\]\((command:[^?]+)\?([^)]*)\)/g)];
    assert.deepEqual(links.map((m) => m[1]), ['command:k8sTokens.decodeToken']);
    assert.deepEqual(JSON.parse(decodeURIComponent(links[0][2])), [line]);
  });

  it('gives ordinary text, paths, versions and lone base64 JSON no hover', () => {
    for (const line of ['name: ci-token', 'image: registry.k8s.io/kubectl:v1.34.1', 'version 1.2.3.4', `blob: ${header}`, 'eyJ.short.x', 'see eyJhbGciOi', 'x.eyJhbGciOiJSUzI1NiJ9.y']) {
      for (let i = 0; i <= line.length; i++) assert.equal(tokenHoverAt(line, i, OPTS), undefined, `${line} @${i}`);
    }
  });

  it('still explains a whole token rather than calling it malformed', () => {
    const h = tokenHoverAt(`Bearer ${POD_TOKEN}`, 10, OPTS);
    assert.ok(h);
    assert.doesNotMatch(h.markdown, /Malformed/);
    assert.match(h.markdown, /ServiceAccount token/);
  });

  it('finds only maximal runs that start with eyJ, contain the cursor and a dot (property)', () => {
    const lineArb = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc.array(fc.constantFrom(...'eyJ.ab-_ =:/\n\u202e'.split(''), header, payload, signature, '.'), { maxLength: 12 }).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(lineArb, fc.nat(), fc.integer({ min: 1, max: 200 }), (line, rawAt, max) => {
        const at = line.length === 0 ? 0 : rawAt % (line.length + 1);
        const span = findJwtAttemptAt(line, at, max);
        if (!span) return;
        assert.ok(line.length <= max);
        assert.equal(span.text, line.slice(span.start, span.end));
        assert.ok(span.text.startsWith('eyJ') && span.text.includes('.'));
        assert.ok(span.text.indexOf('.') >= 10);
        assert.ok([...span.text].every(isRunChar));
        assert.ok(!isRunChar(line[span.start - 1]) && !isRunChar(line[span.end]), 'maximal');
        assert.ok(span.start <= at && at <= span.end, 'contains the cursor');
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on hostile input, and describes every attempt (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: -5, max: 400 }), (line, at) => {
        const h = tokenHoverAt(line, at, OPTS);
        if (h) assert.ok(h.markdown.length > 0);
        const text = `eyJ${line}`;
        assert.equal(typeof describeAttempt(text), 'string');
      }),
      { numRuns: 2000 },
    );
  });
});
