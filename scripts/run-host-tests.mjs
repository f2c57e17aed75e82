// `npm run test:host [-- --grep <regex>] [--no-build] [--vsix] [--real]`
// Runs the extension-host suite (out/test/suite/**/*.test.js) offline in a real VS Code: code-server
// 4.100.3 (VS Code 1.100.3) driven by Debian's Chromium through playwright-core. See shared/harness.md.
//   --grep <regex>  only tests whose full title matches (env MOCHA_GREP in the extension host)
//   --no-build      skip `node esbuild.mjs` and `tsc -p .` (the caller built already)
//   --vsix          afterwards, also run the packaged-extension smoke suite (scripts/run-vsix-smoke.mjs)
//   --locale <id>   the display-language suite instead (out/test/locale/**/*.test.js, e.g. `--locale zh-cn`):
//                   the workbench in that language through a minimal local language pack
//                   (scripts/lib/languagePack.mjs); it takes the Chinese screenshots of the README
//   --untrusted     the Restricted Mode suite instead (out/test/untrusted/**/*.test.js): workspace trust
//                   on, test/fixtures/untrusted-workspace opened untrusted
//   --real          against a real kube-apiserver instead of the test server (builds the binaries if
//                   needed, npm run build:real); tests titled [testserver-only] are left out
// Exits 0 only when the suite passed. Artifacts: test-results/ (failure.png, ui/, run-console.log).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildBundles, compileTests } from './lib/build.mjs';
import { ensureCodeServer, repoRoot } from './lib/codeServer.mjs';
import { runSuite } from './lib/suiteRun.mjs';

const { values } = parseArgs({
  options: {
    grep: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    vsix: { type: 'boolean', default: false },
    locale: { type: 'string' },
    untrusted: { type: 'boolean', default: false },
    real: { type: 'boolean', default: false },
    // The real cluster adds its start (~10-30 s) and a graceful Pod deletion that must wait 60 s.
    'timeout-min': { type: 'string' },
  },
});

if (values.real) {
  const { ensureBinaries } = await import('./real-cluster/build.mjs');
  try {
    await ensureBinaries();
  } catch (e) {
    console.error(`test:host --real: ${e.message}`);
    process.exit(1);
  }
}
const installSeconds = ensureCodeServer();
if (installSeconds > 0) console.log(`code-server installed in ${installSeconds} s`);
if (!values['no-build']) {
  buildBundles();
  compileTests();
}

const locale = values.locale?.toLowerCase();
const untrusted = values.untrusted;
if (locale && untrusted) {
  console.error('--locale and --untrusted are separate suites: choose one');
  process.exit(2);
}
// Without a CJK font Chromium draws boxes (tofu): the texts would still match, the screenshot would not.
if (locale?.startsWith('zh')) {
  const fonts = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  if (fonts.status !== 0 || fonts.stdout.trim() === '') {
    console.error('no font with Chinese glyphs (fc-list :lang=zh is empty): install Debian\'s fonts-wqy-microhei (.ci/run does)');
    console.log(`K8S_TOKENS_SUITE_RESULT_TOTAL ${JSON.stringify({ suite: `locale-${locale}`, passed: 0, failed: 1, seconds: 0 })}`);
    process.exit(1);
  }
}
const { ok } = await runSuite({
  kind: locale ? `locale-${locale}` : untrusted ? 'untrusted' : values.real ? 'real-run' : 'run',
  label: locale ? `${locale} suite` : untrusted ? 'Restricted Mode suite' : values.real ? 'host suite on kube-apiserver' : 'host suite',
  extensionDevelopmentPath: repoRoot,
  extensionTestsPath: path.join(repoRoot, 'out', 'test', locale ? 'locale' : untrusted ? 'untrusted' : 'suite', 'index.js'),
  locale,
  untrusted,
  folder: untrusted ? path.join(repoRoot, 'test', 'fixtures', 'untrusted-workspace') : undefined,
  env: { ...(values.grep ? { MOCHA_GREP: values.grep } : {}), ...(locale ? { K8S_TOKENS_LOCALE: locale } : {}), ...(values.real ? { K8S_TOKENS_HOST_BACKEND: 'kube-apiserver' } : {}) },
  timeoutMs: Number(values['timeout-min'] ?? (values.real ? 15 : 8)) * 60_000,
  prefix: values.real ? '[host real] ' : '[host] ',
});

let smokeOk = true;
if (values.vsix) {
  const res = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'run-vsix-smoke.mjs'), '--no-build'], { stdio: 'inherit' });
  smokeOk = res.status === 0;
}
process.exit(ok && smokeOk ? 0 : 1);
