/**
 * When a kept token turns from valid to expiring, stale or expired, and how a set of tokens fits on
 * one time axis. (No kubelet refreshes a kept token: they are all minted by hand, so the dashboard
 * draws no kubelet refresh point.) Pure (no `vscode`): the extension host (status
 * bar, notifications) and the dashboard webview (live countdown) compute from the same code.
 *
 * The "deadline" of a token is the time the user should act by: `warnafter` for tokens the API
 * server extended (pod-bound, `--service-account-extend-token-expiration`: the JWT stays valid for
 * a year but use after `warnafter` is logged as stale), otherwise the JWT `exp`.
 */
import * as l10n from '@vscode/l10n';

/** The fields of a kept token the timeline needs (a subset of KeptToken and of DashboardToken). */
export interface TimedToken {
  id: string;
  /** JWT iat, ms. */
  issuedAt: number;
  /** JWT exp, ms. */
  expiresAt: number;
  /** status.expirationTimestamp, ms: the un-extended expiry. */
  statusExpiresAt: number;
  /** kubernetes.io.warnafter, ms. */
  warnAfter?: number;
  /** spec.expirationSeconds of the response (after any clamp). */
  grantedSeconds: number;
  revokedAt?: number;
}

export type TokenStatus = 'valid' | 'expiring' | 'stale' | 'expired' | 'revoked';

export interface ExpiryOptions {
  /** k8sTokens.expiry.notifyBeforeMinutes in ms; 0 disables the absolute threshold. */
  notifyBeforeMs: number;
}

/** The largest share of its lifetime a token is announced as expiring for (a kubelet refreshes its tokens at 80 %). */
export const EXPIRING_FRACTION = 0.2;
/** setTimeout fires at once for delays above 2^31-1 ms; callers re-plan at least this often. */
export const MAX_TIMER_MS = 3600 * 1000;

export function deadlineOf(t: TimedToken): number {
  return t.warnAfter !== undefined && t.warnAfter < t.expiresAt ? t.warnAfter : t.expiresAt;
}

/**
 * How long before its deadline a token is announced as expiring: k8sTokens.expiry.notifyBeforeMinutes,
 * but never more than 20 % of the token's lifetime, so a 10-minute token is not "expiring" (and not
 * announced) the moment it is minted. With notifications off, the last 20 % of the lifetime.
 */
export function warningWindowMs(t: TimedToken, notifyBeforeMs: number): number {
  const byFraction = EXPIRING_FRACTION * Math.max(0, deadlineOf(t) - t.issuedAt);
  return notifyBeforeMs > 0 ? Math.min(notifyBeforeMs, byFraction) : byFraction;
}

/** From when a token counts as expiring: the warning window before its deadline. */
export function expiringFrom(t: TimedToken, opts: ExpiryOptions): number {
  return deadlineOf(t) - warningWindowMs(t, opts.notifyBeforeMs);
}

export function tokenStatus(t: TimedToken, now: number, opts: ExpiryOptions): TokenStatus {
  if (t.revokedAt !== undefined) return 'revoked';
  if (now >= t.expiresAt) return 'expired';
  if (t.warnAfter !== undefined && now >= t.warnAfter) return 'stale';
  if (now >= expiringFrom(t, opts)) return 'expiring';
  return 'valid';
}

/** Whether a token nears its end (or passed it): then Re-mint is what the user should do next. */
export function nearsEnd(status: TokenStatus): boolean {
  return status === 'expiring' || status === 'stale' || status === 'expired';
}

/** The next instant after `now` at which tokenStatus changes, or undefined when it never will. */
export function nextStatusChange(t: TimedToken, now: number, opts: ExpiryOptions): number | undefined {
  if (t.revokedAt !== undefined) return undefined;
  const points = [expiringFrom(t, opts), t.warnAfter, t.expiresAt].filter((p): p is number => p !== undefined && p > now);
  return points.length ? Math.min(...points) : undefined;
}

/** Milliseconds left to the deadline (negative once passed). */
export function remainingMs(t: TimedToken, now: number): number {
  return deadlineOf(t) - now;
}

// ---- notifications ----

/** Identifies one notification: a re-mint moves the deadline and so earns a new one. */
export function notificationKey(t: TimedToken): string {
  return `${t.id}@${deadlineOf(t)}`;
}

export interface NotificationPlan<T extends TimedToken> {
  /** Tokens to notify about now: inside the window, before their deadline, not yet notified. */
  due: T[];
  /** When to look again (the next window opening), or undefined when nothing is pending. */
  nextCheckAt?: number;
}

/** Which tokens are inside their warning window now (see warningWindowMs), and when the next one will be. */
export function planNotifications<T extends TimedToken>(tokens: readonly T[], now: number, notifyBeforeMs: number, notified: ReadonlySet<string>): NotificationPlan<T> {
  if (notifyBeforeMs <= 0) return { due: [] };
  const due: T[] = [];
  let nextCheckAt: number | undefined;
  for (const t of tokens) {
    if (t.revokedAt !== undefined || notified.has(notificationKey(t))) continue;
    const deadline = deadlineOf(t);
    if (now >= deadline) continue;
    const opensAt = deadline - warningWindowMs(t, notifyBeforeMs);
    if (now >= opensAt) due.push(t);
    else nextCheckAt = Math.min(nextCheckAt ?? opensAt, opensAt);
  }
  return { due, nextCheckAt };
}

// ---- status bar ----

export interface NearestExpiry<T extends TimedToken> {
  token: T;
  status: TokenStatus;
  remainingMs: number;
  /** Non-revoked tokens whose deadline has not passed. */
  liveCount: number;
  /** Non-revoked tokens already expired. */
  expiredCount: number;
}

/**
 * The non-revoked token whose deadline comes first: the one still ahead, or when every one has
 * passed, the most recently expired. Undefined when there is no non-revoked token.
 */
export function nearestExpiry<T extends TimedToken>(tokens: readonly T[], now: number, opts: ExpiryOptions): NearestExpiry<T> | undefined {
  const active = tokens.filter((t) => t.revokedAt === undefined);
  if (active.length === 0) return undefined;
  const expired = active.filter((t) => now >= t.expiresAt);
  const live = active.filter((t) => now < t.expiresAt);
  const byDeadline = (a: T, b: T): number => deadlineOf(a) - deadlineOf(b);
  const token = live.length ? [...live].sort(byDeadline)[0] : [...expired].sort(byDeadline)[expired.length - 1];
  return { token, status: tokenStatus(token, now, opts), remainingMs: remainingMs(token, now), liveCount: live.length, expiredCount: expired.length };
}

// ---- the shared time axis ----

export interface Axis {
  start: number;
  end: number;
  ticks: number[];
  /** Step between ticks, ms. */
  stepMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TICK_STEPS = [MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 182 * DAY, 365 * DAY];
const MAX_TICKS = 8;

/**
 * One axis for every bar: from the earliest issue to the latest deadline (extended tokens are cut at
 * `warnafter`, or a year-long JWT would squeeze every other bar to a sliver), always including now,
 * padded by 3 % on each side, with at most 8 ticks on a round step.
 */
export function timelineAxis(tokens: readonly TimedToken[], now: number): Axis {
  let start = now;
  let end = now;
  for (const t of tokens) {
    start = Math.min(start, t.issuedAt);
    end = Math.max(end, deadlineOf(t));
  }
  if (end - start < 10 * MINUTE) end = start + 10 * MINUTE;
  const pad = (end - start) * 0.03;
  start -= pad;
  end += pad;
  const span = end - start;
  const stepMs = TICK_STEPS.find((s) => span / s <= MAX_TICKS) ?? Math.ceil(span / MAX_TICKS / DAY) * DAY;
  const ticks: number[] = [];
  for (let tick = Math.ceil(start / stepMs) * stepMs; tick <= end; tick += stepMs) ticks.push(tick);
  return { start, end, ticks, stepMs };
}

/** Position of `time` on the axis in percent, clamped to 0–100. */
export function axisPercent(axis: Axis, time: number): number {
  const p = ((time - axis.start) / (axis.end - axis.start)) * 100;
  return Math.min(100, Math.max(0, p));
}

export interface BarLayout {
  /** Left edge and width of the bar (issue → deadline), percent. */
  left: number;
  width: number;
  /** True when the JWT stays valid beyond the bar's end (an extended token). */
  continues: boolean;
  warnAfter?: number;
}

/** Where a token's bar and marks sit on the axis. Bars never shrink below 0.5 % so each stays visible. */
export function barLayout(axis: Axis, t: TimedToken): BarLayout {
  const left = axisPercent(axis, t.issuedAt);
  const right = axisPercent(axis, deadlineOf(t));
  return {
    left,
    width: Math.max(0.5, right - left),
    continues: deadlineOf(t) < t.expiresAt,
    warnAfter: t.warnAfter !== undefined ? axisPercent(axis, t.warnAfter) : undefined,
  };
}

// ---- durations as people read them ----

/** A countdown with seconds, for the dashboard: `1d 3h`, `2h 05m 09s`, `41m 59s`, `9s`. */
export function formatCountdown(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (d > 0) return l10n.t('{0}d {1}h', d, h);
  if (h > 0) return l10n.t('{0}h {1}m {2}s', h, pad(m), pad(sec));
  if (m > 0) return l10n.t('{0}m {1}s', m, pad(sec));
  return l10n.t('{0}s', sec);
}

/** A compact duration for the status bar: `3d`, `5h 12m`, `42m`, `30s`. */
export function formatShort(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  if (s >= 86400) return l10n.t('{0}d', Math.floor(s / 86400));
  if (s >= 3600) return l10n.t('{0}h {1}m', Math.floor(s / 3600), Math.floor((s % 3600) / 60));
  if (s >= 60) return l10n.t('{0}m', Math.floor(s / 60));
  return l10n.t('{0}s', s);
}
