/**
 * The "Who can…" tab: a form (verb, resource, optional object name) and the answer as a table of
 * paths subject → binding → role → rule, grouped by ServiceAccounts, users and groups.
 */
import * as l10n from '@vscode/l10n';
import { STANDARD_RESOURCES, STANDARD_VERBS } from '../src/permissions/matrix';
import { aggregationText, groupMeaning, mastersNote, pathBinding, pathSubject, pathWhere, ruleText, whoCanNotices, whoCanTitle } from '../src/permissions/present';
import type { WhoCanInput } from '../src/permissions/protocol';
import type { WhoCanPath, WhoCanReport } from '../src/permissions/whoCan';
import { el } from './dom';
import { noticeList } from './permissionsMatrix';

const EXTRA_VERBS = ['deletecollection', 'bind', 'escalate', 'impersonate', 'use', '*'];
const resourceChoices = (): string[] => [...new Set(STANDARD_RESOURCES.map((c) => `${c.resource}${c.group ? `.${c.group}` : ''}${c.subresource ? `/${c.subresource}` : ''}`))];

function field(id: string, label: string, input: HTMLInputElement): HTMLElement {
  input.id = id;
  return el('div', { className: 'field' }, el('label', { text: label, attrs: { for: id } }), input);
}

/** The question form; `ask` gets what was typed (trimmed). */
export function whoCanForm(query: WhoCanInput, ask: (q: WhoCanInput) => void): HTMLFormElement {
  const verb = el('input', { attrs: { type: 'text', list: 'verb-list', value: query.verb, required: '', spellcheck: 'false', autocomplete: 'off' } });
  const resource = el('input', { attrs: { type: 'text', list: 'resource-list', value: query.resource, required: '', spellcheck: 'false', autocomplete: 'off', size: '28' } });
  const name = el('input', { attrs: { type: 'text', value: query.name, spellcheck: 'false', autocomplete: 'off', placeholder: l10n.t('any') } });
  const form = el(
    'form',
    { className: 'who-can-form', attrs: { 'aria-label': l10n.t('Question') } },
    field('who-verb', l10n.t('Verb'), verb),
    field('who-resource', l10n.t('Resource'), resource),
    field('who-name', l10n.t('Object name (optional)'), name),
    el('button', { text: l10n.t('Ask'), className: 'primary', attrs: { type: 'submit' } }),
    el('datalist', { attrs: { id: 'verb-list' } }, ...[...STANDARD_VERBS, ...EXTRA_VERBS].map((v) => el('option', { attrs: { value: v } }))),
    el('datalist', { attrs: { id: 'resource-list' } }, ...resourceChoices().map((r) => el('option', { attrs: { value: r } }))),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ask({ verb: verb.value.trim(), resource: resource.value.trim(), name: name.value.trim() });
  });
  return form;
}

const KINDS: { kind: string; title: () => string }[] = [
  { kind: 'ServiceAccount', title: () => l10n.t('ServiceAccounts') },
  { kind: 'User', title: () => l10n.t('Users') },
  { kind: 'Group', title: () => l10n.t('Groups') },
];

function pathRow(p: WhoCanPath): HTMLElement {
  const meaning = p.subject.kind === 'Group' ? groupMeaning(p.subject.name) : undefined;
  const subject = el('th', { className: 'subject', attrs: { scope: 'row' } }, el('span', { text: pathSubject(p) }));
  if (meaning) subject.append(el('span', { className: 'hint', text: meaning }));
  const role = el('td', { className: 'role' }, el('span', { text: `${p.role.kind} ${p.role.name}` }));
  const aggregated = aggregationText(p);
  if (aggregated) role.append(el('span', { className: 'hint', text: aggregated }));
  return el(
    'tr',
    { className: `path-row${p.resourceNames ? ' limited' : ''}` },
    subject,
    el('td', { className: 'binding', text: pathBinding(p) }),
    role,
    el('td', { className: 'rule', text: ruleText(p.rule) }),
    el('td', { text: pathWhere(p).join(' · ') }),
  );
}

/** The answer under the form. */
export function renderWhoCan(r: WhoCanReport): HTMLElement[] {
  const out: HTMLElement[] = [el('h2', { className: 'question', text: whoCanTitle(r.query) })];
  const notices = noticeList(whoCanNotices(r));
  if (r.paths.length === 0) {
    out.push(el('p', { className: 'empty', text: l10n.t('Nobody, through RBAC.') }));
  } else {
    const head = el('tr', {}, ...[l10n.t('Subject'), l10n.t('Binding'), l10n.t('Role'), l10n.t('Rule'), l10n.t('Where')].map((h) => el('th', { text: h, attrs: { scope: 'col' } })));
    const body: HTMLElement[] = [];
    for (const k of KINDS) {
      const paths = r.paths.filter((p) => p.subject.kind === k.kind);
      if (paths.length === 0) continue;
      body.push(el('tr', { className: 'kind-row' }, el('th', { text: `${k.title()} (${paths.length})`, attrs: { colspan: '5', scope: 'rowgroup' } })), ...paths.map(pathRow));
    }
    out.push(el('div', { className: 'table-wrap' }, el('table', { className: 'who-can' }, el('thead', {}, head), el('tbody', {}, ...body))));
  }
  if (notices) out.push(notices);
  out.push(el('p', { className: 'hint masters', text: mastersNote() }));
  return out;
}
