// Compares the English strings of the extension with the Simplified Chinese translations.
// Source strings are extracted from every l10n.t / vscode.l10n.t call in src/ and webview/ with
// @vscode/l10n-dev (the same extractor `npx @vscode/l10n-dev export` uses).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getL10nJson } from '@vscode/l10n-dev';

const root = path.resolve(import.meta.dirname, '..', '..');

function tsFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

const readJson = (rel) => JSON.parse(fs.readFileSync(path.join(root, rel), 'utf8'));
const keyOf = (entry, key) => (typeof entry === 'object' && entry !== null ? entry.message : key);
const placeholders = (s) => [...s.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort().join(',');

function compare(english, translated) {
  const missing = Object.keys(english).filter((k) => typeof translated[k] !== 'string' || translated[k].trim() === '');
  const stale = Object.keys(translated).filter((k) => !(k in english));
  return { total: Object.keys(english).length, missing, stale };
}

/** Missing and stale translations, and translations whose {n} placeholders differ from the English. */
export async function readL10nStatus() {
  const files = [...tsFiles(path.join(root, 'src')), ...tsFiles(path.join(root, 'webview'))];
  const extracted = await getL10nJson(files.map((f) => ({ extension: '.ts', contents: fs.readFileSync(f, 'utf8') })));
  const english = Object.fromEntries(Object.entries(extracted).map(([k, v]) => [k, keyOf(v, k)]));
  const zhBundle = readJson('l10n/bundle.l10n.zh-cn.json');
  const nls = readJson('package.nls.json');
  const zhNls = readJson('package.nls.zh-cn.json');
  const nlsText = (v) => (typeof v === 'string' ? v : v.message);
  const placeholderMismatches = [
    ...Object.entries(english).filter(([k, v]) => typeof zhBundle[k] === 'string' && placeholders(v) !== placeholders(zhBundle[k])).map(([k]) => k),
    ...Object.entries(nls).filter(([k, v]) => typeof zhNls[k] === 'string' && placeholders(nlsText(v)) !== placeholders(zhNls[k])).map(([k]) => k),
  ];
  return { bundle: compare(english, zhBundle), nls: compare(nls, zhNls), placeholderMismatches };
}
