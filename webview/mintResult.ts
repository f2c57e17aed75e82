/**
 * Browser side of the "Minted token" panel (bundled to dist/webview/mintResult.js): draws the
 * result the host posts (from the saved state at once after being hidden), and asks the host for
 * every action. The token value is shown only when the host sends it after a confirmed Reveal,
 * and is dropped after 30 seconds or when the page hides; it is never put in the saved state.
 */
import * as l10n from '@vscode/l10n';
import { formatCountdown } from '../src/expiry/timeline';
import { formatDateCompact, formatDateTime } from '../src/jwt/time';
import { formatDuration } from '../src/tokens/duration';
import { isResultHostMessage, isResultState, type MintResultView, type ResultAction, type ResultHostMessage, type ResultState, type ResultWebviewMessage } from '../src/tokens/resultProtocol';
import { el } from './dom';

interface VsCodeApi {
  postMessage(message: ResultWebviewMessage): void;
  getState(): unknown;
  setState(state: ResultState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const REVEAL_MS = 30_000;
const vscode = acquireVsCodeApi();
const root = document.getElementById('app') ?? document.body;
const lang = document.documentElement.lang || navigator.language;
const statusLine = el('p', { className: 'status-line', attrs: { role: 'status', 'aria-live': 'polite' } });
const revealBox = el('div', { className: 'reveal' });
let revealTimer: number | undefined;
let current: ResultState | undefined;
let countdown: HTMLElement | undefined;
const busy = new Set<ResultAction>();

const date = (ms: number): string => formatDateTime(ms, lang);
// Lifetimes as they are typed (2h, 45m, 1h7s), like the lifetime list and the grant notes.
const lifetime = (seconds: number): string => formatDuration(seconds);

function button(action: ResultAction, label: string, hint: string, opts: { primary?: boolean; disabled?: boolean } = {}): HTMLButtonElement {
  const b = el('button', { className: `action action-${action}${opts.primary ? ' primary' : ''}`, text: label, title: hint, attrs: { type: 'button' } });
  b.disabled = opts.disabled === true || busy.has(action);
  b.addEventListener('click', () => {
    busy.add(action);
    b.disabled = true;
    statusLine.textContent = '';
    vscode.postMessage({ type: 'action', action });
  });
  return b;
}

function actions(r: MintResultView): HTMLElement {
  const bar = el('div', { className: 'actions', attrs: { role: 'toolbar', 'aria-label': l10n.t('Actions') } });
  bar.append(
    button('copy', l10n.t('Copy'), l10n.t('Copy the token to the clipboard'), { primary: r.kept, disabled: r.revoked }),
    r.kept
      ? button('keep', l10n.t('Kept'), l10n.t('Kept in the secret storage; see the Token Expiry dashboard'), { disabled: true })
      : button('keep', l10n.t('Keep'), l10n.t('Keep it in VS Code\'s secret storage and follow its expiry in the dashboard'), { primary: !r.revoked, disabled: r.revoked }),
    button('decode', l10n.t('Open Decoded'), l10n.t('Open the header and claims in an editor (never the signature)')),
    button('exportKubeconfig', l10n.t('Export Kubeconfig…'), l10n.t('Write a kubeconfig file that uses this token (mode 0600)'), { disabled: r.revoked }),
    ...(r.revocable ? [button('revoke', r.revoked ? l10n.t('Revoked') : l10n.t('Revoke…'), l10n.t('Delete its Secret, then prove with a TokenReview that the token no longer works'), { disabled: r.revoked })] : []),
    button('reveal', l10n.t('Reveal…'), l10n.t('Show the token on screen for 30 seconds (asks first)'), { disabled: r.revoked }),
    button('close', l10n.t('Close'), r.kept ? l10n.t('Close this panel; the token stays kept') : l10n.t('Close this panel; the token is dropped unless kept')),
  );
  return bar;
}

function row(label: string, ...value: (string | Node)[]): HTMLElement {
  return el('div', { className: 'row' }, el('dt', { text: label }), el('dd', {}, ...value.map((v) => (typeof v === 'string' ? document.createTextNode(v) : v))));
}

function bindingText(r: MintResultView): { head: string; hint: string } {
  if (r.revocable && r.binding) {
    return { head: l10n.t('Revocable: bound to Secret {0}', r.binding.name), hint: l10n.t('Revoke deletes this Secret; the token stops working at once.') };
  }
  if (r.binding) {
    return { head: l10n.t('Bound to {0} {1}', r.binding.kind, r.binding.name), hint: l10n.t('The token stops working as soon as this {0} is deleted.', r.binding.kind) };
  }
  return { head: l10n.t('Not bound'), hint: l10n.t('Valid until it expires; it cannot be revoked on its own.') };
}

function render(state: ResultState): void {
  if (state.l10n) l10n.config({ contents: state.l10n });
  current = state;
  const r = state.result;
  const who = `${r.namespace}/${r.serviceAccount}`;
  const chip = r.revoked
    ? el('span', { className: 'chip revoked', text: l10n.t('Revoked') })
    : r.kept
      ? el('span', { className: 'chip kept', text: l10n.t('Kept') })
      : el('span', { className: 'chip unkept', text: l10n.t('Not kept') });
  const heading = el('header', {}, el('h1', { text: l10n.t('Token for {0}', who) }), chip);
  const context = el('p', { className: 'context', text: l10n.t('Context {0} · {1}', r.context, r.server) });

  const granted = r.grantedSeconds === r.requestedSeconds ? l10n.t('{0}, as requested', lifetime(r.grantedSeconds)) : l10n.t('{0} (requested {1})', lifetime(r.grantedSeconds), lifetime(r.requestedSeconds));
  countdown = el('span', { className: 'countdown' });
  const grant = el(
    'dl',
    { className: 'facts' },
    row(l10n.t('Lifetime'), granted),
    row(l10n.t('Valid'), l10n.t('{0} → {1}', date(r.issuedAt), formatDateCompact(r.expiresAt, r.issuedAt, lang)), ' ', countdown),
    ...(r.warnAfter !== undefined ? [row(l10n.t('Warn after'), date(r.warnAfter))] : []),
    row(l10n.t('Audiences'), r.audiences.join(', ') || '—', ' ', el('span', { className: 'hint', text: r.requestedAudiences.length ? l10n.t('(requested)') : l10n.t('(the cluster\'s default; none requested)') })),
  );
  // "Granted as requested" says again what the Lifetime row says; other notes explain a difference.
  const plain = !r.clamped && !r.extended && r.grantedSeconds === r.requestedSeconds && r.notes.length <= 1;
  const notes = el('ul', { className: `notes${r.clamped ? ' clamped' : ''}` }, ...(plain ? [] : r.notes.map((n) => el('li', { text: n }))));
  const b = bindingText(r);
  const binding = el('section', { className: 'binding' }, el('h2', { text: l10n.t('Binding') }), el('p', { className: 'binding-head', text: b.head }), el('p', { className: 'hint', text: b.hint }));
  const fate = r.kept
    ? l10n.t('Kept in VS Code\'s secret storage: the Token Expiry dashboard follows its expiry.')
    : r.revocable
      ? l10n.t('Not kept. Closing this panel drops the token; you will be asked whether to delete its Secret.')
      : l10n.t('Not kept. Closing this panel drops the token: copy, keep or export it first.');
  root.replaceChildren(
    heading,
    context,
    actions(r),
    el('p', { className: `fate${r.kept ? '' : ' unkept'}`, text: fate }),
    statusLine,
    revealBox,
    el('section', {}, el('h2', { text: l10n.t('What the server granted') }), grant, notes),
    binding,
  );
  tick();
}

function tick(): void {
  if (!current || !countdown) return;
  const left = current.result.expiresAt - Date.now();
  countdown.textContent = current.result.revoked ? '' : left > 0 ? l10n.t('(in {0})', formatCountdown(left)) : l10n.t('(expired)');
}

function conceal(): void {
  window.clearTimeout(revealTimer);
  revealBox.replaceChildren();
}

function showReveal(value: string): void {
  conceal();
  const hide = el('button', { className: 'action', text: l10n.t('Hide'), attrs: { type: 'button' } });
  hide.addEventListener('click', conceal);
  revealBox.append(el('code', { className: 'token-value', text: value }), hide, el('span', { className: 'hint', text: l10n.t('Hidden again in 30 seconds.') }));
  revealTimer = window.setTimeout(conceal, REVEAL_MS);
}

function onHostMessage(msg: ResultHostMessage): void {
  switch (msg.type) {
    case 'result': {
      const state: ResultState = { version: 1, result: msg.result, l10n: msg.l10n ?? current?.l10n };
      vscode.setState(state);
      render(state);
      break;
    }
    case 'actionDone':
      busy.delete(msg.action);
      if (current) render(current);
      statusLine.textContent = msg.ok ? '' : (msg.message ?? '');
      break;
    case 'revealed':
      showReveal(msg.value);
      break;
    case 'conceal':
      conceal();
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isResultHostMessage(event.data)) onHostMessage(event.data);
});
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') conceal();
});

const saved = vscode.getState();
if (isResultState(saved)) render(saved);
window.setInterval(tick, 1000);
vscode.postMessage({ type: 'ready' });
