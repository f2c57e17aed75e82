// `node scripts/run-vsix-smoke.mjs [--no-build]` (also `npm run test:host -- --vsix`)
// Proves the PACKAGE works, not just the source tree: `vsce package --no-dependencies` (production
// build through vscode:prepublish) into dist/k8s-sa-tokens.vsix, checks its file list, installs it with
// `code-server --install-extension` into a fresh extensions folder, and runs the smoke suite
// (out/test/smoke) through the probe extension test/smoke/probe. Exits 0 only when all of it passed.
//   --no-build  skip `tsc -p .` (the smoke tests are already compiled)
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { compileTests } from './lib/build.mjs';
import { ensureCodeServer, installVsix, repoRoot } from './lib/codeServer.mjs';
import { runSuite } from './lib/suiteRun.mjs';
import { checkVsixEntries, listZip, packageVsix } from './lib/vsix.mjs';

const { values } = parseArgs({ options: { 'no-build': { type: 'boolean', default: false } } });

function fail(message) {
  console.log(`vsix smoke: ${message}`);
  console.log(`K8S_TOKENS_SUITE_RESULT_TOTAL ${JSON.stringify({ suite: 'smoke', passed: 0, failed: 1 })}`);
  process.exit(1);
}

ensureCodeServer();
if (!values['no-build']) compileTests();

let vsix;
try {
  vsix = packageVsix();
} catch (err) {
  fail(err.message);
}

// The file list is one more test of the package: only what runs may be in it.
const entries = listZip(vsix);
const problems = checkVsixEntries(entries);
console.log(`vsix smoke: ${path.relative(repoRoot, vsix)} holds ${entries.length} entries`);
for (const p of problems) console.log(`vsix smoke: FAILED file list: ${p}`);

const { ok, passed, failed } = await runSuite({
  kind: 'smoke',
  label: 'vsix smoke',
  extensionDevelopmentPath: path.join(repoRoot, 'test', 'smoke', 'probe'),
  extensionTestsPath: path.join(repoRoot, 'out', 'test', 'smoke', 'index.js'),
  timeoutMs: 4 * 60_000,
  prefix: '[smoke] ',
  printTotal: false,
  prepare: ({ userDataDir, extensionsDir }) => {
    const started = Date.now();
    installVsix({ vsix, userDataDir, extensionsDir });
    console.log(`vsix smoke: installed into ${path.relative(repoRoot, extensionsDir)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  },
});

// The file-list check counts as one test beside the suite's.
const listOk = problems.length === 0;
console.log(`vsix smoke: file list ${listOk ? 'ok' : 'FAILED'}`);
console.log(`K8S_TOKENS_SUITE_RESULT_TOTAL ${JSON.stringify({ suite: 'smoke+filelist', passed: passed + (listOk ? 1 : 0), failed: failed + (listOk ? 0 : 1) })}`);
process.exit(ok && listOk ? 0 : 1);
