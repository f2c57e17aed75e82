import * as assert from 'node:assert/strict';
import { checkExpirationSeconds, formatDuration, parseDuration } from '../../src/tokens/duration';

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
    for (const bad of ['', 'abc', '1w', 'h', '1.5h', '-1h', '2m1h']) {
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
});
