/**
 * Entry of the extension-host test suite (`extensionTestsPath` = out/test/suite/index.js).
 * VS Code calls run() inside the extension host once the development extension is registered.
 * Runs every out/test/suite/**\/*.test.js; env MOCHA_GREP filters tests by title.
 */
import { runMocha } from './runMocha';

export function run(): Promise<void> {
  return runMocha({ suite: 'host', testsDir: __dirname, timeoutMs: 30_000 });
}
