// A minimal local VS Code language pack, so code-server shows the extension in another display
// language without the marketplace (vscode-language-pack-zh-hans cannot be downloaded here).
//
// How VS Code 1.100 / code-server 4.100.3 picks the display language (read from its server-main.js):
// the workbench page takes the locale from code-server's `--locale`, else argv.json's `locale`, else
// the `vscode.nls.locale` cookie, else the browser's Accept-Language. The server then looks the locale
// up in `<user-data-dir>/languagepacks.json` (trying `zh-cn`, then `zh`); without an entry whose
// `translations.vscode` file exists it falls back to English everywhere. With one, it writes the
// workbench messages from that translation file (missing keys stay English) and starts the extension
// host with that language: `vscode.env.language` is the locale, so extensions load
// `l10n/bundle.l10n.<locale>.json` and `package.nls.<locale>.json`.
// The pack written here has an empty translation file: VS Code's own UI stays English, the
// extension's strings appear translated. languagepacks.json is rewritten by VS Code only when an
// extension contributing `localizations` is installed or removed, so the entry stays.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const LABELS = { 'zh-cn': '中文(简体)' };

/** Writes the pack for `locale` into `userDataDir` (languagepacks.json plus one translation file). */
export function installMinimalLanguagePack(userDataDir, locale) {
  const id = locale.toLowerCase();
  const dir = path.join(userDataDir, `minimal-language-pack-${id}`);
  fs.mkdirSync(dir, { recursive: true });
  const translations = path.join(dir, 'main.i18n.json');
  const text = JSON.stringify({ version: '1.0.0', contents: {} });
  fs.writeFileSync(translations, text);
  const packs = {
    [id]: {
      // Names the cache folder of the generated messages (<user-data-dir>/clp/<hash>.<locale>).
      hash: createHash('md5').update(text).digest('hex'),
      extensions: [{ extensionIdentifier: { id: `local.minimal-language-pack-${id}` }, version: '1.0.0' }],
      translations: { vscode: translations },
      label: LABELS[id] ?? id,
    },
  };
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify(packs, null, 2));
}
