/**
 * Entry of the display-language suite (`npm run test:host -- --locale zh-cn`, a tier of `npm test`):
 * the workbench runs in the language of env K8S_TOKENS_LOCALE through a minimal local language pack
 * (scripts/lib/languagePack.mjs), and the tests of out/test/locale/<locale>/ run in it.
 */
import * as path from 'node:path';
import { runMocha } from '../suite/runMocha';

export function run(): Promise<void> {
  const locale = process.env.K8S_TOKENS_LOCALE ?? 'zh-cn';
  return runMocha({ suite: `locale-${locale}`, testsDir: path.join(__dirname, locale), timeoutMs: 30_000 });
}
