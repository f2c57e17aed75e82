/**
 * A who-can answer as Markdown, YAML and CSV (the view's exports). Pure; cluster names are escaped.
 */
import * as l10n from '@vscode/l10n';
import { yaml } from '../loader/yaml';
import { csvLine, mdText } from '../text/tableText';
import { aggregationText, groupMeaning, mastersNote, noteText, pathBinding, pathWhere, pathSubject, ruleText, whoCanNotices, whoCanTitle } from './present';
import type { WhoCanReport } from './whoCan';

export function whoCanMarkdown(r: WhoCanReport): string {
  const out: string[] = [`# ${mdText(whoCanTitle(r.query))}`, ''];
  out.push(mdText(l10n.t('Context {0}. From the RBAC objects, evaluated {1}.', r.context, r.generatedAt)), '');
  for (const n of [...whoCanNotices(r), mastersNote()]) out.push(`> ${mdText(n)}`, '');
  if (r.paths.length === 0) {
    out.push(mdText(l10n.t('Nobody, through RBAC.')), '');
    return out.join('\n');
  }
  out.push(`| ${[l10n.t('Subject'), l10n.t('Binding'), l10n.t('Role'), l10n.t('Rule'), l10n.t('Where')].map(mdText).join(' | ')} |`, '|---|---|---|---|---|');
  for (const p of r.paths) {
    const meaning = p.subject.kind === 'Group' ? groupMeaning(p.subject.name) : undefined;
    const subject = meaning ? `${pathSubject(p)} (${meaning})` : pathSubject(p);
    out.push(`| ${[subject, pathBinding(p), `${p.role.kind} ${p.role.name}`, ruleText(p.rule), [...pathWhere(p), aggregationText(p)].filter(Boolean).join('; ')].map(mdText).join(' | ')} |`);
  }
  out.push('');
  return out.join('\n');
}

export function whoCanYaml(r: WhoCanReport): string {
  const doc = {
    kind: 'WhoCan',
    context: r.context,
    query: { ...r.query, namespace: r.query.namespace || '*' },
    generatedAt: r.generatedAt,
    ...(r.forbidden.length ? { forbidden: r.forbidden } : {}),
    ...(r.notes.length ? { notes: r.notes.map(noteText) } : {}),
    paths: r.paths.map((p) => ({
      subject: p.subject,
      binding: p.binding,
      role: p.role,
      rule: p.rule,
      namespace: p.namespace ?? '*',
      ...(p.resourceNames ? { onlyResourceNames: p.resourceNames } : {}),
      ...(p.aggregatedFrom ? { aggregatedFrom: p.aggregatedFrom } : {}),
    })),
  };
  return yaml().stringify(doc, { lineWidth: 0 });
}

export function whoCanCsv(r: WhoCanReport): string {
  const head = ['subjectKind', 'subjectNamespace', 'subjectName', 'bindingKind', 'bindingNamespace', 'bindingName', 'roleKind', 'roleName', 'verbs', 'apiGroups', 'resources', 'resourceNames', 'namespace', 'aggregatedFrom'];
  const lines = [csvLine(head)];
  for (const p of r.paths) {
    lines.push(
      csvLine([
        p.subject.kind,
        p.subject.namespace ?? '',
        p.subject.name,
        p.binding.kind,
        p.binding.namespace ?? '',
        p.binding.name,
        p.role.kind,
        p.role.name,
        p.rule.verbs.join(' '),
        (p.rule.apiGroups ?? []).map((g) => g || '""').join(' '),
        (p.rule.resources ?? []).join(' '),
        (p.resourceNames ?? p.rule.resourceNames ?? []).join(' '),
        p.namespace ?? '*',
        (p.aggregatedFrom ?? []).join(' '),
      ]),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
