import * as assert from 'node:assert/strict';
import {
  axisPercent,
  barLayout,
  deadlineOf,
  formatCountdown,
  formatShort,
  nearestExpiry,
  nextStatusChange,
  notificationKey,
  planNotifications,
  timelineAxis,
  tokenStatus,
  warningWindowMs,
  type TimedToken,
} from '../../src/expiry/timeline';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 2, 14, 12, 0, 0);

/** A token issued at T0 + issuedOffset, valid for `seconds`. */
function token(id: string, seconds: number, extra: Partial<TimedToken> = {}, issuedOffset = 0): TimedToken {
  const issuedAt = T0 + issuedOffset;
  return { id, issuedAt, expiresAt: issuedAt + seconds * 1000, statusExpiresAt: issuedAt + seconds * 1000, grantedSeconds: seconds, ...extra };
}

const tenMinutes = { notifyBeforeMs: 10 * MIN };

describe('expiry timeline: status', () => {
  const oneHour = token('a', 3600);

  it('is valid until notifyBefore ahead of the deadline, then expiring, then expired', () => {
    assert.equal(tokenStatus(oneHour, T0 + 5 * MIN, tenMinutes), 'valid');
    assert.equal(tokenStatus(oneHour, T0 + 49 * MIN, tenMinutes), 'valid');
    assert.equal(tokenStatus(oneHour, T0 + 50 * MIN, tenMinutes), 'expiring');
    assert.equal(tokenStatus(oneHour, T0 + 59 * MIN, tenMinutes), 'expiring');
    assert.equal(tokenStatus(oneHour, T0 + 60 * MIN, tenMinutes), 'expired');
  });

  // Issue 12, bug 7: notifyBefore 10 min on a 10-minute token made it "expiring" (and announced) at once.
  it('fits the window to the lifetime: never expiring at the moment of minting', () => {
    const tenMinuteToken = token('t', 600);
    assert.equal(warningWindowMs(tenMinuteToken, 10 * MIN), 2 * MIN, '20 % of 10 minutes');
    assert.equal(tokenStatus(tenMinuteToken, T0, tenMinutes), 'valid');
    assert.equal(tokenStatus(tenMinuteToken, T0 + 7.9 * MIN, tenMinutes), 'valid');
    assert.equal(tokenStatus(tenMinuteToken, T0 + 8 * MIN, tenMinutes), 'expiring');
    assert.deepEqual(planNotifications([tenMinuteToken], T0, 10 * MIN, new Set()), { due: [], nextCheckAt: T0 + 8 * MIN });
    assert.deepEqual(planNotifications([tenMinuteToken], T0 + 8 * MIN, 10 * MIN, new Set()).due, [tenMinuteToken]);
    // A huge setting is capped the same way.
    const day = token('d', 86400);
    assert.equal(warningWindowMs(day, 30 * DAY), 0.2 * DAY);
    assert.equal(tokenStatus(day, T0 + 19.1 * HOUR, { notifyBeforeMs: 6 * HOUR }), 'valid');
    assert.equal(tokenStatus(day, T0 + 19.2 * HOUR, { notifyBeforeMs: 6 * HOUR }), 'expiring');
  });

  it('uses notifyBefore when it is shorter than 20 % of the lifetime', () => {
    const day = token('d', 86400);
    assert.equal(tokenStatus(day, T0 + 23.8 * HOUR, tenMinutes), 'valid');
    assert.equal(tokenStatus(day, T0 + 23.9 * HOUR, tenMinutes), 'expiring');
  });

  it('uses the last 20 % when notifyBefore is 0 (notifications off)', () => {
    assert.equal(tokenStatus(oneHour, T0 + 47 * MIN, { notifyBeforeMs: 0 }), 'valid');
    assert.equal(tokenStatus(oneHour, T0 + 49 * MIN, { notifyBeforeMs: 0 }), 'expiring');
  });

  it('marks an extended token stale past warnafter, and expired only at exp', () => {
    const warnAfter = T0 + 3607_000;
    const extended = token('x', 365 * 86400, { warnAfter, statusExpiresAt: warnAfter, grantedSeconds: 3607 });
    assert.equal(deadlineOf(extended), warnAfter);
    assert.equal(tokenStatus(extended, T0 + 30 * MIN, tenMinutes), 'valid');
    assert.equal(tokenStatus(extended, warnAfter - 5 * MIN, tenMinutes), 'expiring');
    assert.equal(tokenStatus(extended, warnAfter, tenMinutes), 'stale');
    assert.equal(tokenStatus(extended, T0 + 100 * DAY, tenMinutes), 'stale');
    assert.equal(tokenStatus(extended, extended.expiresAt, tenMinutes), 'expired');
  });

  it('says revoked whatever the time', () => {
    const revoked = { ...oneHour, revokedAt: T0 + MIN };
    assert.equal(tokenStatus(revoked, T0 + 2 * MIN, tenMinutes), 'revoked');
    assert.equal(tokenStatus(revoked, T0 + 2 * HOUR, tenMinutes), 'revoked');
    assert.equal(nextStatusChange(revoked, T0, tenMinutes), undefined);
  });

  it('knows when the status changes next', () => {
    assert.equal(nextStatusChange(oneHour, T0, tenMinutes), T0 + 50 * MIN);
    assert.equal(nextStatusChange(oneHour, T0 + 50 * MIN, tenMinutes), T0 + HOUR);
    assert.equal(nextStatusChange(oneHour, T0 + 2 * HOUR, tenMinutes), undefined);
  });
});

describe('expiry timeline: notifications', () => {
  const a = token('a', 3600);
  const b = token('b', 7200);

  it('is due once inside the window, and plans the next window', () => {
    const plan = planNotifications([a, b], T0 + 51 * MIN, 10 * MIN, new Set());
    assert.deepEqual(
      plan.due.map((t) => t.id),
      ['a'],
    );
    assert.equal(plan.nextCheckAt, T0 + 110 * MIN);
    const again = planNotifications([a, b], T0 + 52 * MIN, 10 * MIN, new Set([notificationKey(a)]));
    assert.deepEqual(again.due, []);
  });

  it('skips revoked and expired tokens, and does nothing when turned off', () => {
    assert.deepEqual(planNotifications([{ ...a, revokedAt: T0 }], T0 + 55 * MIN, 10 * MIN, new Set()).due, []);
    assert.deepEqual(planNotifications([a], T0 + 61 * MIN, 10 * MIN, new Set()), { due: [], nextCheckAt: undefined });
    assert.deepEqual(planNotifications([a], T0 + 55 * MIN, 0, new Set()), { due: [] });
  });

  it('notifies again after a re-mint moved the deadline', () => {
    const reminted = { ...a, issuedAt: T0 + 55 * MIN, expiresAt: T0 + 115 * MIN, statusExpiresAt: T0 + 115 * MIN };
    assert.notEqual(notificationKey(reminted), notificationKey(a));
    const plan = planNotifications([reminted], T0 + 106 * MIN, 10 * MIN, new Set([notificationKey(a)]));
    assert.deepEqual(
      plan.due.map((t) => t.id),
      ['a'],
    );
  });
});

describe('expiry timeline: nearest expiry (status bar)', () => {
  it('picks the live token with the nearest deadline and counts the rest', () => {
    const tokens = [token('late', 7200), token('soon', 3600), token('gone', 600, {}, -HOUR), { ...token('rev', 1200), revokedAt: T0 }];
    const n = nearestExpiry(tokens, T0 + 10 * MIN, tenMinutes);
    assert.equal(n?.token.id, 'soon');
    assert.equal(n?.remainingMs, 50 * MIN);
    assert.equal(n?.status, 'valid');
    assert.equal(n?.liveCount, 2);
    assert.equal(n?.expiredCount, 1);
  });

  it('falls back to the most recently expired token, and is undefined with only revoked ones', () => {
    const n = nearestExpiry([token('old', 600, {}, -2 * HOUR), token('recent', 600, {}, -HOUR)], T0, tenMinutes);
    assert.equal(n?.token.id, 'recent');
    assert.equal(n?.status, 'expired');
    assert.equal(nearestExpiry([{ ...token('r', 600), revokedAt: T0 }], T0, tenMinutes), undefined);
    assert.equal(nearestExpiry([], T0, tenMinutes), undefined);
  });
});

describe('expiry timeline: shared axis', () => {
  it('spans every token and now, padded, with at most 8 round ticks', () => {
    const tokens = [token('a', 3600), token('b', 2 * 3600, {}, -30 * MIN)];
    const now = T0 + 10 * MIN;
    const axis = timelineAxis(tokens, now);
    assert.ok(axis.start < T0 - 30 * MIN && axis.end > T0 + 90 * MIN);
    assert.ok(axis.ticks.length >= 2 && axis.ticks.length <= 8, `ticks: ${axis.ticks.length}`);
    assert.equal(axis.stepMs, 30 * MIN);
    for (const t of axis.ticks) assert.equal(t % axis.stepMs, 0);
    assert.ok(axisPercent(axis, now) > 0 && axisPercent(axis, now) < 100);
  });

  it('scales to many tokens of very different lifetimes', () => {
    const tokens: TimedToken[] = [];
    for (let i = 0; i < 200; i++) tokens.push(token(`t${i}`, 600 + ((i * 7919) % 30) * 86400, {}, -((i * 104729) % 10) * DAY));
    const now = T0;
    const axis = timelineAxis(tokens, now);
    assert.ok(axis.ticks.length <= 8 && axis.ticks.length >= 2, `ticks: ${axis.ticks.length}`);
    assert.deepEqual(
      axis.ticks,
      [...axis.ticks].sort((x, y) => x - y),
    );
    for (const t of tokens) {
      const bar = barLayout(axis, t);
      assert.ok(bar.left >= 0 && bar.left + bar.width <= 100.5, `${t.id}: ${bar.left} + ${bar.width}`);
      assert.ok(bar.width >= 0.5, 'every bar stays visible');
    }
    // Bars are proportional: a token living twice as long gets a bar twice as wide.
    const short = barLayout(axis, token('s', 10 * 86400));
    const long = barLayout(axis, token('l', 20 * 86400));
    assert.ok(Math.abs(long.width - 2 * short.width) < 1e-9);
  });

  it('cuts an extended token at warnafter so a one-year JWT does not squeeze the others', () => {
    const warnAfter = T0 + 3607_000;
    const extended = token('x', 365 * 86400, { warnAfter, statusExpiresAt: warnAfter, grantedSeconds: 3607 });
    const axis = timelineAxis([extended, token('a', 3600)], T0);
    assert.ok(axis.end - axis.start < 2 * HOUR);
    const bar = barLayout(axis, extended);
    assert.equal(bar.continues, true);
    assert.ok(bar.warnAfter !== undefined && Math.abs(bar.warnAfter - (bar.left + bar.width)) < 1e-9);
  });

  it('keeps a minimum span when all tokens are tiny or absent', () => {
    const axis = timelineAxis([], T0);
    assert.ok(axis.end - axis.start >= 10 * MIN);
    assert.equal(axisPercent(axis, T0 - DAY), 0);
    assert.equal(axisPercent(axis, T0 + DAY), 100);
  });
});

describe('expiry timeline: durations', () => {
  it('formats countdowns with seconds', () => {
    assert.equal(formatCountdown(9_400), '9s');
    assert.equal(formatCountdown(41 * MIN + 59_000), '41m 59s');
    assert.equal(formatCountdown(2 * HOUR + 5 * MIN + 9_000), '2h 05m 09s');
    assert.equal(formatCountdown(DAY + 3 * HOUR + 7 * MIN), '1d 3h');
    assert.equal(formatCountdown(-65_000), '1m 05s');
  });

  it('formats the compact status bar form', () => {
    assert.equal(formatShort(30_000), '30s');
    assert.equal(formatShort(42 * MIN + 30_000), '42m');
    assert.equal(formatShort(5 * HOUR + 12 * MIN), '5h 12m');
    assert.equal(formatShort(3 * DAY + HOUR), '3d');
  });
});
