/**
 * The token table: a status chip, who the token is for, audiences, binding, a compact expiry with
 * a live countdown, and the actions; the revealed value appears under its row (only after the host
 * confirmed it with the user: cleared after 30 s or when the page hides). Revoke is offered only
 * for revocable tokens, and Re-mint is the primary button only once a token nears its end.
 */
import * as l10n from '@vscode/l10n';
import { offersAction, TOKEN_ACTIONS, type DashboardToken, type TokenAction } from '../src/expiry/protocol';
import { deadlineOf, formatCountdown, nearsEnd, tokenStatus, type ExpiryOptions, type TokenStatus } from '../src/expiry/timeline';
import { el } from './dom';
import { actionHint, actionLabel, formatDate, formatDateShort, statusHint, statusLabel } from './labels';

export const REVEAL_MS = 30_000;
const COLUMNS = 6;

export interface TableCallbacks {
  action(id: string, action: TokenAction): void;
  reveal(id: string): void;
}

interface Row {
  token: DashboardToken;
  tr: HTMLTableRowElement;
  chip: HTMLElement;
  countdown: HTMLElement;
  buttons: Map<TokenAction | 'reveal', HTMLButtonElement>;
  reveal?: { tr: HTMLTableRowElement; timer: number };
}

/** Buttons of a row, in the order they are drawn: the everyday ones first, the ones that end something last. */
const ROW_ORDER: readonly (TokenAction | 'reveal')[] = ['remint', 'copy', 'reveal', 'exportKubeconfig', 'revoke', 'forget'];

/** The actions a row offers: Revoke only where it can work (a token bound to its own Secret). */
export function rowActions(t: DashboardToken): (TokenAction | 'reveal')[] {
  return ROW_ORDER.filter((a) => a === 'reveal' || (TOKEN_ACTIONS.includes(a) && offersAction(t, a)));
}

export class TableView {
  readonly element: HTMLTableElement;
  private readonly rows = new Map<string, Row>();
  private readonly busy = new Set<string>();

  constructor(
    tokens: readonly DashboardToken[],
    private readonly opts: ExpiryOptions,
    private readonly lang: string,
    private readonly callbacks: TableCallbacks,
  ) {
    const headers = [l10n.t('Status'), l10n.t('ServiceAccount'), l10n.t('Audiences'), l10n.t('Binding'), l10n.t('Expires'), l10n.t('Actions')];
    const now = Date.now();
    const tbody = el('tbody', {}, ...tokens.map((t) => this.row(t, now)));
    this.element = el('table', { className: 'tokens', attrs: { id: 'tokens' } }, el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))), tbody);
  }

  private row(t: DashboardToken, now: number): HTMLTableRowElement {
    const chip = el('span', { className: 'chip' });
    const countdown = el('span', { className: 'countdown' });
    const buttons = new Map<TokenAction | 'reveal', HTMLButtonElement>();
    const button = (key: TokenAction | 'reveal', label: string, hint: string, onClick: () => void): HTMLButtonElement => {
      const b = el('button', { className: `action action-${key}`, text: label, title: hint, attrs: { type: 'button' } });
      b.addEventListener('click', onClick);
      buttons.set(key, b);
      return b;
    };
    const actions = el('td', { className: 'actions' });
    for (const a of rowActions(t)) {
      actions.append(
        a === 'reveal'
          ? button('reveal', l10n.t('Reveal…'), l10n.t('Show the token value for 30 seconds (asks first)'), () => this.requestReveal(t.id))
          : button(a, actionLabel(a), actionHint(a), () => this.runAction(t.id, a)),
      );
    }

    const who = el('td', { className: 'who' }, el('div', { className: 'sa', text: `${t.namespace}/${t.serviceAccount}` }), el('div', { className: 'ctx hint', text: t.context, title: t.server }));
    // One audience per line, never broken inside: a URL cut in the middle reads as two values.
    const audiences = t.audiences.length ? t.audiences : [l10n.t('(API server default)')];
    const aud = el('td', { className: 'aud' }, ...audiences.map((a) => el('div', { className: 'audience', text: a, title: a })));
    const bindingText = t.binding ? `${t.binding.kind}/${t.binding.name}` : l10n.t('not bound');
    const binding = el('td', { className: 'binding' }, el('div', { text: bindingText, title: bindingText }), ...(t.revocable ? [el('div', { className: 'hint', text: l10n.t('revocable') })] : []));
    const expiresTitle = l10n.t('Issued {0}, expires {1}', formatDate(t.issuedAt, this.lang), formatDate(t.expiresAt, this.lang));
    const expires = el(
      'td',
      { className: 'expires', title: expiresTitle },
      el('div', { className: 'expires-at', text: formatDateShort(t.warnAfter ?? t.expiresAt, now, this.lang) }),
      countdown,
      ...(t.warnAfter !== undefined ? [el('div', { className: 'hint', text: l10n.t('warnafter; valid until {0}', formatDateShort(t.expiresAt, now, this.lang)) })] : []),
    );
    const tr = el('tr', { className: 'token-row', data: { id: t.id } }, el('td', {}, chip), who, aud, binding, expires, actions);
    this.rows.set(t.id, { token: t, tr, chip, countdown, buttons });
    return tr;
  }

  private runAction(id: string, action: TokenAction): void {
    this.setBusy(id, action, true);
    this.callbacks.action(id, action);
  }

  private requestReveal(id: string): void {
    const row = this.rows.get(id);
    if (row?.reveal) return this.conceal(id);
    this.callbacks.reveal(id);
  }

  setBusy(id: string, action: TokenAction, busy: boolean): void {
    const key = `${id}:${action}`;
    if (busy) this.busy.add(key);
    else this.busy.delete(key);
    const b = this.rows.get(id)?.buttons.get(action);
    if (b) b.disabled = busy || this.isDisabled(this.rows.get(id)?.token, action);
  }

  private isDisabled(t: DashboardToken | undefined, action: TokenAction | 'reveal'): boolean {
    // A revoked token has nothing left to revoke; copy/reveal/export still work (it may be a re-mint in flight).
    return action === 'revoke' && t?.revokedAt !== undefined;
  }

  /** Shows the value under its row; it goes away after 30 s, on a second click, or on conceal(). */
  showReveal(id: string, value: string): void {
    const row = this.rows.get(id);
    if (!row) return;
    this.conceal(id);
    const hide = el('button', { className: 'action', text: l10n.t('Hide'), attrs: { type: 'button' } });
    hide.addEventListener('click', () => this.conceal(id));
    const tr = el(
      'tr',
      { className: 'reveal-row', data: { id } },
      el('td', { attrs: { colspan: String(COLUMNS) } }, el('code', { className: 'token-value', text: value }), hide, el('span', { className: 'hint', text: l10n.t('Hidden again in 30 seconds.') })),
    );
    row.tr.after(tr);
    row.tr.dataset.revealed = 'true';
    row.buttons.get('reveal')?.replaceChildren(l10n.t('Hide'));
    row.reveal = { tr, timer: window.setTimeout(() => this.conceal(id), REVEAL_MS) };
  }

  /** Removes revealed values (one, or all) from the DOM. */
  conceal(id?: string): void {
    for (const [rowId, row] of this.rows) {
      if (!row.reveal || (id !== undefined && id !== rowId)) continue;
      window.clearTimeout(row.reveal.timer);
      row.reveal.tr.remove();
      row.reveal = undefined;
      delete row.tr.dataset.revealed;
      row.buttons.get('reveal')?.replaceChildren(l10n.t('Reveal…'));
    }
  }

  private countdownText(t: DashboardToken, status: TokenStatus, now: number): string {
    switch (status) {
      case 'revoked':
        return '—';
      case 'expired':
        return l10n.t('{0} ago', formatCountdown(now - t.expiresAt));
      case 'stale':
        return l10n.t('stale for {0}', formatCountdown(now - deadlineOf(t)));
      default:
        return l10n.t('in {0}', formatCountdown(deadlineOf(t) - now));
    }
  }

  update(now: number): void {
    for (const row of this.rows.values()) {
      const status = tokenStatus(row.token, now, this.opts);
      row.chip.textContent = statusLabel(status);
      row.chip.className = `chip status-${status}`;
      row.chip.title = statusHint(status);
      row.tr.dataset.status = status;
      row.countdown.textContent = this.countdownText(row.token, status, now);
      row.buttons.get('remint')?.classList.toggle('primary', nearsEnd(status));
      for (const [key, b] of row.buttons) b.disabled = this.busy.has(`${row.token.id}:${key}`) || this.isDisabled(row.token, key);
    }
  }
}
