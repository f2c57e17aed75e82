/**
 * Browser side of the token expiry dashboard (bundled to dist/webview/dashboard.js).
 * Draws at once from the saved webview state, says "ready", then redraws from what the host posts.
 * The countdown ticks here every second; the host is only asked for actions and reveals.
 */
import * as l10n from '@vscode/l10n';
import { isDashboardState, isHostMessage, type DashboardState, type HostMessage, type WebviewMessage } from '../src/expiry/protocol';
import { nearestExpiry, tokenStatus, type ExpiryOptions, type TokenStatus } from '../src/expiry/timeline';
import { el } from './dom';
import { statusLabel } from './labels';
import { TableView } from './tableView';
import { TimelineView } from './timelineView';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: DashboardState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('app') ?? document.body;
const lang = document.documentElement.lang || navigator.language;
const statusLine = el('p', { className: 'status-line', attrs: { role: 'status', 'aria-live': 'polite' } });

let table: TableView | undefined;
let timeline: TimelineView | undefined;
let summary: HTMLElement | undefined;
let current: DashboardState | undefined;

function optionsOf(state: DashboardState): ExpiryOptions {
  return { notifyBeforeMs: Math.max(0, state.settings.notifyBeforeMinutes) * 60_000 };
}

function render(state: DashboardState): void {
  if (state.l10n) l10n.config({ contents: state.l10n });
  current = state;
  const opts = optionsOf(state);
  const heading = el('header', {}, el('h1', { text: l10n.t('Kept ServiceAccount tokens') }));
  summary = el('div', { className: 'summary' });
  heading.append(summary);
  if (state.tokens.length === 0) {
    table = undefined;
    timeline = undefined;
    root.replaceChildren(heading, statusLine, el('p', { className: 'empty', text: l10n.t('No kept tokens. Mint a token and choose Keep to follow its expiry here.') }));
    return;
  }
  const sorted = [...state.tokens].sort((a, b) => Number(a.revokedAt !== undefined) - Number(b.revokedAt !== undefined) || a.expiresAt - b.expiresAt);
  timeline = new TimelineView(sorted, opts, lang);
  table = new TableView(sorted, opts, lang, {
    action: (id, action) => vscode.postMessage({ type: 'action', action, id }),
    reveal: (id) => vscode.postMessage({ type: 'reveal', id }),
  });
  root.replaceChildren(heading, statusLine, timeline.element, el('div', { className: 'table-wrap' }, table.element));
  tick();
}

function tick(): void {
  if (!current) return;
  const now = Date.now();
  timeline?.update(now);
  table?.update(now);
  if (summary) {
    const opts = optionsOf(current);
    const counts = new Map<TokenStatus, number>();
    for (const t of current.tokens) {
      const s = tokenStatus(t, now, opts);
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    summary.replaceChildren(...[...counts].map(([s, n]) => el('span', { className: `chip status-${s}`, text: `${n} ${statusLabel(s)}` })));
    const next = nearestExpiry(current.tokens, now, opts);
    document.title = next ? `${next.token.namespace}/${next.token.serviceAccount}` : l10n.t('Token expiry');
  }
}

function onHostMessage(msg: HostMessage): void {
  switch (msg.type) {
    case 'tokens': {
      const state: DashboardState = { version: 1, tokens: msg.tokens, settings: msg.settings, l10n: msg.l10n ?? current?.l10n };
      vscode.setState(state);
      render(state);
      vscode.postMessage({ type: 'rendered', ids: msg.tokens.map((t) => t.id) });
      break;
    }
    case 'actionDone':
      table?.setBusy(msg.id, msg.action, false);
      statusLine.textContent = msg.ok ? '' : (msg.message ?? l10n.t('The action did not complete.'));
      break;
    case 'revealed':
      table?.showReveal(msg.id, msg.value);
      break;
    case 'revealFailed':
      statusLine.textContent = msg.message;
      break;
    case 'conceal':
      table?.conceal();
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostMessage(event.data)) onHostMessage(event.data);
});
// A hidden dashboard shows no secret: the value is dropped, not just covered.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') table?.conceal();
});

const saved = vscode.getState();
if (isDashboardState(saved)) render(saved);
window.setInterval(tick, 1000);
vscode.postMessage({ type: 'ready' });
