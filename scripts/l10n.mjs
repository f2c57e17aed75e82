// Localization check and helper.
//   node scripts/l10n.mjs            lists every English string (source l10n.t calls, package.nls.json)
//                                    without a zh-cn translation, and every stale translation; exit 1 if any
//   node scripts/l10n.mjs --skeleton prints the missing bundle entries as JSON, ready to translate
// The same comparison runs as a unit test (test/unit/l10n.test.ts).
import { readL10nStatus } from './lib/l10nStatus.mjs';

const status = await readL10nStatus();
if (process.argv.includes('--skeleton')) {
  console.log(JSON.stringify(Object.fromEntries(status.bundle.missing.map((k) => [k, k])), null, 2));
  process.exit(0);
}
const lines = [
  ...status.bundle.missing.map((k) => `missing in l10n/bundle.l10n.zh-cn.json: ${JSON.stringify(k)}`),
  ...status.bundle.stale.map((k) => `stale in l10n/bundle.l10n.zh-cn.json: ${JSON.stringify(k)}`),
  ...status.nls.missing.map((k) => `missing in package.nls.zh-cn.json: ${k}`),
  ...status.nls.stale.map((k) => `stale in package.nls.zh-cn.json: ${k}`),
  ...status.placeholderMismatches.map((k) => `placeholders differ: ${JSON.stringify(k)}`),
];
for (const l of lines) console.log(l);
console.log(`${status.bundle.total} source strings, ${status.nls.total} manifest strings, ${lines.length} problems`);
process.exit(lines.length ? 1 : 0);
