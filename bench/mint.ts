/**
 * Mint round trip in plain Node: what `k8sTokens.mintToken` does between the command and the
 * clipboard, through the shipped cluster layer (dist/kube.js) and the same pure helpers as
 * src/tokens/mint.ts: parse the duration, TokenRequest, decode the JWT, explain the grant.
 * `node out/bench/mint.js --kubeconfig F --context C --namespace N --sa S --runs R`.
 * The first call also pays the require of dist/kube.js and the TLS handshake; it is reported apart.
 */
import { parseDuration } from '../src/tokens/duration';
import { explainGrant } from '../src/tokens/grant';
import { decodeJwt } from '../src/jwt/decode';
import { arg, loadKubeModule } from './kubeModule';
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

  const t0 = process.hrtime.bigint();
  const kube = loadKubeModule();
  const conns = new kube.KubeConnections([kubeconfig]);
  const client = conns.client(context);
  await mintOnce(kube, client, namespace, serviceAccount);
  const firstMs = Number(process.hrtime.bigint() - t0) / 1e6;

  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await mintOnce(kube, client, namespace, serviceAccount);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  conns.dispose();
  times.sort((a, b) => a - b);
  const pct = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  process.stdout.write(JSON.stringify({ runs, firstMs, p50: pct(0.5), p95: pct(0.95) }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
