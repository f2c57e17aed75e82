import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { checkExpirationSeconds, formatDuration, parseDuration, readDuration, usableDefaultDuration } from '../../src/tokens/duration';

/** The JSON-schema pattern VS Code's Settings editor checks k8sTokens.mint.defaultDuration with. */
function settingPattern(): RegExp {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { pattern?: string }> } };
  };
  const pattern = pkg.contributes.configuration.properties['k8sTokens.mint.defaultDuration'].pattern;
  assert.ok(pattern, 'the setting has a pattern');
  return new RegExp(pattern, 'u');
}

describe('token durations', () => {
  it('parses units and combinations', () => {
    assert.deepEqual(parseDuration('90m'), { ok: true, seconds: 5400 });
    assert.deepEqual(parseDuration('2h30m'), { ok: true, seconds: 9000 });
    assert.deepEqual(parseDuration('3600s'), { ok: true, seconds: 3600 });
    assert.deepEqual(parseDuration('1d'), { ok: true, seconds: 86400 });
    assert.deepEqual(parseDuration(' 7D '), { ok: true, seconds: 604800 });
    assert.deepEqual(parseDuration('1d2h3m4s'), { ok: true, seconds: 93784 });
    assert.deepEqual(parseDuration('4000'), { ok: true, seconds: 4000 });
  });

  it('rejects text that is not a duration', () => {
    for (const bad of ['', 'abc', '1w', 'h', '1.5h', '-1h', '2m1h', '1 0m', '1hh']) {
      const r = parseDuration(bad);
      assert.equal(r.ok, false, bad);
    }
  });

  it('refuses less than 10 minutes with the API server wording, and accepts exactly 600 s', () => {
    const r = parseDuration('9m59s');
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, /may not specify a duration less than 10 minutes/);
    assert.deepEqual(parseDuration('10m'), { ok: true, seconds: 600 });
  });

  it('refuses more than 2^32 seconds and accepts exactly 2^32', () => {
    assert.equal(checkExpirationSeconds(2 ** 32), undefined);
    assert.match(checkExpirationSeconds(2 ** 32 + 1) ?? '', /may not specify a duration larger than 2\^32 seconds/);
    assert.equal(parseDuration('49711d').ok, false);
  });

  it('formats seconds in the shortest exact form', () => {
    assert.equal(formatDuration(9000), '2h30m');
    assert.equal(formatDuration(604800), '7d');
    assert.equal(formatDuration(3607), '1h7s');
    assert.equal(formatDuration(31536000), '365d');
    assert.equal(formatDuration(0), '0s');
  });

  it('accepts spaces between the parts, not inside a number', () => {
    assert.deepEqual(parseDuration('2h 30m'), { ok: true, seconds: 9000 });
    assert.deepEqual(parseDuration(' 1 h '), { ok: true, seconds: 3600 });
    assert.equal(readDuration('1 0m'), undefined);
  });

  it('falls back to 1h for an unusable default-duration setting', () => {
    assert.equal(usableDefaultDuration('2h30m'), '2h30m');
    assert.equal(usableDefaultDuration('5m'), '1h', 'too short for the API server');
    assert.equal(usableDefaultDuration('soon'), '1h');
  });

  // The Settings editor and the parser must agree: a value the editor accepts is one mint can read.
  it('agrees with the setting pattern on every text (property)', () => {
    const pattern = settingPattern();
    const noise = fc.stringMatching(/^[0-9dhmsDHMS \t.w-]{0,12}$/);
    // Near-valid texts: number+unit parts in any order, with or without spaces, sometimes a unit twice.
    const space = fc.constantFrom('', ' ', '  ', '\t');
    const part = fc.tuple(fc.nat({ max: 99 }), space, fc.constantFrom('d', 'h', 'm', 's', 'D', 'H', 'M', 'S', ''), space).map(([n, a, u, b]) => `${n}${a}${u}${b}`);
    const nearValid = fc.tuple(space, fc.array(part, { minLength: 0, maxLength: 5 })).map(([lead, parts]) => lead + parts.join(''));
    fc.assert(
      fc.property(fc.oneof(noise, nearValid), (t) => {
        assert.equal(pattern.test(t), readDuration(t) !== undefined, JSON.stringify(t));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads what formatDuration writes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 32 }), (seconds) => {
        assert.equal(readDuration(formatDuration(seconds)), seconds);
        assert.equal(parseDuration(formatDuration(seconds)).ok, checkExpirationSeconds(seconds) === undefined);
      }),
    );
  });
});
