/**
 * Entry of the Restricted Mode suite (`npm run test:host -- --untrusted`, a tier of `npm test`):
 * workspace trust is on and test/fixtures/untrusted-workspace is opened without trust.
 */
import { runMocha } from '../suite/runMocha';

export function run(): Promise<void> {
  return runMocha({ suite: 'untrusted', testsDir: __dirname, timeoutMs: 30_000 });
}
