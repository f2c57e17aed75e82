/**
 * The permissions matrix as Markdown (shown in the preview, and exported) and as YAML (exported).
 * Pure. Names come from the cluster, so every piece of data is escaped before it enters Markdown.
 */
import * as l10n from '@vscode/l10n';
import { yaml } from '../common/yaml';
import { allowedCells, type MatrixMethod, type PermissionMatrix } from './matrix';
import { describeGrant } from './rbac';

/** Escapes Markdown syntax (and the table separator) in text from the cluster. */
export function mdText(s: string): string {
  // Only what acts inline: data never starts a line, so block markers (#, -, +) need no escape.
  return s.replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

const groupLabel = (g: string): string => (g === '' ? 'core' : g);

export function methodLabel(method: MatrixMethod): string {
  switch (method) {
    case 'rulesReview':
      return l10n.t('SelfSubjectRulesReview as the ServiceAccount (impersonation)');
    case 'accessReview':
      return l10n.t('SubjectAccessReviews for common resources');
    case 'rbacObjects':
      return l10n.t('evaluation of the RBAC objects readable by you');
  }
}

export function toMarkdown(m: PermissionMatrix): string {
  const sa = `${m.serviceAccount.namespace}/${m.serviceAccount.name}`;
  const out: string[] = [];
  out.push(`# ${mdText(l10n.t('Permissions of ServiceAccount {0}', sa))}`, '');
  out.push(mdText(l10n.t('Context {0}, namespace {1}. Method: {2}. Evaluated {3}.', m.context, m.namespace, methodLabel(m.method), m.generatedAt)), '');
  for (const f of m.fallbacks) out.push(`> ${mdText(f)}`, '');
  for (const n of m.notes) out.push(`> ${mdText(n)}`, '');
  if (m.incomplete) out.push(`> ${mdText(l10n.t('The server marked this list as incomplete: some rules could not be evaluated.'))}`, '');

  if (m.rows.length === 0) {
    out.push(mdText(l10n.t('No resource permissions.')), '');
  } else {
    out.push(`| ${mdText(l10n.t('Resource'))} | ${mdText(l10n.t('API group'))} | ${m.verbs.map(mdText).join(' | ')} |`);
    out.push(`|---|---|${m.verbs.map(() => ':-:').join('|')}|`);
    for (const row of m.rows) {
      const cells = m.verbs.map((v) => {
        const c = row.cells[v];
        if (!c) return '–';
        if (!c.allowed) return '';
        return c.resourceNames ? '✓ⁿ' : '✓';
      });
      out.push(`| ${mdText(row.resource)} | ${mdText(groupLabel(row.group))} | ${cells.join(' | ')} |`);
    }
    out.push('', mdText(l10n.t('✓ allowed · ✓ⁿ only for the named objects listed below · – not checked')), '');
  }

  const allowed = allowedCells(m);
  if (allowed.length) {
    out.push(`## ${mdText(l10n.t('Granted by'))}`, '');
    // One line per resource and grant, listing the verbs it grants.
    const lines = new Map<string, { head: string; verbs: string[]; grant: string }>();
    for (const c of allowed) {
      const grant = c.grants.length ? c.grants.map(describeGrant).join('; ') : l10n.t('binding not determined');
      const names = c.resourceNames ? ` ${l10n.t('(only {0})', c.resourceNames.join(', '))}` : '';
      const key = `${c.group}\u0000${c.resource}\u0000${grant}\u0000${names}`;
      const entry = lines.get(key) ?? { head: `${c.resource} (${groupLabel(c.group)})${names}`, verbs: [], grant };
      entry.verbs.push(c.verb);
      lines.set(key, entry);
    }
    for (const e of lines.values()) out.push(`- **${mdText(e.head)}**: ${mdText(e.verbs.join(', '))} ← ${mdText(e.grant)}`);
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
    namespace: m.namespace,
    method: m.method,
    generatedAt: m.generatedAt,
    incomplete: m.incomplete,
    ...(m.fallbacks.length ? { fallbacks: m.fallbacks } : {}),
    ...(m.notes.length ? { notes: m.notes } : {}),
    resources: m.rows.map((row) => {
      const verbs = m.verbs.filter((v) => row.cells[v] !== undefined);
      const allowed = verbs.filter((v) => row.cells[v].allowed);
      const restricted = Object.fromEntries(allowed.filter((v) => row.cells[v].resourceNames).map((v) => [v, row.cells[v].resourceNames]));
      return {
        apiGroup: row.group,
        resource: row.resource,
        allowed,
        denied: verbs.filter((v) => !row.cells[v].allowed),
        ...(Object.keys(restricted).length ? { resourceNames: restricted } : {}),
        grantedBy: Object.fromEntries(allowed.filter((v) => row.cells[v].grants.length).map((v) => [v, row.cells[v].grants.map(describeGrant)])),
      };
    }),
    ...(m.nonResource.length ? { nonResourceURLs: m.nonResource } : {}),
  };
  return yaml().stringify(doc, { lineWidth: 0 });
}
