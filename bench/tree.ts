/**
 * Listing every ServiceAccount of a cluster through the shipped cluster layer (dist/kube.js), in a
 * fresh Node process: `node out/bench/tree.js --kubeconfig F --context C --mode all|tree`.
 *
 * - `all`: one paged list across all namespaces (`/api/v1/serviceaccounts`, `listAll`, limit
 *   `--limit`), the request `kubectl get sa -A` makes.
 * - `tree`: what the ServiceAccounts view does to show everything: namespace pages of `pageSize`
 *   (each "Load more" is one more page), then per namespace its ServiceAccounts and its legacy
 *   token Secrets (for the counts), as TreeLoader does on expand; `--concurrency` namespaces at a time.
 *
 * The clock starts before dist/kube.js is required, as on the first tree open. Prints one JSON object.
 */
import { arg, loadKubeModule, MemoryPeaks } from './kubeModule';

async function main(): Promise<void> {
  const kubeconfig = arg('kubeconfig');
  const context = arg('context', 'test-admin');
  const mode = arg('mode', 'all');
  const limit = Number(arg('limit', '500'));
  const pageSize = Number(arg('page-size', '200'));
  const concurrency = Number(arg('concurrency', '1'));

  const memory = new MemoryPeaks();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const kube = loadKubeModule();
  const conns = new kube.KubeConnections([kubeconfig]);
  const client = conns.client(context);
  let serviceAccounts = 0;
  let namespaces = 0;
  let requests = 0;

  if (mode === 'all') {
    const items = await kube.listAll<{ metadata?: { name?: string } }>(client, '/api/v1/serviceaccounts', undefined, undefined, limit);
    serviceAccounts = items.length;
    requests = Math.ceil(items.length / limit);
  } else {
    const names: string[] = [];
    let continueToken: string | undefined;
    do {
      const page = await kube.listNamespaces(client, { limit: pageSize, continueToken });
      requests++;
      names.push(...page.items.map((n) => n.name));
      continueToken = page.continueToken;
      memory.sample();
    } while (continueToken);
    namespaces = names.length;
    let next = 0;
    const expand = async (): Promise<void> => {
      while (next < names.length) {
        const ns = names[next++];
        let saContinue: string | undefined;
        const secrets = kube.listTokenSecrets(client, ns);
        requests++;
        do {
          const page = await kube.listServiceAccounts(client, ns, { limit: pageSize, continueToken: saContinue });
          requests++;
          serviceAccounts += page.items.length;
          saContinue = page.continueToken;
        } while (saContinue);
        await secrets;
        memory.sample();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, expand));
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  conns.dispose();
  process.stdout.write(JSON.stringify({ mode, ms, cpuMs, serviceAccounts, namespaces, requests, ...memory.stop() }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
