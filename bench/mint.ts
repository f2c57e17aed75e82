/**
 * Mint round trip in plain Node: what `k8sTokens.mintToken` does between the command and the
 * clipboard, through the shipped cluster layer (dist/kube.js) and the same pure helpers as
 * src/tokens/mint.ts: parse the duration, TokenRequest, decode the JWT, explain the grant.
 * `node out/bench/mint.js --kubeconfig F --context C --namespace N --sa S --runs R`.
 * The first call also pays the require of dist/kube.js (and of dist/yaml.js, to read the
 * kubeconfig) and the TLS handshake; it is reported apart, with the require and kubeconfig times.
 * `--runs 0`: the cold mint only. `--code-cache DIR`: load the bundles through the V8 code cache in
 * DIR, as the extension does from its second start on (and write it, after the timing).
 */
import { parseDuration } from '../src/tokens/duration';
import { explainGrant } from '../src/tokens/grant';
import { decodeJwt } from '../src/jwt/decode';
import { arg, flushCodeCaches, loadKubeModule, preloadHostBuiltins } from './kubeModule';
import type { ContextClient } from '../src/kube/http';
import type { KubeModule } from '../src/kube/session';

async function mintOnce(kube: KubeModule, client: ContextClient, namespace: string, serviceAccount: string): Promise<number> {
  const duration = parseDuration('1h');
  if (!duration.ok) throw new Error(duration.message);
  const r = await kube.requestToken(client, { namespace, serviceAccount, expirationSeconds: duration.seconds });
  const decoded = decodeJwt(r.token);
  if (!decoded.ok) throw new Error('the minted token did not decode');
  const claims = decoded.payload;
  const report = explainGrant({
    requestedSeconds: duration.seconds,
    grantedSeconds: r.grantedSeconds,
    expirationTimestamp: r.expirationTimestamp,
    warnings: r.warnings,
    claims,
    now: Date.now(),
  });
  return report.grantedSeconds;
}

async function main(): Promise<void> {
  const kubeconfig = arg('kubeconfig');
  const context = arg('context', 'test-admin');
  const namespace = arg('namespace', 'demo');
  const serviceAccount = arg('sa', 'ci-deployer');
  const runs = Number(arg('runs', '30'));

  preloadHostBuiltins(); // as in the extension host, where the cold mint happens
  const ms = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const codeCache = process.argv.includes('--code-cache') ? arg('code-cache') : undefined;
  const kube = loadKubeModule(codeCache);
  const requireMs = ms(t0);
  const conns = new kube.KubeConnections([kubeconfig]);
  const client = conns.client(context);
  const kubeconfigMs = ms(t0) - requireMs; // includes requiring dist/yaml.js, as on first use
  await mintOnce(kube, client, namespace, serviceAccount);
  const firstMs = ms(t0);
  const cpu = process.cpuUsage(cpu0);
  const firstCpuMs = (cpu.user + cpu.system) / 1000;

  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await mintOnce(kube, client, namespace, serviceAccount);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  conns.dispose();
  if (codeCache) flushCodeCaches(kube);
  times.sort((a, b) => a - b);
  const pct = (q: number): number => (times.length ? times[Math.min(times.length - 1, Math.floor(q * times.length))] : NaN);
  process.stdout.write(JSON.stringify({ runs, firstMs, firstCpuMs, requireMs, kubeconfigMs, p50: pct(0.5), p95: pct(0.95) }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
