/**
 * Object-name validation messages from apimachinery `validation/validation.go`.
 */
import type { FieldError } from './status';

const dns1123LabelFmt = '[a-z0-9](?:[-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainRe = new RegExp(`^${dns1123LabelFmt}(?:\\.${dns1123LabelFmt})*$`);
const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);

export type NameRule = 'subdomain' | 'label' | 'pathSegment';

/** The errors of `name` under `rule`, reported at `field` (the object's name by default). */
export function validateName(name: string, rule: NameRule, field = 'metadata.name'): FieldError[] {
  if (!name) return [{ type: 'Required value', field, detail: 'name or generateName is required' }];
  const errs: FieldError[] = [];
  if (rule === 'pathSegment') {
    if (name === '.' || name === '..') errs.push({ type: 'Invalid value', field, value: name, detail: `may not be '${name}'` });
    for (const bad of ['/', '%']) if (name.includes(bad)) errs.push({ type: 'Invalid value', field, value: name, detail: `may not contain '${bad}'` });
    return errs;
  }
  if (rule === 'label') {
    if (name.length > 63) errs.push({ type: 'Invalid value', field, value: name, detail: 'must be no more than 63 characters' });
    if (!dns1123LabelRe.test(name)) {
      errs.push({
        type: 'Invalid value',
        field,
        value: name,
        detail: `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${dns1123LabelFmt}')`,
      });
    }
    return errs;
  }
  if (name.length > 253) errs.push({ type: 'Invalid value', field, value: name, detail: 'must be no more than 253 characters' });
  if (!dns1123SubdomainRe.test(name)) {
    errs.push({
      type: 'Invalid value',
      field,
      value: name,
      detail: `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${dns1123LabelFmt}(\\.${dns1123LabelFmt})*')`,
    });
  }
  return errs;
}
