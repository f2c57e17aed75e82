/**
 * The ServiceAccounts view's data path since the watch cache, through the shipped cluster layer
 * (dist/kube.js) in a fresh Node process: `node --expose-gc out/bench/treeLive.js --kubeconfig F --mode expand|follow`.
 *
 * - `expand`: what the view does to show every namespace expanded: the context's ClusterCache
 *   (SelfSubjectAccessReviews, then one cluster-wide list + watch each of namespaces,
 *   ServiceAccounts, token Secrets and revocable-token Secrets), then every namespace's contents
 *   read from memory as TreeLoader reads them on expand. The clock starts before dist/kube.js is
 *   required. Memory: heapUsed after a full GC with everything listed, and the part of it the
 *   caches hold (minus the heap after require + GC).
 * - `follow`: keeps a lease on `--namespace` and prints `SEEN <name>` as soon as the cache has the
 *   ServiceAccount `<name>` and the view's 50 ms redraw batch has passed; the bench times that
 *   from the moment it starts `kubectl create sa`. Prints `READY` once the cache is watching.
 */
import { arg, loadKubeModule, MemoryPeaks } from './kubeModule';

const mb = (b: number): number => Math.round((b / 1024 / 1024) * 10) / 10;
/** LiveUpdates' batch: the view redraws this long after the first change it hears of. */
const REDRAW_BATCH_MS = 50;

function gcHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function expand(kubeconfig: string, context: string): Promise<void> {
  const memory = new MemoryPeaks();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const kube = loadKubeModule();
  const conns = new kube.KubeConnections([kubeconfig]);
  const cache = conns.cache(context);
  const nsLease = cache.watchNamespaces();
  const namespaces = await cache.namespaces();
  let serviceAccounts = 0;
  let tokenSecrets = 0;
  const leases = [nsLease];
  for (const ns of namespaces) {
    leases.push(await cache.watchNamespace(ns.name));
    const contents = await cache.contents(ns.name);
    serviceAccounts += contents.serviceAccounts.length;
    if (Array.isArray(contents.tokenSecrets)) tokenSecrets += contents.tokenSecrets.length;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const peaks = memory.stop();
  const heapWithCaches = gcHeap();
  for (const l of leases) l.dispose();
  conns.dispose(); // drops the caches; the module stays loaded
  await new Promise((r) => setTimeout(r, 50));
  const heapWithout = gcHeap();
  process.stdout.write(
    JSON.stringify({
      mode: 'expand',
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      namespaces: namespaces.length,
      serviceAccounts,
      tokenSecrets,
      ...peaks,
      heapAfterGcMb: mb(heapWithCaches),
      cacheHeapMb: mb(heapWithCaches - heapWithout),
    }),
  );
}

async function follow(kubeconfig: string, context: string, namespace: string): Promise<void> {
  const kube = loadKubeModule();
  const conns = new kube.KubeConnections([kubeconfig]);
  const cache = conns.cache(context);
  const lease = await cache.watchNamespace(namespace);
  const seen = new Set((await cache.contents(namespace)).serviceAccounts.map((s) => s.name));
  let pending: NodeJS.Timeout | undefined;
  cache.onDidChange((change) => {
    if (!change.contents.has(namespace) || pending) return;
    pending = setTimeout(() => {
      pending = undefined;
      void cache.contents(namespace).then((c) => {
        for (const s of c.serviceAccounts) {
          if (seen.has(s.name)) continue;
          seen.add(s.name);
          process.stdout.write(`SEEN ${s.name}\n`);
        }
      });
    }, REDRAW_BATCH_MS);
  });
  process.stdout.write('READY\n');
  process.stdin.resume();
  process.stdin.on('end', () => {
    lease.dispose();
    conns.dispose();
    process.exit(0);
  });
}

const mode = arg('mode', 'expand');
const run = mode === 'follow' ? follow(arg('kubeconfig'), arg('context', 'test-admin'), arg('namespace')) : expand(arg('kubeconfig'), arg('context', 'test-admin'));
run.catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
