/**
 * The two reports as Markdown and CSV, and the names of their untitled documents
 * (`token-audit-audit-log.md`, `legacy-tokens-prod.csv`). Every text in the reports was made safe
 * to show (auditReport.ts, legacyReport.ts); here it is escaped for Markdown or CSV. Times are UTC
 * ISO 8601, for spreadsheets and for readers in any time zone. Pure: no `vscode`.
 */
import * as l10n from '@vscode/l10n';
import { csvLine, mdText } from '../text/tableText';
import { trimChars } from '../text/displayText';
import { actionLabel, adviceFor, auditSummary, kindLabel, RELOADING_CLIENTS_SOURCE } from './advice';
import type { AuditReport, AuditRow, ExportFormat, LegacyReport, Report } from './protocol';

const EXT: Record<ExportFormat, string> = { markdown: 'md', csv: 'csv' };
const slug = (s: string): string => trimChars(s.toLowerCase().replace(/[^a-z0-9]+/g, '-'), '-').slice(0, 60) || 'report';

/** The last part of a path, either separator. */
const baseName = (p: string): string => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);

export function exportName(r: Report, format: ExportFormat): string {
  const base = r.kind === 'audit' ? `token-audit-${slug(baseName(r.audit.source))}` : `legacy-tokens-${slug(r.legacy.context)}`;
  return `${base}.${EXT[format]}`;
}

const list = (values: readonly string[], more: boolean): string => values.join(', ') + (more ? ', …' : '');

function auditColumns(): string[] {
  return [l10n.t('Kind'), l10n.t('Identity'), l10n.t('Namespace'), l10n.t('ServiceAccount'), l10n.t('Pod'), l10n.t('Credential'), l10n.t('Requests'), l10n.t('First seen'), l10n.t('Last seen'), l10n.t('User agents'), l10n.t('Source IPs'), l10n.t('What to do')];
}

function auditFields(r: AuditRow): string[] {
  const credential = r.credentialId || (r.secret ? l10n.t('Secret {0}', r.secret) : '');
  const requests = r.refused > 0 ? l10n.t('{0} ({1} refused)', r.count, r.refused) : String(r.count);
  return [kindLabel(r.kind), r.identity, r.namespace, r.serviceAccount, r.pod, credential, requests, r.firstSeen ?? '', r.lastSeen ?? '', list(r.userAgents, r.moreUserAgents), list(r.sourceIps, r.moreSourceIps), adviceFor(r)];
}


function auditMarkdown(a: AuditReport): string {
  const out = [`# ${mdText(l10n.t('Stale and legacy token use in {0}', a.source))}`, ''];
  for (const s of auditSummary(a)) out.push(mdText(s), '');
  if (a.rows.length === 0) {
    out.push(mdText(l10n.t('No request used a stale or legacy ServiceAccount token.')), '');
  } else {
    const cols = auditColumns();
    out.push(`| ${cols.map(mdText).join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`);
    for (const r of a.rows) out.push(`| ${auditFields(r).map(mdText).join(' | ')} |`);
    out.push('');
  }
  out.push(mdText(l10n.t('Client library versions from the Amazon EKS user guide: {0}', RELOADING_CLIENTS_SOURCE)), '');
  out.push(mdText(l10n.t('Generated {0}.', a.generatedAt)), '');
  return out.join('\n');
}

function legacyColumns(): string[] {
  return [l10n.t('Secret'), l10n.t('ServiceAccount'), l10n.t('Last used'), l10n.t('Invalid since'), l10n.t('Workload'), l10n.t('Pods'), l10n.t('Uses'), l10n.t('Migration'), l10n.t('Notes')];
}


/** One line per Secret and workload using it (a Secret nothing uses gets one line of its own). */
function legacyRows(l: LegacyReport): string[][] {
  const rows: string[][] = [];
  for (const s of l.secrets) {
    const head = [`${s.namespace}/${s.name}`, s.serviceAccount, s.lastUsed ?? '', s.invalidSince ?? ''];
    if (s.workloads.length === 0) rows.push([...head, '', '', '', '', l10n.t('No Pod or workload mounts it.')]);
    for (const id of s.workloads) {
      const w = l.workloads[id];
      if (w) rows.push([...head, `${w.kind} ${w.namespace}/${w.name}`, w.pods.join(', '), w.uses.join('; '), actionLabel(w.action) + (w.document ? ` (${w.document})` : ''), w.notes.join(' ')]);
    }
  }
  return rows;
}

function legacyMarkdown(l: LegacyReport): string {
  const out = [`# ${mdText(l10n.t('Legacy token Secrets in context {0}', l.context))}`, ''];
  out.push(mdText(l.clusterWide ? l10n.t('All namespaces.') : l10n.t('Namespaces: {0}.', l.namespaces.join(', ') || '–')), '');
  for (const n of l.notes) out.push(`> ${mdText(n)}`, '');
  const cols = legacyColumns();
  if (l.secrets.length === 0) out.push(mdText(l10n.t('No legacy token Secrets.')), '');
  else {
    out.push(`| ${cols.map(mdText).join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`);
    for (const r of legacyRows(l)) out.push(`| ${r.map(mdText).join(' | ')} |`);
    out.push('');
  }
  out.push(mdText(l10n.t('Generated {0}.', l.generatedAt)), '');
  return out.join('\n');
}

export function serializeReport(r: Report, format: ExportFormat): string {
  if (format === 'markdown') return r.kind === 'audit' ? auditMarkdown(r.audit) : legacyMarkdown(r.legacy);
  const lines = r.kind === 'audit' ? [auditColumns(), ...r.audit.rows.map(auditFields)] : [legacyColumns(), ...legacyRows(r.legacy)];
  return lines.map(csvLine).join('\r\n') + '\r\n';
}
