/**
 * Time formatting for token claims: NumericDate seconds → UTC and local text, and human relative
 * durations ("3 h 12 min"). Pure; `now` is always passed in, so tests use a fixed clock.
 */
import * as l10n from '@vscode/l10n';

/** Largest |ms| a JavaScript Date can hold (±100,000,000 days around 1970). */
const MAX_DATE_MS = 8.64e15;

/** A NumericDate claim (seconds since the epoch) as a Date, or undefined if it is not a usable number. */
export function dateFromSeconds(value: unknown): Date | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const ms = value * 1000;
  if (Math.abs(ms) > MAX_DATE_MS) return undefined;
  return new Date(ms);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `2025-05-14 09:30:00 UTC` */
export function formatUtc(date: Date): string {
  const y = date.getUTCFullYear();
  const year = y >= 0 && y <= 9999 ? pad(y, 4) : String(y);
  return `${year}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC`;
}

/**
 * The one date style of the extension (hover, notifications, dashboard, mint result, tree): the
 * VS Code display language's own order and words, e.g. `Dec 2, 2026, 2:05 PM` (en),
 * `2 Dec 2026, 14:05` (en-GB), `2026年12月2日 14:05` (zh-CN). `seconds` adds the seconds,
 * `zoneName` the time zone (`CEST`), `timeZone` picks the zone (default the machine's).
 * Falls back to the UTC text if Intl cannot format it (an unknown zone or locale).
 */
export function formatDateTime(date: Date | number, locale?: string, opts: { seconds?: boolean; zoneName?: boolean; timeZone?: string } = {}): string {
  const d = typeof date === 'number' ? new Date(date) : date;
  try {
    return formatter(locale, { ...DATE, ...TIME, ...(opts.seconds ? { second: '2-digit' } : {}), ...(opts.zoneName ? { timeZoneName: 'short' } : {}), timeZone: opts.timeZone }).format(d);
  } catch {
    return formatUtc(d);
  }
}

/**
 * The same style, shortened for tables and sentences about soon-ending tokens: the time alone on
 * the day of `now`, without the year in the same year, without the time in another year
 * (`2:05 PM`, `Dec 3, 2:05 PM`, `Dec 3, 2027`; zh-CN `14:05`, `12月3日 14:05`, `2027年12月3日`).
 */
export function formatDateCompact(date: Date | number, now: number, locale?: string, timeZone?: string): string {
  const d = typeof date === 'number' ? new Date(date) : date;
  try {
    const day = formatter(locale, { ...DATE, timeZone });
    const n = new Date(now);
    if (day.format(d) === day.format(n)) return formatter(locale, { ...TIME, timeZone }).format(d);
    const year = formatter(locale, { year: 'numeric', timeZone });
    if (year.format(d) === year.format(n)) return formatter(locale, { month: 'short', day: 'numeric', ...TIME, timeZone }).format(d);
    return day.format(d);
  } catch {
    return formatUtc(d);
  }
}

/** The same instant in the given (or the machine's) time zone, in the one date style with seconds and zone: `14 May 2025, 12:00:00 CEST`. */
export function formatLocal(date: Date, timeZone?: string, locale?: string): string {
  return formatDateTime(date, locale, { seconds: true, zoneName: true, timeZone });
}

const DATE: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric' };
const TIME: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };

// Building an Intl.DateTimeFormat costs ~0.2 ms, more than a whole explanation otherwise; keep a few.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    if (formatters.size > 32) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;
const YEAR = 365 * DAY;

function unit(n: number, which: 'y' | 'd' | 'h' | 'min' | 's'): string {
  switch (which) {
    case 'y':
      return l10n.t('{0} y', n);
    case 'd':
      return l10n.t('{0} d', n);
    case 'h':
      return l10n.t('{0} h', n);
    case 'min':
      return l10n.t('{0} min', n);
    case 's':
      return l10n.t('{0} s', n);
  }
}

/**
 * A length of time in at most two units, rounded down: `45 s`, `3 min 5 s`, `3 h 12 min`,
 * `2 d 3 h`, `1 y 10 d`. Negative values are measured by their size.
 */
export function humanDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return l10n.t('forever');
  let rest = Math.floor(Math.abs(seconds));
  const parts: string[] = [];
  for (const [size, name] of [
    [YEAR, 'y'],
    [DAY, 'd'],
    [HOUR, 'h'],
    [MINUTE, 'min'],
    [1, 's'],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0 || (parts.length > 0 && parts.length < 2)) {
      if (n > 0) parts.push(unit(n, name));
      else parts.push(''); // keeps "2 h" from becoming "2 h 5 s": only adjacent units are shown
    }
    rest -= n * size;
    if (parts.length === 2) break;
  }
  const shown = parts.filter((p) => p.length > 0);
  return shown.length > 0 ? shown.join(' ') : unit(0, 's');
}

/** `in 3 h 12 min` or `2 d 3 h ago`, relative to `nowMs`. */
export function relativeTime(date: Date, nowMs: number): string {
  const diff = (date.getTime() - nowMs) / 1000;
  return diff >= 0 ? l10n.t('in {0}', humanDuration(diff)) : l10n.t('{0} ago', humanDuration(diff));
}
