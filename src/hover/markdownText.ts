/**
 * Markdown built from token content, which is attacker-controlled text: a claim can hold
 * `[x](command:…)`, HTML, autolinks or line breaks. Every piece of it goes through `escapeMarkdown`,
 * so the only links in the result are the command links built here from our own ids. Pure.
 */
import * as l10n from '@vscode/l10n';
import { neutraliseBidi } from '../text/displayText';
import type { DoctorReport, Finding, Severity } from '../doctor/findings';
import type { Explanation } from '../jwt/explain';

// CommonMark lets a backslash escape any ASCII punctuation; escaping all of it also breaks
// autolinks (`https\:\/\/…`), entities (`\&amp;`), HTML (`\<img`) and emphasis.
const ASCII_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
// Line breaks would start new blocks (headings, lists); other control characters have no business here.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]+/g;

/** Text shown literally in rendered Markdown, on one line, with bidi controls shown as escapes. */
export function escapeMarkdown(text: string): string {
  return neutraliseBidi(text).replace(CONTROL, ' ').replace(ASCII_PUNCTUATION, '\\$&');
}

/** A `command:` link to one of our commands with JSON arguments (kept in memory only, never in a file). */
export function commandLink(label: string, commandId: string, args: readonly unknown[]): string {
  return `[${escapeMarkdown(label)}](command:${commandId}?${encodeURIComponent(JSON.stringify(args))})`;
}

export interface HoverLinks {
  decodeCommand: string;
  checkCommand: string;
  /** The token the links act on: an argument of the command links, nowhere else. */
  token: string;
}

/** The hover for a decoded token: headline, status, one line per claim, notes, actions. */
export function hoverMarkdown(x: Explanation, links?: HoverLinks): string {
  const parts: string[] = [];
  parts.push(`**${escapeMarkdown(x.headline)}**`);
  parts.push(`*${escapeMarkdown(x.statusText)}*`);
  parts.push(x.rows.map((r) => `**${escapeMarkdown(r.label)}:** ${escapeMarkdown(r.value)}`).join('  \n'));
  for (const note of x.notes) parts.push(escapeMarkdown(note));
  if (links) {
    parts.push(
      [
        commandLink(l10n.t('Decode'), links.decodeCommand, [links.token]),
        commandLink(l10n.t('Check against cluster'), links.checkCommand, [links.token]),
      ].join(' · '),
    );
  }
  return parts.join('\n\n');
}

/**
 * The mark of a severity: a symbol a reader sees at a glance, and the word for screen readers and
 * search. Dingbats in text presentation (✔ ✘ ⚠ ℹ, no emoji variation selector): common text fonts
 * such as DejaVu Sans have them, where colour emoji (✅ ❌) show as empty boxes without an emoji font.
 */
function severityMark(s: Severity): string {
  switch (s) {
    case 'error':
      return `✘ ${l10n.t('Error')}`;
    case 'warning':
      return `⚠ ${l10n.t('Warning')}`;
    case 'info':
      return `ℹ ${l10n.t('Info')}`;
    case 'ok':
      return `✔ ${l10n.t('OK')}`;
  }
}

/** The verdict's symbol, the same one its findings use: accepted ✔, rejected ✘, not found out ⚠. */
export function verdictIcon(r: Pick<DoctorReport, 'verdict'>): string {
  switch (r.verdict) {
    case 'accepted':
      return '✔';
    case 'rejected':
      return '✘';
    case 'unknown':
      return '⚠';
  }
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2, ok: 3 };

/** Findings, most severe first (stable within a severity). */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return findings.map((f, i) => ({ f, i })).sort((a, b) => ORDER[a.f.severity] - ORDER[b.f.severity] || a.i - b.i).map((e) => e.f);
}

export function verdictText(r: DoctorReport): string {
  switch (r.verdict) {
    case 'accepted':
      return l10n.t('The cluster of context "{0}" accepts this token.', r.context);
    case 'rejected':
      return l10n.t('The cluster of context "{0}" rejects this token.', r.context);
    case 'unknown':
      return l10n.t('Could not find out whether the cluster of context "{0}" accepts this token.', r.context);
  }
}

/** `2 errors, 1 warning` style counts for a notification. */
export function countText(findings: readonly Finding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  return l10n.t('{0} error(s), {1} warning(s)', errors, warnings);
}

/** The token as the report's title names it: `demo/ci-deployer`, else its subject. */
export function reportSubject(x: Explanation): string {
  const c = x.claims;
  const sa = c.kubernetes?.serviceAccount?.name ?? c.subjectServiceAccount?.name;
  const ns = c.kubernetes?.namespace ?? c.subjectServiceAccount?.namespace;
  if (sa) return `${ns ?? '?'}/${sa}`;
  return c.subject ?? l10n.t('a token without subject');
}

/**
 * The doctor's report as a Markdown document: a title naming the token and the context with the
 * verdict's symbol, the verdict, then each finding (already in order: the real cause first) with
 * its detail and fix. A fix that an earlier finding already gave is not repeated.
 */
export function doctorMarkdown(r: DoctorReport, x: Explanation): string {
  const out: string[] = [];
  out.push(`# ${verdictIcon(r)} ${escapeMarkdown(l10n.t('Token {0} checked against context "{1}"', reportSubject(x), r.context))}`);
  out.push(escapeMarkdown(l10n.t('Server: {0}', r.server)));
  out.push(`**${escapeMarkdown(verdictText(r))}** ${escapeMarkdown(countText(r.findings))}`);
  out.push(`${escapeMarkdown(x.headline)}  \n${escapeMarkdown(x.statusText)}`);
  const fixes = new Set<string>();
  for (const f of sortFindings(r.findings)) {
    out.push(`## ${escapeMarkdown(`${severityMark(f.severity)}: ${f.title}`)}`);
    // Details can span lines (the permission list): one escaped line each.
    out.push(f.detail.split('\n').map(escapeMarkdown).join('  \n'));
    if (f.fix && !fixes.has(f.fix)) out.push(`**${escapeMarkdown(l10n.t('Fix'))}:** ${escapeMarkdown(f.fix)}`);
    if (f.fix) fixes.add(f.fix);
  }
  return `${out.join('\n\n')}\n`;
}
