/**
 * Entry of the extension-host benchmark (`extensionTestsPath` = out/bench/host/index.js), run by
 * `npm run bench -- --host` through the same code-server harness as the host tests. Runs the
 * `*.test.js` files of this folder only; they print measurements, they assert behaviour, not time.
 */
import { runMocha } from '../../test/suite/runMocha';

export function run(): Promise<void> {
  return runMocha({ suite: 'bench-host', testsDir: __dirname, timeoutMs: 180_000 });
}
