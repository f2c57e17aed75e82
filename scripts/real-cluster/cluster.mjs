// `npm run cluster:real [-- options]`: builds the binaries if needed (build.mjs), compiles the launcher
// if its JavaScript in out/ is older than its sources, then runs realcluster/launcher/cli.ts in this
// process (options: that file's header). Stops cleanly on Ctrl-C / SIGTERM.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ensureBinaries } from './build.mjs';
import { compileIfStale } from './compile.mjs';
import { repoRoot } from './gomod.mjs';

try {
  await ensureBinaries();
  compileIfStale(['realcluster', 'testserver']);
} catch (e) {
  console.error(`cluster:real: ${e.message}`);
  process.exit(1);
}
const cli = path.join(repoRoot, 'out', 'realcluster', 'launcher', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error(`cluster:real: ${path.relative(repoRoot, cli)} is missing after tsc`);
  process.exit(1);
}
await createRequire(import.meta.url)(cli).main(process.argv.slice(2));
