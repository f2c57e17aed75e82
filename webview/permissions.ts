/**
 * Browser side of the permissions view (bundled to dist/webview/permissions.js). Draws at once from
 * the saved state, says "ready", then follows what the host shows; every cluster question goes to
 * the host as a typed request (rpc.ts). The export buttons sit in the toolbar, always in view.
 */
import * as l10n from '@vscode/l10n';
import { isHostMessage, isNamespaceOrAll, isViewState, whoCanInputProblem, type ExportFormat, type HostMessage, type ViewState, type ViewTab, type ViewTarget, type WebviewMessage, type WhoCanInput } from '../src/permissions/protocol';
import { el } from './dom';
import { renderMatrix } from './permissionsMatrix';
import { renderWhoCan, whoCanForm } from './permissionsWhoCan';
import { RpcClient } from './rpc';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: ViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const rpc = new RpcClient((m) => vscode.postMessage(m));
const root = document.getElementById('app') ?? document.body;
const lang = document.documentElement.lang || navigator.language;

let state: ViewState | undefined;
let namespaces: { names: string[]; listable: boolean } | undefined;
let serviceAccounts: { namespace: string; names: string[] } | undefined;
/** Per tab, the sequence number of the request whose answer is still wanted (older answers are dropped). */
const latest: Record<ViewTab, number> = { matrix: 0, whoCan: 0 };
const busy: Record<ViewTab, boolean> = { matrix: false, whoCan: false };
/** The question form survives redraws while its query is unchanged, so half-typed text is not lost. */
let form: { query: WhoCanInput; node: HTMLFormElement } | undefined;
let statusText = '';
let statusIsError = false;

function save(next: ViewState): void {
  state = next;
  vscode.setState(next);
}

function setStatus(text: string, error = false): void {
  statusText = text;
  statusIsError = error;
  const s = document.querySelector('.status-line');
  if (s) {
    s.textContent = text;
    s.classList.toggle('error', error);
  }
}

// ---- requests ----

async function loadMatrix(): Promise<void> {
  const t = state?.target;
  if (!t?.serviceAccount) return;
  const seq = ++latest.matrix;
  busy.matrix = true;
  setStatus(l10n.t('Evaluating the permissions of {0}/{1}…', t.serviceAccount.namespace, t.serviceAccount.name));
  render();
  try {
    const { matrix } = await rpc.request('matrix', { context: t.context, serviceAccount: t.serviceAccount, namespace: t.namespace });
    if (seq !== latest.matrix || !state) return;
    save({ ...state, matrix });
    setStatus('');
  } catch (e) {
    if (seq === latest.matrix) setStatus((e as Error).message, true);
  } finally {
    if (seq === latest.matrix) busy.matrix = false;
    render();
  }
}

async function loadWhoCan(): Promise<void> {
  const t = state?.target;
  if (!t) return;
  const seq = ++latest.whoCan;
  busy.whoCan = true;
  setStatus(l10n.t('Reading the RBAC objects…'));
  render();
  try {
    const { report } = await rpc.request('whoCan', { context: t.context, namespace: t.namespace, ...t.query });
    if (seq !== latest.whoCan || !state) return;
    save({ ...state, report });
    setStatus('');
  } catch (e) {
    if (seq === latest.whoCan) setStatus((e as Error).message, true);
  } finally {
    if (seq === latest.whoCan) busy.whoCan = false;
    render();
  }
}

async function loadNamespaces(context: string): Promise<void> {
  try {
    const r = await rpc.request('namespaces', { context });
    namespaces = { names: r.namespaces, listable: r.listable };
  } catch {
    namespaces = { names: [], listable: false };
  }
  render();
}

async function loadServiceAccounts(context: string, namespace: string): Promise<void> {
  try {
    const r = await rpc.request('serviceAccounts', { context, namespace });
    serviceAccounts = { namespace, names: r.names };
  } catch {
    serviceAccounts = { namespace, names: [] };
  }
  render();
}

/** Asks for what the current tab lacks. */
function refreshTab(): void {
  if (!state) return;
  if (state.target.tab === 'matrix' && !state.matrix) void loadMatrix();
  if (state.target.tab === 'whoCan' && !state.report) void loadWhoCan();
}

function retarget(change: Partial<ViewTarget>, keep: { matrix?: boolean; report?: boolean } = {}): void {
  if (!state) return;
  save({ ...state, target: { ...state.target, ...change }, matrix: keep.matrix ? state.matrix : undefined, report: keep.report ? state.report : undefined });
  refreshTab();
  render();
}

async function exportAs(format: ExportFormat): Promise<void> {
  if (!state) return;
  try {
    const { document: name } = await rpc.request('export', { what: state.target.tab, format });
    setStatus(l10n.t('Opened {0}.', name));
  } catch (e) {
    setStatus((e as Error).message, true);
  }
}

const FIELD_NAMES: Record<keyof WhoCanInput, () => string> = { verb: () => l10n.t('Verb'), resource: () => l10n.t('Resource'), name: () => l10n.t('Object name (optional)') };

function ask(q: WhoCanInput): void {
  const problem = whoCanInputProblem(q);
  if (problem) setStatus(l10n.t('Check the field "{0}".', FIELD_NAMES[problem]()), true);
  else retarget({ query: q }, { matrix: true });
}

// ---- drawing ----

function namespaceControl(t: ViewTarget): HTMLElement {
  const id = 'namespace';
  let control: HTMLInputElement | HTMLSelectElement;
  if (namespaces && !namespaces.listable) {
    // May not list namespaces: type one (empty: all namespaces).
    control = el('input', { attrs: { type: 'text', value: t.namespace, placeholder: l10n.t('all namespaces'), spellcheck: 'false' } });
  } else {
    const names = new Set([...(namespaces?.names ?? []), ...(t.namespace ? [t.namespace] : [])]);
    control = el('select', {}, el('option', { text: l10n.t('All namespaces'), attrs: { value: '' } }), ...[...names].sort().map((n) => el('option', { text: n, attrs: { value: n } })));
    control.value = t.namespace;
  }
  control.id = id;
  control.addEventListener('change', () => {
    const namespace = control.value.trim();
    // The host ignores a malformed request, so a name it would refuse is not sent.
    if (isNamespaceOrAll(namespace)) retarget({ namespace });
    else setStatus(l10n.t('"{0}" is not a namespace name.', namespace), true);
  });
  return el('div', { className: 'field inline' }, el('label', { text: l10n.t('Namespace'), attrs: { for: id } }), control);
}

function serviceAccountControl(t: ViewTarget): HTMLElement | undefined {
  const saNs = t.serviceAccount?.namespace ?? t.namespace;
  if (!saNs) return undefined;
  if (serviceAccounts?.namespace !== saNs) void loadServiceAccounts(t.context, saNs);
  const names = new Set([...(serviceAccounts?.namespace === saNs ? serviceAccounts.names : []), ...(t.serviceAccount ? [t.serviceAccount.name] : [])]);
  const select = el('select', { attrs: { id: 'service-account' } }, ...(t.serviceAccount ? [] : [el('option', { text: l10n.t('Choose…'), attrs: { value: '' } })]), ...[...names].sort().map((n) => el('option', { text: `${saNs}/${n}`, attrs: { value: n } })));
  select.value = t.serviceAccount?.name ?? '';
  select.addEventListener('change', () => {
    if (select.value) retarget({ serviceAccount: { namespace: saNs, name: select.value } }, { report: true });
  });
  return el('div', { className: 'field inline' }, el('label', { text: l10n.t('ServiceAccount'), attrs: { for: 'service-account' } }), select);
}

function tabButton(tab: ViewTab, label: string, current: ViewTab): HTMLButtonElement {
  const b = el('button', { text: label, className: 'tab', attrs: { role: 'tab', id: `tab-${tab}`, 'aria-controls': `panel-${tab}`, 'aria-selected': String(tab === current), tabindex: tab === current ? '0' : '-1' } });
  b.addEventListener('click', () => retarget({ tab }, { matrix: true, report: true }));
  b.addEventListener('keydown', (e) => {
    // Arrow keys move between tabs (WAI-ARIA tabs pattern).
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const next: ViewTab = tab === 'matrix' ? 'whoCan' : 'matrix';
    retarget({ tab: next }, { matrix: true, report: true });
    document.getElementById(`tab-${next}`)?.focus();
  });
  return b;
}

function exportButtons(tab: ViewTab, ready: boolean): HTMLElement {
  const formats: [ExportFormat, string][] = [
    ['markdown', 'Markdown'],
    ['yaml', 'YAML'],
    ['csv', 'CSV'],
  ];
  const title = ready ? l10n.t('Opens the export in a new untitled editor') : l10n.t('Nothing to export yet.');
  return el(
    'div',
    { className: 'exports', attrs: { role: 'group', 'aria-label': l10n.t('Export') } },
    el('span', { className: 'exports-label', text: l10n.t('Export') }),
    ...formats.map(([f, label]) => {
      const b = el('button', { text: label, className: 'secondary', title, data: { format: f }, attrs: { type: 'button', 'aria-label': `${l10n.t('Export')} ${label}` } });
      b.disabled = !ready || busy[tab];
      b.addEventListener('click', () => void exportAs(f));
      return b;
    }),
  );
}

function render(): void {
  if (!state) return;
  const t = state.target;
  const focusedId = document.activeElement?.id;
  const heading =
    t.tab === 'matrix' && t.serviceAccount ? l10n.t('Permissions of ServiceAccount {0}/{1}', t.serviceAccount.namespace, t.serviceAccount.name) : l10n.t('Who can do what');
  document.title = heading;
  const ready = t.tab === 'matrix' ? !!state.matrix : !!state.report;
  const toolbar = el(
    'div',
    { className: 'toolbar' },
    el('div', { className: 'tabs', attrs: { role: 'tablist', 'aria-label': l10n.t('Permissions') } }, tabButton('matrix', l10n.t('What it may do'), t.tab), tabButton('whoCan', l10n.t('Who can…'), t.tab)),
    el('span', { className: 'context', text: l10n.t('Context {0}', t.context) }),
    namespaceControl(t),
    exportButtons(t.tab, ready),
  );
  const status = el('p', { className: `status-line${statusIsError ? ' error' : ''}`, text: statusText, attrs: { role: 'status', 'aria-live': 'polite' } });
  const body = el('section', { className: 'tab-panel', attrs: { role: 'tabpanel', id: `panel-${t.tab}`, 'aria-labelledby': `tab-${t.tab}`, 'aria-busy': String(busy[t.tab]) } });
  if (t.tab === 'matrix') {
    const sa = serviceAccountControl(t);
    if (sa) body.append(el('div', { className: 'subject-bar' }, sa));
    if (!t.serviceAccount) body.append(el('p', { className: 'empty', text: sa ? l10n.t('Choose a ServiceAccount to see what it may do.') : l10n.t('Choose a namespace, then a ServiceAccount, to see what it may do.') }));
    else if (state.matrix) body.append(...renderMatrix(state.matrix, lang));
  } else {
    if (form?.query !== t.query) form = { query: t.query, node: whoCanForm(t.query, ask) };
    body.append(form.node, ...(state.report ? renderWhoCan(state.report) : []));
  }
  root.replaceChildren(el('header', {}, el('h1', { text: heading }), toolbar), status, body);
  if (focusedId) document.getElementById(focusedId)?.focus();
}

function onHostMessage(msg: HostMessage): void {
  if (msg.type === 'response') {
    rpc.handle(msg);
    return;
  }
  if (msg.l10n) l10n.config({ contents: msg.l10n });
  const contextChanged = state?.target.context !== msg.target.context;
  save({ version: 1, target: msg.target, l10n: msg.l10n ?? state?.l10n, matrix: msg.matrix, report: msg.report });
  setStatus('');
  if (contextChanged || !namespaces) void loadNamespaces(msg.target.context);
  if (contextChanged) serviceAccounts = undefined;
  refreshTab();
  render();
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostMessage(event.data)) onHostMessage(event.data);
});

const saved = vscode.getState();
if (isViewState(saved)) {
  if (saved.l10n) l10n.config({ contents: saved.l10n });
  state = saved;
  render();
  void loadNamespaces(saved.target.context);
  refreshTab();
}
vscode.postMessage({ type: 'ready' });
