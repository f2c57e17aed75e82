/**
 * Entry of the packaged-extension smoke suite (`extensionTestsPath` = out/test/smoke/index.js), run by
 * scripts/run-vsix-smoke.mjs with test/smoke/probe as the development extension and the .vsix installed.
 */
import { runMocha } from '../suite/runMocha';

export function run(): Promise<void> {
  return runMocha({ suite: 'smoke', testsDir: __dirname, timeoutMs: 30_000 });
}
