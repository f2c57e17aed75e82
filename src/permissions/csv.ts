/**
 * CSV lines (RFC 4180) for the exports. Text from the cluster may start with `=`, `+`, `-` or `@`,
 * which spreadsheets run as a formula: such a field gets a leading apostrophe (the OWASP
 * CSV-injection advice). Pure.
 */

export function csvField(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}
