/**
 * Listing every ServiceAccount of a cluster through the shipped cluster layer (dist/kube.js), in a
 * fresh Node process: `node out/bench/tree.js --kubeconfig F --context C`: one paged list across
 * all namespaces (`/api/v1/serviceaccounts`, `listAll`, limit `--limit`), the requests
 * `kubectl get sa -A` makes. What the view does since the watch cache: treeLive.ts.
 *
 * The clock starts before dist/kube.js is required, as on the first tree open. Prints one JSON object.
 */
import { arg, loadKubeModule, MemoryPeaks } from './kubeModule';

async function main(): Promise<void> {
  const kubeconfig = arg('kubeconfig');
  const context = arg('context', 'test-admin');
  const mode = 'all';
  const limit = Number(arg('limit', '500'));

  const memory = new MemoryPeaks();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const kube = loadKubeModule();
  const conns = new kube.KubeConnections([kubeconfig]);
  const client = conns.client(context);

  const items = await kube.listAll<{ metadata?: { name?: string } }>(client, '/api/v1/serviceaccounts', undefined, undefined, limit);
  const serviceAccounts = items.length;
  const requests = Math.ceil(items.length / limit);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  conns.dispose();
  process.stdout.write(JSON.stringify({ mode, ms, cpuMs, serviceAccounts, requests, ...memory.stop() }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
