/**
 * Entry of the extension-host test suite (`extensionTestsPath` = out/test/suite/index.js).
 * VS Code calls run() inside the extension host once the development extension is registered.
 * Runs every out/test/suite/**\/*.test.js; env MOCHA_GREP filters tests by title. On the real
 * kube-apiserver (K8S_TOKENS_HOST_BACKEND, `npm run test:host -- --real`) the cluster is started and
 * seeded first, tests titled [testserver-only] are left out, and the cluster is stopped at the end.
 */
import { closeSharedRealClusters } from '../../realcluster/launcher/shared';
import { hostBackend, TESTSERVER_ONLY } from './hostCluster';
import { startSuiteCluster } from './helpers';
import { runMocha } from './runMocha';

export async function run(): Promise<void> {
  const real = hostBackend() === 'kube-apiserver';
  try {
    await runMocha({ suite: real ? 'host (kube-apiserver)' : 'host', testsDir: __dirname, timeoutMs: 30_000, excludeTag: real ? TESTSERVER_ONLY : undefined, setup: real ? startSuiteCluster : undefined });
  } finally {
    if (real) await closeSharedRealClusters();
  }
}
