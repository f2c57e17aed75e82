// The second target of `npm run bench -- --real`: a real etcd + kube-apiserver + kube-controller-manager
// (realcluster/launcher, binaries of `npm run build:real`), filled through its API with namespaces of
// ServiceAccounts like the test server's bulk seed, plus demo/ci-deployer for the mint rows. The tree
// and mint rows then run against it exactly as against the test server: the extension's cluster layer
// and kubectl, against the same real server, in one run.
//   BENCH_REAL_BULK  namespaces x ServiceAccounts per namespace (default 200x10: each object is a real
//                    etcd write, and the controllers add a ServiceAccount and a ConfigMap per namespace)
import * as https from 'node:https';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);

export function realBulk(env = process.env) {
  const m = /^(\d+)x(\d+)$/.exec(env.BENCH_REAL_BULK ?? '200x10');
  if (!m) throw new Error(`BENCH_REAL_BULK must look like 200x10, not ${env.BENCH_REAL_BULK}`);
  return { namespaces: Number(m[1]), serviceAccountsPerNamespace: Number(m[2]) };
}

function caller(cluster) {
  const cert = cluster.clientCertificate(cluster.users.admin);
  const agent = new https.Agent({ ca: cluster.caPem, cert: cert.certPem, key: cert.keyPem, keepAlive: true, maxSockets: 16 });
  const call = (method, p, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers = { accept: 'application/json', ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) };
      const req = https.request(new URL(cluster.url + p), { method, headers, agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }));
      });
      req.on('error', reject);
      req.end(payload);
    });
  return { call, close: () => agent.destroy() };
}

/** Runs `jobs` (functions returning promises) `width` at a time. */
async function pool(jobs, width) {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]();
  };
  await Promise.all(Array.from({ length: width }, worker));
}

const created = (what, r) => {
  // 409: already there (the controllers' own ServiceAccounts, or a retried seed).
  if (r.status !== 201 && r.status !== 409) throw new Error(`bench --real: creating ${what}: HTTP ${r.status} ${r.body?.message ?? ''}`);
};

/**
 * Starts the real cluster and fills it. Returns the target the tree and mint rows run against:
 * `{ label, kubeconfig, saCount, nsCount, kubernetesVersion, seedSeconds, close }`.
 */
export async function startRealTarget({ repoRoot, work, log = () => undefined }) {
  const { ensureBinaries } = await import(path.join(repoRoot, 'scripts', 'real-cluster', 'build.mjs'));
  await ensureBinaries({ log });
  const { startRealCluster } = require(path.join(repoRoot, 'out', 'realcluster', 'launcher', 'index.js'));
  const cluster = await startRealCluster({ log });
  const { call, close: closeAgent } = caller(cluster);
  try {
    const bulk = realBulk();
    const started = Date.now();
    const width = String(Math.max(bulk.namespaces - 1, 0)).length;
    const names = Array.from({ length: bulk.namespaces }, (_, i) => `bulk-${String(i).padStart(Math.max(width, 4), '0')}`);
    const ns = (name) => async () => created(`namespace ${name}`, await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
    await pool([ns('demo'), ...names.map(ns)], 16);
    const sa = (namespace, name) => async () =>
      created(`${namespace}/${name}`, await call('POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } }));
    const saWidth = String(Math.max(bulk.serviceAccountsPerNamespace - 1, 0)).length;
    await pool([sa('demo', 'ci-deployer'), ...names.flatMap((n) => Array.from({ length: bulk.serviceAccountsPerNamespace }, (_, j) => sa(n, `sa-${String(j).padStart(Math.max(saWidth, 2), '0')}`)))], 16);
    // The ServiceAccount controller adds `default` to every namespace on its own: count once it is done.
    let saCount = 0;
    let nsCount = 0;
    for (let stable = 0, last = -1; stable < 3; ) {
      await new Promise((r) => setTimeout(r, 500));
      const [sas, nss] = await Promise.all([call('GET', '/api/v1/serviceaccounts'), call('GET', '/api/v1/namespaces')]);
      saCount = sas.body.items.length;
      nsCount = nss.body.items.length;
      const defaults = sas.body.items.filter((s) => s.metadata.name === 'default').length;
      stable = saCount === last && defaults === nsCount ? stable + 1 : 0;
      last = saCount;
    }
    const seedSeconds = (Date.now() - started) / 1000;
    log(`bench --real: ${saCount} ServiceAccounts in ${nsCount} namespaces after ${seedSeconds.toFixed(0)} s`);
    const kubeconfig = cluster.writeKubeconfig(path.join(work, 'real-kubeconfig'), { contextName: 'test-admin' });
    return {
      label: `kube-apiserver ${cluster.kubernetesVersion}`,
      kubeconfig,
      saCount,
      nsCount,
      kubernetesVersion: cluster.kubernetesVersion,
      seedSeconds,
      close: async () => {
        closeAgent();
        await cluster.close();
      },
    };
  } catch (e) {
    closeAgent();
    await cluster.close();
    throw e;
  }
}
