/** Words the dashboard shows, through @vscode/l10n (configured with the host's bundle). */
import * as l10n from '@vscode/l10n';
import type { TokenAction } from '../src/expiry/protocol';
import type { TokenStatus } from '../src/expiry/timeline';
import { formatDateCompact, formatDateTime } from '../src/jwt/time';

export function statusLabel(status: TokenStatus): string {
  switch (status) {
    case 'valid':
      return l10n.t('valid');
    case 'expiring':
      return l10n.t('expiring');
    case 'stale':
      return l10n.t('stale');
    case 'expired':
      return l10n.t('expired');
    case 'revoked':
      return l10n.t('revoked');
  }
}

export function statusHint(status: TokenStatus): string {
  switch (status) {
    case 'valid':
      return l10n.t('The token is valid.');
    case 'expiring':
      return l10n.t('The token expires soon: within the notification time (at most the last 20 % of its lifetime).');
    case 'stale':
      return l10n.t('Past warnafter: the API server still accepts this extended token but logs its use as stale.');
    case 'expired':
      return l10n.t('The token has expired.');
    case 'revoked':
      return l10n.t('The token was revoked.');
  }
}

export function actionLabel(action: TokenAction): string {
  switch (action) {
    case 'remint':
      return l10n.t('Re-mint');
    case 'copy':
      return l10n.t('Copy');
    case 'revoke':
      return l10n.t('Revoke');
    case 'forget':
      return l10n.t('Forget');
    case 'exportKubeconfig':
      return l10n.t('Export Kubeconfig…');
  }
}

export function actionHint(action: TokenAction): string {
  switch (action) {
    case 'remint':
      return l10n.t('Mint a new token with the same parameters and keep it in place of this one');
    case 'copy':
      return l10n.t('Copy the token to the clipboard');
    case 'revoke':
      return l10n.t('Delete the token\'s Secret, which revokes it (asks first)');
    case 'forget':
      return l10n.t('Remove the token from this list and from the secret storage');
    case 'exportKubeconfig':
      return l10n.t('Write a kubeconfig file that uses this token');
  }
}

/** `2:05 PM` / `14:05` for ticks under a day apart, `Mar 14` / `3月14日` otherwise, in the UI language. */
export function formatTick(time: number, stepMs: number, lang: string): string {
  const options: Intl.DateTimeFormatOptions = stepMs >= 24 * 3600 * 1000 ? { month: 'short', day: 'numeric' } : { hour: 'numeric', minute: '2-digit' };
  return new Date(time).toLocaleString(lang, options);
}

/** The full date and time (tooltips), in the extension's one date style. */
export function formatDate(time: number | undefined, lang: string): string {
  return time === undefined ? '—' : formatDateTime(time, lang);
}

/** Short enough for a table cell: the time alone today, no year this year. */
export function formatDateShort(time: number, now: number, lang: string): string {
  return formatDateCompact(time, now, lang);
}
