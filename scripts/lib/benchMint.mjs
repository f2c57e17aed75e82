// The mint rows of `npm run bench`, for one target cluster: the test API server of the run, or any
// cluster named by a kubeconfig and context (the real-cluster tier adds its kube-apiserver this
// way; `BENCH_TARGET_KUBECONFIG` [+ `_CONTEXT`, `_NAMESPACE`, `_SA`] adds one from the command line).
// Every figure is measured against `kubectl create token` for the same ServiceAccount in the same run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { median, row, runNodeJson, timeCommand } from './benchProcess.mjs';

/**
 * @typedef {{ label: string, kubeconfig: string, context: string, namespace: string, serviceAccount: string, kubectlArgs?: string[] }} MintTarget
 */

/** The extra target from the environment, if any. */
export function targetFromEnv(env = process.env) {
  if (!env.BENCH_TARGET_KUBECONFIG) return undefined;
  return {
    label: env.BENCH_TARGET_LABEL ?? `context ${env.BENCH_TARGET_CONTEXT ?? '(current)'}`,
    kubeconfig: env.BENCH_TARGET_KUBECONFIG,
    context: env.BENCH_TARGET_CONTEXT,
    namespace: env.BENCH_TARGET_NAMESPACE ?? 'default',
    serviceAccount: env.BENCH_TARGET_SA ?? 'default',
  };
}

/**
 * Warm p50 (one process, `mintRuns` round trips); cold (a fresh process per sample: require of
 * dist/kube.js, reading the kubeconfig, TLS handshake, TokenRequest; median of `coldRuns`), once
 * with the V8 code cache an earlier start left in `codeCacheDir` (as the extension has from its
 * second start on) and once without; and `kubectl create token`, the three alternating.
 * Returns { rows, raw }.
 * @param {{ target: MintTarget, outBench: string, kubectl?: string, mintRuns: number, coldRuns: number, codeCacheDir: string }} o
 */
export async function mintRows({ target, outBench, kubectl, mintRuns, coldRuns, codeCacheDir }) {
  const mintJs = path.join(outBench, 'mint.js');
  const args = ['--kubeconfig', target.kubeconfig, '--namespace', target.namespace, '--sa', target.serviceAccount];
  if (target.context) args.push('--context', target.context);
  const warm = await runNodeJson([mintJs, ...args, '--runs', String(mintRuns)]);
  const kArgs = ['--kubeconfig', target.kubeconfig, ...(target.context ? ['--context', target.context] : []), ...(target.kubectlArgs ?? [])];
  const cold = [];
  const cached = [];
  const kubectlRuns = [];
  const withCache = ['--code-cache', codeCacheDir];
  fs.rmSync(codeCacheDir, { recursive: true, force: true });
  await runNodeJson([mintJs, ...args, '--runs', '0', ...withCache]); // writes the cache, as a first start does
  // Alternating, so that all three see the same load on a shared machine. The token kubectl prints
  // goes to our pipe and is dropped, never shown.
  for (let i = 0; i < coldRuns; i++) {
    cold.push(await runNodeJson([mintJs, ...args, '--runs', '0']));
    cached.push(await runNodeJson([mintJs, ...args, '--runs', '0', ...withCache]));
    if (kubectl) kubectlRuns.push(await timeCommand(kubectl, [...kArgs, 'create', 'token', target.serviceAccount, '-n', target.namespace, '--duration', '1h']));
  }
  const kubectlMs = kubectlRuns.map((r) => r.ms);
  const k = kubectlMs.length ? median(kubectlMs) : undefined;
  const kCpu = kubectlRuns.every((r) => typeof r.cpuMs === 'number') && kubectlRuns.length ? median(kubectlRuns.map((r) => r.cpuMs)) : undefined;
  const on = target.label ? ` [${target.label}]` : '';
  const coldRows = (samples, what) => {
    const ms = median(samples.map((c) => c.firstMs));
    const parts = `(require ${median(samples.map((c) => c.requireMs)).toFixed(1)} + kubeconfig ${median(samples.map((c) => c.kubeconfigMs)).toFixed(1)} ms)`;
    return [
      row({ name: `mint: cold, ${what} (median of ${coldRuns})${on}`, measured: ms, baseline: k, baselineName: 'kubectl create token', unit: 'ms', extra: parts, goal: 'ratio < 1', met: k === undefined ? undefined : ms / k < 1 }),
      row({ name: `  the same, CPU time (ours: after Node's start; kubectl: whole process)`, measured: median(samples.map((c) => c.firstCpuMs)), baseline: kCpu, baselineName: 'kubectl create token', unit: 'ms' }),
    ];
  };
  const rows = [
    row({ name: `mint: command → token ready, warm (p50)${on}`, measured: warm.p50, baseline: k, baselineName: 'kubectl create token', unit: 'ms', extra: `(p95 ${warm.p95.toFixed(1)})` }),
    ...coldRows(cached, 'code cache from an earlier start'),
    ...coldRows(cold, 'very first start (no code cache)'),
  ];
  return { rows, raw: { target, warm, cold, coldWithCodeCache: cached, kubectlCreateTokenMs: kubectlMs, kubectlCpuMs: kubectlRuns.map((r) => r.cpuMs) } };
}
