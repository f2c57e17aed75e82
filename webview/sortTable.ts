/**
 * A table whose column headers sort it (a button in each header, `aria-sort` on the sorted one, a
 * second click reverses). Cells are built by the caller with el(): data only ever enters as text.
 */
import * as l10n from '@vscode/l10n';
import { el } from './dom';

export interface Column<R> {
  key: string;
  label: string;
  /** What the column sorts by; undefined sorts last. */
  value(row: R): string | number | undefined;
  cell(row: R): Node | string;
  className?: string;
}

export interface SortState {
  column: string;
  descending: boolean;
}

function compare(a: string | number | undefined, b: string | number | undefined): number {
  if (a === undefined || a === '') return b === undefined || b === '' ? 0 : 1;
  if (b === undefined || b === '') return -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true });
}

export function sortRows<R>(rows: readonly R[], columns: readonly Column<R>[], sort: SortState): R[] {
  const col = columns.find((c) => c.key === sort.column);
  if (!col) return [...rows];
  return [...rows].sort((x, y) => {
    const c = compare(col.value(x), col.value(y));
    // Empty values stay last either way.
    const empty = col.value(x) === undefined || col.value(x) === '' || col.value(y) === undefined || col.value(y) === '';
    return sort.descending && !empty ? -c : c;
  });
}

export function sortableTable<R>(id: string, columns: readonly Column<R>[], rows: readonly R[], sort: SortState, onSort: (s: SortState) => void, decorate?: (row: R, tr: HTMLTableRowElement) => void): HTMLElement {
  const head = el(
    'tr',
    {},
    ...columns.map((c) => {
      const sorted = c.key === sort.column;
      const button = el('button', {
        className: 'sort',
        text: c.label + (sorted ? (sort.descending ? ' ▼' : ' ▲') : ''),
        title: l10n.t('Sort by {0}', c.label),
        attrs: { type: 'button', id: `${id}-sort-${c.key}` },
      });
      button.addEventListener('click', () => onSort({ column: c.key, descending: sorted ? !sort.descending : typeof c.value(rows[0] as R) === 'number' }));
      return el('th', { className: c.className, attrs: { scope: 'col', ...(sorted ? { 'aria-sort': sort.descending ? 'descending' : 'ascending' } : {}) } }, button);
    }),
  );
  const body = el(
    'tbody',
    {},
    ...sortRows(rows, columns, sort).map((r) => {
      const tr = el('tr', {}, ...columns.map((c) => {
        const v = c.cell(r);
        return el('td', { className: c.className }, typeof v === 'string' ? document.createTextNode(v) : v);
      }));
      decorate?.(r, tr);
      return tr;
    }),
  );
  return el('div', { className: 'table-wrap' }, el('table', { attrs: { id } }, el('thead', {}, head), body));
}
