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
 * The same instant in the given (or the machine's) time zone and locale, e.g.
 * `14/05/2025, 11:30:00 CEST`. Falls back to the UTC text if Intl cannot format it.
 */
export function formatLocal(date: Date, timeZone?: string, locale?: string): string {
  try {
    return localFormatter(timeZone, locale).format(date);
  } catch {
    return formatUtc(date);
  }
}

// Building an Intl.DateTimeFormat costs ~0.2 ms, more than a whole explanation otherwise; keep a few.
const formatters = new Map<string, Intl.DateTimeFormat>();
function localFormatter(timeZone: string | undefined, locale: string | undefined): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${timeZone ?? ''}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
      timeZone,
    });
    if (formatters.size > 16) formatters.clear();
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
