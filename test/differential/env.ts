/**
 * `forEachBackend(title, body)`: the differential suite's one building block. It declares
 * `describe('<title> [<backend>]')` once per selected backend (backends.ts) and hands `body` a
 * `DiffEnv` for it, so the SAME `it(...)`s with the SAME assertions run against the test server and
 * the real kube-apiserver. Write assertions about documented kube-apiserver behaviour only; where the
 * two answer differently, the real server is right (see testserver/README.md "Known differences").
 *
 *   forEachBackend('TokenRequest', (env) => {
 *     it('clamps to --service-account-max-token-expiration with a warning', async () => {
 *       const sa = await env.serviceAccount('clamped');
 *       ... env.admin (a ContextClient of src/kube), env.ns (a scratch namespace), env.cluster.maxTokenExpirationSeconds
 *     });
 *   });
 *
 * Every describe gets its own scratch namespace `k8s-tokens-diff-<random>` (deleted after), and
 * shares the run's cluster with the others: use `env.ns` and unique names for cluster-scoped objects.
 * Real servers cache authentication (10 s) and authorization decisions briefly: wait with
 * `env.eventually` where a change must take effect, never with a fixed sleep.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as k from '../../src/kube/index';
import type { ClusterUnderTest, KubeconfigOptions } from '../../testserver/api';
import { compactStorage, selectedBackends, sharedCluster, type BackendName } from './backends';

export class DiffEnv {
  /** Scratch namespace of this describe block. */
  readonly ns = `k8s-tokens-diff-${k.randomSuffix(6)}`;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-tokens-diff-'));
  private started: { cluster: ClusterUnderTest; conns: k.KubeConnections[]; admin: k.ContextClient } | undefined;
  private files = 0;

  constructor(readonly backend: BackendName) {}

  /** The cluster under test (after `before`). */
  get cluster(): ClusterUnderTest {
    return this.must().cluster;
  }

  /** A ContextClient (src/kube) for the cluster admin. */
  get admin(): k.ContextClient {
    return this.must().admin;
  }

  /** Real servers need time where the test server answers at once (startup, caches): per-test timeout. */
  get timeoutMs(): number {
    return this.backend === 'testserver' ? 20_000 : 90_000;
  }

  async setUp(): Promise<void> {
    const cluster = await sharedCluster(this.backend);
    const conns: k.KubeConnections[] = [];
    this.started = { cluster, conns, admin: this.open(cluster, conns, { contextName: 'diff-admin' }) };
    await this.admin.request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.ns } } });
  }

  async tearDown(): Promise<void> {
    await this.started?.admin.request({ method: 'DELETE', path: `/api/v1/namespaces/${this.ns}` }).catch(() => undefined);
    for (const c of this.started?.conns ?? []) c.dispose();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Writes `cluster.kubeconfig(opts)` to a fresh file of this env and returns its path. */
  kubeconfigFile(opts: KubeconfigOptions = {}): string {
    return this.cluster.writeKubeconfig(path.join(this.dir, `kubeconfig-${this.files++}`), opts);
  }

  /** A ContextClient for `opts` (a `user`, a `token`, another `namespace`, …); disposed in tearDown. */
  client(opts: KubeconfigOptions = {}): k.ContextClient {
    const { cluster, conns } = this.must();
    return this.open(cluster, conns, opts);
  }

  /** Creates ServiceAccount `name` in the scratch namespace and returns its uid. */
  async serviceAccount(name: string): Promise<string> {
    await this.admin.request({ method: 'POST', path: `/api/v1/namespaces/${this.ns}/serviceaccounts`, body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } } });
    return (await k.getServiceAccount(this.admin, this.ns, name)).uid;
  }

  /** Compacts the storage (etcd, or the test server's store): continue tokens issued before expire. */
  compactStorage(): Promise<void> {
    return compactStorage(this.backend, this.cluster);
  }

  /** Polls `probe` every 250 ms until it resolves true (real servers cache authn 10 s, authz briefly). */
  async eventually(probe: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await probe())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting until ${what} (${this.backend})`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private open(cluster: ClusterUnderTest, all: k.KubeConnections[], opts: KubeconfigOptions): k.ContextClient {
    const file = cluster.writeKubeconfig(path.join(this.dir, `kubeconfig-${this.files++}`), opts);
    const conns = new k.KubeConnections([file], { timeoutMs: 15_000, retries: 2, maxRetryAfterMs: 5000 });
    all.push(conns);
    return conns.client(opts.contextName ?? 'test-admin');
  }

  private must(): NonNullable<DiffEnv['started']> {
    if (!this.started) throw new Error('DiffEnv used outside its describe (before() has not run)');
    return this.started;
  }
}

/**
 * Declares `describe('<title> [<backend>]', ...)` for every selected backend with a DiffEnv for it.
 * `only` limits it to the backends that can do what the tests need (started clusters: their keys,
 * their etcd), so `npm run test:cluster` against an existing cluster leaves those describes out.
 */
export function forEachBackend(title: string, body: (env: DiffEnv) => void, options: { only?: readonly BackendName[] } = {}): void {
  for (const backend of selectedBackends().filter((b) => !options.only || options.only.includes(b))) {
    describe(`${title} [${backend}]`, function () {
      const env = new DiffEnv(backend);
      this.timeout(env.timeoutMs);
      before(async function () {
        // The first describe of a run starts the shared real cluster (up to a few minutes on a loaded machine).
        this.timeout(backend === 'testserver' ? 30_000 : 300_000);
        await env.setUp();
      });
      after(() => env.tearDown());
      body(env);
    });
  }
}
