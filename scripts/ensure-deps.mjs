// Runs before `npm start` and `npm test` (pre-scripts): on a fresh clone, installs the npm
// dependencies with `npm ci`, so the README's two commands are all a new machine needs.
// Uses only Node built-ins because nothing else is installed yet.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
if (!fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
  console.log('node_modules missing: npm ci');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
