/**
 * One real cluster for a whole test run (like test/suite/helpers.ts `testCluster()` for the test
 * server): the first call starts it, later calls get the same instance. Starting costs seconds, so
 * suites share it and isolate themselves with their own namespaces and object names.
 *
 * Closing: `closeSharedRealClusters()` (e.g. in a mocha root `afterAll` hook). A run that just exits
 * is cleaned up as well: the watchdog stops the processes and removes the folder when this process ends.
 */
import type { RealCluster, RealClusterOptions } from './api';
import { startRealCluster } from './cluster';

const instances = new Map<string, { options: string; cluster: Promise<RealCluster> }>();

/**
 * The shared cluster for `key` (default 'default'), started with `opts` on first use. A later call
 * with the same key and DIFFERENT options is an error: the options would silently not apply.
 */
export function sharedRealCluster(opts: RealClusterOptions = {}, key = 'default'): Promise<RealCluster> {
  const options = JSON.stringify(opts, (k, v: unknown) => (k === 'log' || k === 'etcdOf' ? undefined : v));
  const existing = instances.get(key);
  if (existing && existing.options !== options) {
    return Promise.reject(new Error(`sharedRealCluster('${key}') was already started with other options: ${existing.options} (now ${options}); use another key`));
  }
  if (existing) return existing.cluster;
  const cluster = startRealCluster(opts);
  // A failed start is not kept: the next caller gets a fresh attempt (and the same clear error).
  cluster.catch(() => instances.delete(key));
  instances.set(key, { options, cluster });
  return cluster;
}

/** Closes every shared cluster, the last started first (a cluster on another's etcd before that one). */
export async function closeSharedRealClusters(): Promise<void> {
  const all = [...instances.values()].map((i) => i.cluster);
  instances.clear();
  const clusters = (await Promise.allSettled(all)).flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  for (const c of clusters.reverse()) await c.close();
}
