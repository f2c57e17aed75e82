/**
 * The permissions matrix as Markdown, YAML and CSV (the view's exports). Pure. Names come from the
 * cluster, so every piece of data is escaped before it enters Markdown or CSV.
 */
import * as l10n from '@vscode/l10n';
import { yaml } from '../loader/yaml';
import { csvLine, mdText } from '../text/tableText';
import { cellState, type PermissionMatrix } from './matrix';
import { CELL_SYMBOLS, grantLines, legend, matrixNotices, methodLabel, scopeLabel } from './present';
import { describeGrant } from './rbac';

export { methodLabel };

const groupLabel = (g: string): string => (g === '' ? 'core' : g);

export function toMarkdown(m: PermissionMatrix): string {
  const sa = `${m.serviceAccount.namespace}/${m.serviceAccount.name}`;
  const out: string[] = [];
  out.push(`# ${mdText(l10n.t('Permissions of ServiceAccount {0}', sa))}`, '');
  out.push(mdText(l10n.t('Context {0}, {1}. Method: {2}. Evaluated {3}.', m.context, scopeLabel(m.namespace), methodLabel(m.method), m.generatedAt)), '');
  for (const n of matrixNotices(m)) out.push(`> ${mdText(n)}`, '');

  if (m.rows.length === 0) {
    out.push(mdText(l10n.t('No resource permissions.')), '');
  } else {
    out.push(`| ${mdText(l10n.t('Resource'))} | ${mdText(l10n.t('API group'))} | ${m.verbs.map(mdText).join(' | ')} |`);
    out.push(`|---|---|${m.verbs.map(() => ':-:').join('|')}|`);
    for (const row of m.rows) {
      const cells = m.verbs.map((v) => CELL_SYMBOLS[cellState(m, row.cells[v])]);
      out.push(`| ${mdText(row.resource)} | ${mdText(groupLabel(row.group))} | ${cells.map(mdText).join(' | ')} |`);
    }
    out.push('', mdText(legend()), '');
  }

  const lines = grantLines(m);
  if (lines.length) {
    out.push(`## ${mdText(l10n.t('Granted by'))}`, '');
    for (const e of lines) out.push(`- **${mdText(e.resource)}**: ${mdText(e.verbs.join(', '))} ← ${mdText(e.grant)}`);
    out.push('');
  }

  if (m.nonResource.length) {
    out.push(`## ${mdText(l10n.t('Non-resource URLs'))}`, '');
    for (const n of m.nonResource) out.push(`- ${mdText(n.verbs.join(', '))}: ${mdText(n.urls.join(', '))}`);
    out.push('');
  }
  return out.join('\n');
}

/** A plain data document: per resource the allowed and denied verbs, and who grants what. */
export function toYaml(m: PermissionMatrix): string {
  const doc = {
    kind: 'ServiceAccountPermissions',
    context: m.context,
    serviceAccount: m.serviceAccount,
    namespace: m.namespace || '*',
    method: m.method,
    generatedAt: m.generatedAt,
    incomplete: m.incomplete,
    ...(m.evaluationError ? { evaluationError: m.evaluationError } : {}),
    ...(m.fallbacks.length ? { fallbacks: m.fallbacks } : {}),
    ...(m.notes.length ? { notes: m.notes } : {}),
    resources: m.rows.map((row) => {
      const verbs = m.verbs.filter((v) => row.cells[v] !== undefined);
      const allowed = verbs.filter((v) => row.cells[v].allowed);
      const restricted = Object.fromEntries(allowed.filter((v) => row.cells[v].resourceNames).map((v) => [v, row.cells[v].resourceNames]));
      const scoped = Object.fromEntries(allowed.filter((v) => row.cells[v].namespaces).map((v) => [v, row.cells[v].namespaces]));
      return {
        apiGroup: row.group,
        resource: row.resource,
        allowed,
        [m.incomplete ? 'notListed' : 'denied']: verbs.filter((v) => !row.cells[v].allowed),
        ...(Object.keys(restricted).length ? { resourceNames: restricted } : {}),
        ...(Object.keys(scoped).length ? { onlyInNamespaces: scoped } : {}),
        grantedBy: Object.fromEntries(allowed.filter((v) => row.cells[v].grants.length).map((v) => [v, row.cells[v].grants.map(describeGrant)])),
      };
    }),
    ...(m.nonResource.length ? { nonResourceURLs: m.nonResource } : {}),
  };
  return yaml().stringify(doc, { lineWidth: 0 });
}

/** One line per checked cell: what a spreadsheet filters and sorts. States are the same words in every language. */
export function toCsv(m: PermissionMatrix): string {
  const lines = [csvLine(['apiGroup', 'resource', 'verb', 'state', 'resourceNames', 'namespaces', 'grantedBy'])];
  for (const row of m.rows) {
    for (const verb of m.verbs) {
      const cell = row.cells[verb];
      if (!cell) continue;
      lines.push(csvLine([row.group, row.resource, verb, cellState(m, cell), (cell.resourceNames ?? []).join(' '), (cell.namespaces ?? []).join(' '), cell.grants.map(describeGrant).join('; ')]));
    }
  }
  for (const n of m.nonResource) for (const url of n.urls) lines.push(csvLine(['', url, n.verbs.join(' '), 'allowed', '', '', '']));
  return lines.join('\r\n') + '\r\n';
}
