/**
 * Token lifetimes as people type them ("90m", "2h30m", "3600s", "1d") and the limits the API
 * server applies to `expirationSeconds` (pkg/apis/authentication/validation). Pure.
 */
import * as l10n from '@vscode/l10n';

/** The API server refuses shorter requests: `may not specify a duration less than 10 minutes`. */
export const MIN_EXPIRATION_SECONDS = 600;
/** The API server refuses longer requests: `may not specify a duration larger than 2^32 seconds`. */
export const MAX_EXPIRATION_SECONDS = 2 ** 32;
/** Server default when expirationSeconds is omitted. */
export const DEFAULT_EXPIRATION_SECONDS = 3600;
/** The kubelet's lifetime for pod tokens; a Pod-bound request of exactly this may be extended. */
export const WARN_ONLY_BOUND_SECONDS = 3607;
/** The extended lifetime of such tokens: 365 days. */
export const EXTENDED_SECONDS = 365 * 24 * 3600;

export const DURATION_PRESETS = ['10m', '1h', '8h', '24h', '7d'] as const;

const UNIT_SECONDS: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };
// Units in this order, each at most once; spaces allowed around them but not inside a number.
// package.json's pattern for k8sTokens.mint.defaultDuration accepts the same texts (a test checks it).
const DURATION = /^(?:(\d+)\s*d\s*)?(?:(\d+)\s*h\s*)?(?:(\d+)\s*m\s*)?(?:(\d+)\s*s)?$/;

/** `message` is a full sentence (errors, input boxes); `short` fits beside the typed value in a list. */
export type DurationResult = { ok: true; seconds: number } | { ok: false; message: string; short: string };

/** The number of seconds a duration text means (`90m`, `2h30m`, `3600s`, `1d`, `3600`), or undefined if it is not one. Limits are not checked. */
export function readDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (/^\d+$/.test(t)) return Number(t);
  const m = t.length > 0 ? DURATION.exec(t) : null;
  if (!m || m.slice(1).every((g) => g === undefined)) return undefined;
  const [, d, h, min, s] = m;
  return Number(d ?? 0) * UNIT_SECONDS.d + Number(h ?? 0) * UNIT_SECONDS.h + Number(min ?? 0) * UNIT_SECONDS.m + Number(s ?? 0);
}

/**
 * Parses a duration such as `90m`, `2h30m`, `3600s`, `1d` or a bare number of seconds, and checks
 * it against the API server's limits, so a request that would be refused is never sent. The one
 * parser of every lifetime the user types: mint, the Pod and CronJob generators, the setting.
 */
export function parseDuration(text: string): DurationResult {
  if (text.trim().length === 0) return { ok: false, message: l10n.t('Enter a duration such as 1h, 90m, 2h30m, 3600s or 1d.'), short: l10n.t('enter a duration') };
  const seconds = readDuration(text);
  if (seconds === undefined) {
    return {
      ok: false,
      message: l10n.t('"{0}" is not a duration. Use a number with a unit: 1h, 90m, 2h30m, 3600s or 1d.', text.trim()),
      short: l10n.t('not a duration: use 1h, 90m, 2h30m, 3600s or 1d'),
    };
  }
  const problem = checkExpirationSeconds(seconds);
  if (!problem) return { ok: true, seconds };
  const short = seconds < MIN_EXPIRATION_SECONDS ? l10n.t('too short: the API server accepts 10 minutes or more') : l10n.t('too long: the API server accepts at most 2^32 seconds');
  return { ok: false, message: problem, short };
}

/**
 * The k8sTokens.mint.defaultDuration setting when parseDuration accepts it, else 1h: the Settings
 * editor flags a malformed value (package.json pattern), and a mint must still start.
 */
export function usableDefaultDuration(setting: string): string {
  return parseDuration(setting).ok ? setting : '1h';
}

/** The API server's refusal for this lifetime, in its own words, or undefined when it is allowed. */
export function checkExpirationSeconds(seconds: number): string | undefined {
  if (!Number.isSafeInteger(seconds) || seconds < MIN_EXPIRATION_SECONDS) {
    return l10n.t('{0} is too short: the API server refuses it with "may not specify a duration less than 10 minutes".', formatDuration(seconds));
  }
  if (seconds > MAX_EXPIRATION_SECONDS) {
    return l10n.t('{0} is too long: the API server refuses it with "may not specify a duration larger than 2^32 seconds".', formatDuration(seconds));
  }
  return undefined;
}

/** `2h30m`, `7d`, `45s`: the shortest exact form. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  let rest = Math.max(0, Math.round(seconds));
  if (rest === 0) return '0s';
  let out = '';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const n = Math.floor(rest / UNIT_SECONDS[unit]);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * UNIT_SECONDS[unit];
  }
  return out;
}
