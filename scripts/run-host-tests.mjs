// `npm run test:host [-- --grep <regex>] [--no-build] [--vsix] [--real]`
// Runs the extension-host suite (out/test/suite/**/*.test.js) offline in a real VS Code: code-server
// 4.100.3 (VS Code 1.100.3) driven by Debian's Chromium through playwright-core. See shared/harness.md.
//   --grep <regex>  only tests whose full title matches (env MOCHA_GREP in the extension host)
//   --no-build      skip `node esbuild.mjs` and `tsc -p .` (the caller built already)
//   --vsix          afterwards, also run the packaged-extension smoke suite (scripts/run-vsix-smoke.mjs)
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

const { ok } = await runSuite({
  kind: values.real ? 'real-run' : 'run',
  label: values.real ? 'host suite on kube-apiserver' : 'host suite',
  extensionDevelopmentPath: repoRoot,
  extensionTestsPath: path.join(repoRoot, 'out', 'test', 'suite', 'index.js'),
  env: { ...(values.grep ? { MOCHA_GREP: values.grep } : {}), ...(values.real ? { K8S_TOKENS_HOST_BACKEND: 'kube-apiserver' } : {}) },
  timeoutMs: Number(values['timeout-min'] ?? (values.real ? 15 : 8)) * 60_000,
  prefix: values.real ? '[host real] ' : '[host] ',
});

let smokeOk = true;
if (values.vsix) {
  const res = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'run-vsix-smoke.mjs'), '--no-build'], { stdio: 'inherit' });
  smokeOk = res.status === 0;
}
process.exit(ok && smokeOk ? 0 : 1);
