/**
 * The "What it may do" tab: resources × verbs, each cell with its state (allowed, limited, denied,
 * unknown, not checked) as a symbol plus words for screen readers and tooltips, then who grants
 * what, then the non-resource URLs once each.
 */
import * as l10n from '@vscode/l10n';
import { cellState, type MatrixCell, type PermissionMatrix } from '../src/permissions/matrix';
import { CELL_SYMBOLS, grantedToEveryone, grantLines, legend, limitText, matrixNotices, methodLabel, stateLabel } from '../src/permissions/present';
import { describeGrant } from '../src/permissions/rbac';
import { el } from './dom';

const groupLabel = (g: string): string => (g === '' ? 'core' : g);

export function noticeList(notices: readonly string[]): HTMLElement | undefined {
  if (notices.length === 0) return undefined;
  return el('ul', { className: 'notices', attrs: { 'aria-label': l10n.t('Notes') } }, ...notices.map((n) => el('li', { text: n })));
}

function cellText(m: PermissionMatrix, verb: string, cell: MatrixCell | undefined): { symbol: string; label: string; state: string } {
  const state = cellState(m, cell);
  const parts = [`${verb}: ${stateLabel(state)}`];
  if (cell?.allowed) {
    const limits = limitText(cell);
    if (limits) parts.push(limits);
    if (cell.grants.length) parts.push(l10n.t('granted by {0}', cell.grants.map(describeGrant).join('; ')));
  }
  return { symbol: CELL_SYMBOLS[state], label: parts.join(' · '), state };
}

function table(m: PermissionMatrix): HTMLElement {
  const head = el('tr', {}, el('th', { text: l10n.t('Resource'), attrs: { scope: 'col' } }), el('th', { text: l10n.t('API group'), attrs: { scope: 'col' } }), ...m.verbs.map((v) => el('th', { text: v, className: 'verb', attrs: { scope: 'col' } })));
  const rows = m.rows.map((row) => {
    const everyone = grantedToEveryone(row);
    const resource = el('th', { text: row.resource, className: 'resource', attrs: { scope: 'row' } });
    if (everyone) resource.append(el('span', { className: 'hint', text: l10n.t('every ServiceAccount has this') }));
    return el(
      'tr',
      { className: `matrix-row${everyone ? ' everyone' : ''}` },
      resource,
      el('td', { text: groupLabel(row.group), className: 'group' }),
      ...m.verbs.map((v) => {
        const c = cellText(m, v, row.cells[v]);
        return el('td', { className: `cell state-${c.state}`, text: c.symbol, title: c.label, attrs: { 'aria-label': c.label } });
      }),
    );
  });
  return el('div', { className: 'table-wrap' }, el('table', { className: 'matrix' }, el('thead', {}, head), el('tbody', {}, ...rows)));
}

function grantedBy(m: PermissionMatrix): HTMLElement | undefined {
  const lines = grantLines(m);
  if (lines.length === 0) return undefined;
  const items = lines.map((e) => el('li', {}, el('strong', { text: e.resource }), document.createTextNode(`: ${e.verbs.join(', ')} ← `), el('span', { className: 'grant', text: e.grant })));
  return el('section', { className: 'granted' }, el('h2', { text: l10n.t('Granted by') }), el('ul', {}, ...items));
}

function nonResource(m: PermissionMatrix): HTMLElement | undefined {
  if (m.nonResource.length === 0) return undefined;
  return el(
    'section',
    { className: 'non-resource' },
    el('h2', { text: l10n.t('Non-resource URLs') }),
    el('ul', {}, ...m.nonResource.map((n) => el('li', {}, el('strong', { text: n.verbs.join(', ') }), document.createTextNode(`: ${n.urls.join(', ')}`)))),
  );
}

/** The whole tab body for a matrix. */
export function renderMatrix(m: PermissionMatrix, lang: string): HTMLElement[] {
  const when = new Date(m.generatedAt).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
  // The context and the namespace are in the toolbar already.
  const meta = el('p', { className: 'meta', text: l10n.t('Method: {0} · evaluated at {1}', methodLabel(m.method), when) });
  const out: (HTMLElement | undefined)[] = [meta, noticeList(matrixNotices(m))];
  if (m.rows.length === 0) out.push(el('p', { className: 'empty', text: l10n.t('No resource permissions.') }));
  else out.push(table(m), el('p', { className: 'legend', text: legend() }));
  out.push(grantedBy(m), nonResource(m));
  return out.filter((e): e is HTMLElement => e !== undefined);
}
