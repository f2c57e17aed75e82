/**
 * The servers a differential test runs against, and ONE shared instance of each for the whole run.
 *
 * `K8S_TOKENS_BACKENDS` (comma list) selects them:
 *   - `testserver`: the in-repo test API server (default when the variable is unset);
 *   - `kube-apiserver`: real etcd + kube-apiserver + kube-controller-manager built from Go modules
 *     (`npm run test:real` sets this after building them; missing binaries fail with how to build);
 *   - `kubeconfig`: an existing cluster, `K8S_TOKENS_CLUSTER_KUBECONFIG` (+ `K8S_TOKENS_CLUSTER_CONTEXT`),
 *     selected automatically when that variable is set (`npm run test:cluster`).
 * Both started backends get the same token flags: `productionLikeOptions()` of testserver/options.ts.
 */
import type { ClusterUnderTest, TestCluster } from '../../testserver/api';
import type { RealCluster } from '../../realcluster/launcher/api';
import { startTestCluster } from '../../testserver/index';
import { productionLikeOptions } from '../../testserver/options';
import { closeSharedRealClusters, sharedRealCluster } from '../../realcluster/launcher/index';
import { externalCluster } from './external';

export type BackendName = 'testserver' | 'kube-apiserver' | 'kubeconfig';
const ALL: readonly BackendName[] = ['testserver', 'kube-apiserver', 'kubeconfig'];

export function selectedBackends(env: NodeJS.ProcessEnv = process.env): BackendName[] {
  if (env.K8S_TOKENS_CLUSTER_KUBECONFIG && !env.K8S_TOKENS_BACKENDS) return ['kubeconfig'];
  const names = (env.K8S_TOKENS_BACKENDS ?? 'testserver').split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!ALL.includes(n as BackendName)) throw new Error(`K8S_TOKENS_BACKENDS: unknown backend "${n}" (known: ${ALL.join(', ')})`);
  }
  return names as BackendName[];
}

let testServer: Promise<ClusterUnderTest> | undefined;
let external: Promise<ClusterUnderTest> | undefined;

/** The run's shared cluster of `backend`, started on first use. */
export function sharedCluster(backend: BackendName): Promise<ClusterUnderTest> {
  switch (backend) {
    case 'testserver':
      // seed 'empty': only what a fresh kube-apiserver has (system namespaces, default ServiceAccounts, bootstrap RBAC);
      // a second trusted service-account key like the launcher's.
      return (testServer ??= startTestCluster({ seed: 'empty', serviceAccountKeys: true, ...productionLikeOptions() }));
    case 'kube-apiserver':
      return sharedRealCluster(productionLikeOptions());
    case 'kubeconfig': {
      const file = process.env.K8S_TOKENS_CLUSTER_KUBECONFIG;
      if (!file) return Promise.reject(new Error('the kubeconfig backend needs K8S_TOKENS_CLUSTER_KUBECONFIG'));
      return (external ??= externalCluster(file, process.env.K8S_TOKENS_CLUSTER_CONTEXT));
    }
  }
}

/** Closes every shared cluster (the mocha root hook in hooks.ts calls this once at the end). */
export async function closeSharedClusters(): Promise<void> {
  const started = [testServer, external];
  testServer = external = undefined;
  for (const c of started) await (await c?.catch(() => undefined))?.close();
  await closeSharedRealClusters();
}

/** A call to etcd's v3 JSON gateway (keys and values base64, revisions as strings). */
async function etcd(url: string, api: string, body: Record<string, unknown>): Promise<{ header: { revision: string } }> {
  const res = await fetch(`${url}/v3/${api}`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`etcd ${api}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as { header: { revision: string } };
}

/**
 * Compacts the backend's storage at its current revision, so list continue tokens issued before
 * expire (410). On a real cluster this is what kube-apiserver's own compactor does every
 * `--etcd-compaction-interval` (etcd3/compact.go): record the revision in `compact_rev_key`, which
 * every kube-apiserver watches (the watch cache then drops its older list snapshots; it polls
 * every 15 s), and compact etcd.
 */
export async function compactStorage(backend: BackendName, cluster: ClusterUnderTest): Promise<void> {
  if (backend === 'testserver') return (cluster as TestCluster).compact();
  if (backend !== 'kube-apiserver') throw new Error(`cannot compact the storage of an existing cluster (${backend})`);
  const { etcdUrl } = cluster as RealCluster;
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const { revision } = (await etcd(etcdUrl, 'kv/range', { key: b64('compact_rev_key') })).header;
  await etcd(etcdUrl, 'kv/put', { key: b64('compact_rev_key'), value: b64(revision) });
  await etcd(etcdUrl, 'kv/compaction', { revision, physical: true });
}
