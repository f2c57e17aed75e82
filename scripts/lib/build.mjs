// Build steps shared by the test runners and the demo: esbuild bundles and the tsc compile of tests.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from './codeServer.mjs';

const tscBin = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

function run(label, args) {
  const started = Date.now();
  const res = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (res.status === 0) console.log(`${label}: ok (${seconds} s)`);
  return res.status === 0;
}

/** `node esbuild.mjs [--production]`; throws when it fails (nothing to test without bundles). */
export function buildBundles({ production = false } = {}) {
  if (!run(production ? 'esbuild (production)' : 'esbuild', ['esbuild.mjs', ...(production ? ['--production'] : [])])) {
    throw new Error('esbuild failed');
  }
}

/**
 * `tsc -p .` into out/. Type errors do not stop the emit, so a run can go on with what was emitted
 * (other files of the tree may be half-written); the typecheck tier of `npm test` reports them.
 * Returns whether tsc was clean.
 */
export function compileTests() {
  const ok = run('tsc -p .', [tscBin, '-p', '.']);
  if (!ok) console.log('tsc -p .: reported errors (see above); continuing with the emitted JavaScript');
  return ok;
}
