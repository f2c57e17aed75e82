// `npm test`: every tier in order, output streamed, and at the very end one line `N passed, N failed`
// with the totals of all tiers. Exits non-zero if anything failed.
//   1. typecheck: `tsc -p .` (also emits out/ for the test tiers: one compiler pass instead of two),
//      and `tsc -p webview --noEmit` when webview/tsconfig.json exists; each counts as one test
//   2. lint: `eslint .`; counts as one test
//   3. bundles: `node esbuild.mjs`; counts as one test
//   4. node tests: mocha --config .mocharc.unit.json (test/unit, test/server, test/differential against
//      the test server); its passing/failing counts
//   4b. real-cluster tier: scripts/real-cluster/test-real.mjs --no-build: builds etcd, kube-apiserver and
//      kube-controller-manager from Go modules if they are not current (needs Go; cached in .cache/),
//      then the differential suite (test/differential) against them; its mocha counts
//   5. extension-host suite in code-server + Chromium (scripts/run-host-tests.mjs --no-build)
//   5b. the same extension-host suite against the real kube-apiserver of tier 4b (--real): the tests
//      titled [testserver-only] (faults, configure) are left out; measured here: ~4 min, of which
//      ~10-30 s start the cluster and ~60 s are a graceful Pod deletion the revoke must wait out
//   6. Chinese UI suite: the workbench in zh-cn, README's Chinese screenshot (scripts/run-host-tests.mjs --no-build --locale zh-cn)
//   7. Restricted Mode suite: an untrusted workspace (scripts/run-host-tests.mjs --no-build --untrusted)
//   8. packaged .vsix smoke suite + file list (scripts/run-vsix-smoke.mjs --no-build)
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = (...p) => path.join(root, 'node_modules', ...p);
const node = process.execPath;

/** Runs a command with its output streamed through, and resolves { code, output, seconds }. */
function run(args) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(node, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    const forward = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on('data', forward(process.stdout));
    child.stderr.on('data', forward(process.stderr));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output, seconds: (Date.now() - started) / 1000 }));
  });
}

/** A check that is not a test suite: one test, passed when the command exits 0. */
const check = (args) => async () => {
  const r = await run(args);
  return { ...r, passed: r.code === 0 ? 1 : 0, failed: r.code === 0 ? 0 : 1 };
};

/** mocha's spec reporter epilogue: "N passing", "N failing", "N pending" (pending counts as failed: no skipped tests). */
const mochaTier = (args) => async () => {
  const r = await run(args);
  const count = (word) => Number(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'm').exec(r.output)?.[1] ?? 0);
  const passed = count('passing');
  let failed = count('failing') + count('pending');
  // A crash before the epilogue (or no test at all) must not pass silently.
  if (r.code !== 0 && failed === 0) failed = 1;
  if (passed + failed === 0) failed = 1;
  return { ...r, passed, failed };
};

/** The runners print `K8S_TOKENS_SUITE_RESULT_TOTAL {"passed":N,"failed":M}` last. */
const hostTier = (args) => async () => {
  const r = await run(args);
  const lines = [...r.output.matchAll(/^K8S_TOKENS_SUITE_RESULT_TOTAL (\{.*\})$/gm)];
  let passed = 0;
  let failed = 1;
  if (lines.length > 0) {
    const total = JSON.parse(lines[lines.length - 1][1]);
    passed = total.passed;
    failed = total.failed;
  }
  if (r.code !== 0 && failed === 0) failed = 1;
  return { ...r, passed, failed };
};

const tscBin = bin('typescript', 'bin', 'tsc');
const tiers = [
  ['typecheck (tsc -p .)', check([tscBin, '-p', '.'])],
  ...(fs.existsSync(path.join(root, 'webview', 'tsconfig.json')) ? [['typecheck (webview)', check([tscBin, '-p', 'webview', '--noEmit'])]] : []),
  ['lint (eslint .)', check([bin('eslint', 'bin', 'eslint.js'), '.'])],
  ['bundles (esbuild)', check(['esbuild.mjs'])],
  ['node tests (mocha)', mochaTier([bin('mocha', 'bin', 'mocha.js'), '--config', '.mocharc.unit.json'])],
  ['real-cluster tier (kube-apiserver from Go modules)', mochaTier([path.join(root, 'scripts', 'real-cluster', 'test-real.mjs'), '--no-build'])],
  ['extension-host suite (code-server)', hostTier([path.join(root, 'scripts', 'run-host-tests.mjs'), '--no-build'])],
  ['extension-host suite on kube-apiserver (code-server)', hostTier([path.join(root, 'scripts', 'run-host-tests.mjs'), '--no-build', '--real'])],
  ['Chinese UI suite (code-server --locale zh-cn)', hostTier([path.join(root, 'scripts', 'run-host-tests.mjs'), '--no-build', '--locale', 'zh-cn'])],
  ['Restricted Mode suite (code-server, untrusted workspace)', hostTier([path.join(root, 'scripts', 'run-host-tests.mjs'), '--no-build', '--untrusted'])],
  ['packaged .vsix smoke suite', hostTier([path.join(root, 'scripts', 'run-vsix-smoke.mjs'), '--no-build'])],
];

// out/ is emitted by the typecheck tier; a test whose source was deleted must not keep running from it.
fs.rmSync(path.join(root, 'out'), { recursive: true, force: true });

const started = Date.now();
const summary = [];
for (const [name, tier] of tiers) {
  console.log(`\n=== ${name} ===`);
  const r = await tier();
  summary.push({ name, ...r });
  console.log(`=== ${name}: ${r.passed} passed, ${r.failed} failed (${r.seconds.toFixed(1)} s)`);
}

const passed = summary.reduce((n, s) => n + s.passed, 0);
const failed = summary.reduce((n, s) => n + s.failed, 0);
console.log(`\n=== summary (${((Date.now() - started) / 1000).toFixed(0)} s) ===`);
for (const s of summary) console.log(`${s.failed > 0 ? 'FAIL' : 'ok  '} ${s.name}: ${s.passed} passed, ${s.failed} failed, ${s.seconds.toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
