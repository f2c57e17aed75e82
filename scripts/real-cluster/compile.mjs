// `tsc -p .` only when some TypeScript source under the given folders is newer than its emitted
// JavaScript in out/ (a full tsc costs up to a minute on a busy 2-core machine).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './gomod.mjs';

function* tsFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(full);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield full;
  }
}

/** Whether any .ts under `folders` (relative to the repo) has no newer .js in out/. */
export function isStale(folders) {
  for (const folder of folders) {
    for (const file of tsFiles(path.join(repoRoot, folder))) {
      const js = path.join(repoRoot, 'out', path.relative(repoRoot, file)).replace(/\.ts$/, '.js');
      if (!fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(file).mtimeMs) return true;
    }
  }
  return false;
}

/** Runs `tsc -p .` if stale; type errors do not stop the emit, so only a missing emit is fatal later. */
export function compileIfStale(folders) {
  if (!isStale(folders)) return;
  const started = Date.now();
  const res = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: repoRoot, stdio: 'inherit' });
  console.log(`tsc -p .: ${res.status === 0 ? 'ok' : 'reported errors (see above)'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
