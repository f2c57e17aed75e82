// `npm run test:real [-- --no-build] [--grep <regex>]`: builds the real-cluster binaries if needed
// (build.mjs; cached), compiles the tests (tsc -p ., unless --no-build), and runs the real tier: the
// differential suite (test/differential, .mocharc.real.json) against a real etcd + kube-apiserver +
// kube-controller-manager. K8S_TOKENS_BACKENDS picks the backends (default here: kube-apiserver;
// `testserver,kube-apiserver` runs both side by side). Prints mocha's output; exits with its code.
// scripts/test-all.mjs runs this with --no-build as the real-cluster tier of `npm test`.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ensureBinaries } from './build.mjs';
import { repoRoot } from './gomod.mjs';

const argv = process.argv.slice(2);
const noBuild = argv.includes('--no-build');
const grepAt = argv.indexOf('--grep');

const started = Date.now();
try {
  await ensureBinaries();
} catch (e) {
  console.error(`test:real: ${e.message}`);
  process.exit(1);
}
if (!noBuild) {
  const tsc = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: repoRoot, stdio: 'inherit' });
  if (tsc.status !== 0) console.log('test:real: tsc reported errors (see above); running what was emitted');
}
const mocha = spawnSync(
  process.execPath,
  [path.join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--config', '.mocharc.real.json', ...(grepAt >= 0 ? ['--grep', argv[grepAt + 1]] : [])],
  { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, K8S_TOKENS_BACKENDS: process.env.K8S_TOKENS_BACKENDS ?? 'kube-apiserver' } },
);
console.log(`test:real: ${mocha.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(mocha.status ?? 1);
