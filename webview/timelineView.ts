/**
 * The timeline: one bar per token from issue to deadline on a shared axis, with the warnafter mark
 * and a "now" line; `update(now)` moves everything each second. No kubelet refresh point: no
 * kubelet refreshes a hand-minted token.
 */
import * as l10n from '@vscode/l10n';
import type { DashboardToken } from '../src/expiry/protocol';
import { axisPercent, barLayout, timelineAxis, tokenStatus, type ExpiryOptions } from '../src/expiry/timeline';
import { el, place } from './dom';
import { formatDate, formatTick } from './labels';

interface Track {
  token: DashboardToken;
  bar: HTMLElement;
  now: HTMLElement;
  warn?: HTMLElement;
}

export class TimelineView {
  readonly element: HTMLElement;
  private readonly axisEl: HTMLElement;
  private readonly tracks: Track[] = [];

  constructor(
    tokens: readonly DashboardToken[],
    private readonly opts: ExpiryOptions,
    private readonly lang: string,
  ) {
    this.axisEl = el('div', { className: 'tl-axis', attrs: { 'aria-hidden': 'true' } });
    const rows = tokens.map((t) => this.row(t));
    this.element = el(
      'section',
      { className: 'timeline', attrs: { 'aria-label': l10n.t('Timeline') } },
      el('div', { className: 'tl-row tl-head' }, el('div', { className: 'tl-label' }), this.axisEl),
      ...rows,
      this.legend(),
    );
  }

  private row(t: DashboardToken): HTMLElement {
    const bar = el('div', { className: 'tl-bar', title: l10n.t('Issued {0}, expires {1}', formatDate(t.issuedAt, this.lang), formatDate(t.expiresAt, this.lang)) });
    const now = el('div', { className: 'tl-now' });
    const warn =
      t.warnAfter !== undefined ? el('div', { className: 'tl-mark tl-warnafter', title: l10n.t('warnafter: {0}', formatDate(t.warnAfter, this.lang)) }) : undefined;
    const track = el('div', { className: 'tl-track' }, bar, ...(warn ? [warn] : []), now);
    this.tracks.push({ token: t, bar, now, warn });
    return el(
      'div',
      { className: 'tl-row', data: { id: t.id } },
      el('div', { className: 'tl-label', text: `${t.namespace}/${t.serviceAccount}`, title: t.context }),
      track,
    );
  }

  private legend(): HTMLElement {
    const item = (cls: string, text: string): HTMLElement => el('span', { className: 'legend-item' }, el('span', { className: `legend-swatch ${cls}` }), el('span', { text }));
    return el(
      'div',
      { className: 'tl-legend' },
      item('sw-bar', l10n.t('issued → expiry')),
      item('sw-now', l10n.t('now')),
      ...(this.tracks.some((t) => t.warn) ? [item('sw-warnafter', l10n.t('warnafter'))] : []),
    );
  }

  update(now: number): void {
    const axis = timelineAxis(
      this.tracks.map((t) => t.token),
      now,
    );
    const nowAt = axisPercent(axis, now);
    this.axisEl.replaceChildren(
      // A tick label right next to the "now" label would print over it.
      ...axis.ticks.filter((tick) => Math.abs(axisPercent(axis, tick) - nowAt) > 6).map((tick) => {
        const label = el('span', { className: 'tl-tick', text: formatTick(tick, axis.stepMs, this.lang) });
        place(label, axisPercent(axis, tick));
        return label;
      }),
    );
    const nowLabel = el('span', { className: 'tl-tick tl-tick-now', text: l10n.t('now') });
    place(nowLabel, nowAt);
    this.axisEl.append(nowLabel);
    for (const t of this.tracks) {
      const layout = barLayout(axis, t.token);
      place(t.bar, layout.left, layout.width);
      t.bar.className = `tl-bar status-${tokenStatus(t.token, now, this.opts)}${layout.continues ? ' continues' : ''}`;
      if (t.warn && layout.warnAfter !== undefined) place(t.warn, layout.warnAfter);
      place(t.now, axisPercent(axis, now));
    }
  }
}
