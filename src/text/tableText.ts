/**
 * Foreign text placed into the cells of an export: CSV fields (RFC 4180) and Markdown table cells.
 * Names, user agents and messages come from clusters and logs, so every piece of data is escaped
 * before it enters Markdown or CSV. Pure.
 */

/**
 * A CSV field. Text may start with `=`, `+`, `-` or `@`, which spreadsheets run as a formula: such a
 * field gets a leading apostrophe (the OWASP CSV-injection advice).
 */
export function csvField(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}

/** Escapes Markdown syntax (and the table separator) in text from a cluster or a log. */
export function mdText(s: string): string {
  // Only what acts inline: data never starts a line, so block markers (#, -, +) need no escape.
  return s.replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}
