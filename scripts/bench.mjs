// `npm run bench [-- --no-build] [--host] [--real]`: builds (tsc + production bundles), runs every benchmark in its
// own child process against this run's builds and one in-process test API server, prints ONE table
// of what this run measured and writes bench/results.json (gitignored). What each row measures:
// bench/README.md. --host also times the mint in a real extension host (code-server; ~1 min more).
// `--only activation,load,hover,tree,mint` runs only those parts.
// --real also runs the tree and mint rows against a real kube-apiserver (scripts/lib/benchReal.mjs).
// Environment: BENCH_RUNS (activation and load samples, 21), BENCH_TREE_RUNS (3),
// BENCH_MINT_RUNS (30), BENCH_LIVE_RUNS (15), BENCH_COLD_RUNS (11 fresh processes, each followed by a kubectl run), KUBECTL (/usr/bin/kubectl),
// BENCH_TARGET_KUBECONFIG [+ _CONTEXT, _NAMESPACE, _SA, _LABEL]: a second cluster for the mint rows.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { mintRows, targetFromEnv } from './lib/benchMint.mjs';
import { formatTable, median, row, runNodeJson, timeCommand } from './lib/benchProcess.mjs';
import { buildBundles, compileTests } from './lib/build.mjs';
import { ensureCodeServer, repoRoot } from './lib/codeServer.mjs';
import { liveTreeRows } from './lib/benchLive.mjs';
import { realBulk, startRealTarget } from './lib/benchReal.mjs';

const require = createRequire(import.meta.url);
const kubectl = process.env.KUBECTL ?? '/usr/bin/kubectl';
const hasKubectl = fs.existsSync(kubectl);
const treeRuns = Number(process.env.BENCH_TREE_RUNS ?? 3);
const mintRuns = Number(process.env.BENCH_MINT_RUNS ?? 30);
const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? 11);
const onlyArg = process.argv.find((a) => a.startsWith('--only'));
const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : process.argv[process.argv.indexOf(onlyArg) + 1]).split(',') : undefined;
const wanted = (part) => !only || only.includes(part);
const liveFollowRuns = Number(process.env.BENCH_LIVE_RUNS ?? 15);
const outBench = path.join(repoRoot, 'out', 'bench');
const work = path.join(repoRoot, 'out', 'bench-run');
const bulk = { namespaces: 2000, serviceAccountsPerNamespace: 10 };

if (!process.argv.includes('--no-build')) {
  if (!compileTests()) console.log('bench: tsc reported errors; measuring what was emitted');
  buildBundles({ production: true });
}
fs.mkdirSync(work, { recursive: true });
const raw = {};
const rows = [];
const step = (what) => console.log(`bench: ${what}…`);

// ---- activation ----
if (wanted('activation')) {
  step('activation (fresh process per sample)');
  const act = (raw.activation = await runNodeJson([path.join(repoRoot, 'bench', 'activation.mjs')], { env: { BENCH_RUNS: process.env.BENCH_RUNS ?? '21' } }));
  rows.push(
    row({
      name: `activation: require + activate, wall (median of ${act.runs})`,
      measured: act.shippedMs,
      baseline: act.eagerMs,
      baselineName: 'eager bundle',
      unit: 'ms',
      goal: '< 10 ms, ratio < 0.15',
      met: act.shippedMs < 10 && act.ratio < 0.15,
    }),
  );
  rows.push(
    row({
      name: '  the same, CPU time (user + sys)',
      measured: act.shippedCpuMs,
      baseline: act.eagerCpuMs,
      baselineName: 'eager bundle',
      unit: 'ms',
      goal: '< 10 ms, ratio < 0.15',
      met: act.shippedCpuMs < 10 && act.shippedCpuMs / act.eagerCpuMs < 0.15,
    }),
  );
  const lazyOk = !act.shippedLoadsKube && !act.shippedLoadsClientNode;
  rows.push(row({ name: 'activation: client-node in require.cache after', measured: lazyOk ? 'no' : 'YES', goal: 'no', met: lazyOk }));
}

// ---- loading the cluster layer ----
if (wanted('load')) {
  step('cluster layer: require dist/kube.js and dist/yaml.js (fresh process per sample)');
  const load = (raw.load = await runNodeJson([path.join(repoRoot, 'bench', 'kubeLoad.mjs')], { env: { BENCH_RUNS: process.env.BENCH_RUNS ?? '21' } }));
  for (const [name, what] of [['kube', 'dist/kube.js (cluster layer)'], ['yaml', 'dist/yaml.js (read kubeconfigs)']]) {
    const m = load[name];
    rows.push(row({ name: `load: require ${what}, ${m.kb.toFixed(0)} KB`, measured: m.requireMs, unit: 'ms', extra: `(CPU ${m.cpuMs.toFixed(1)} ms)` }));
  }
}

// ---- hover ----
if (wanted('hover')) {
  step('hover (1,000 and 50,000 lines)');
  const h1 = (raw.hover1k = await runNodeJson([path.join(outBench, 'hover.js'), '1000']));
  const h50 = (raw.hover50k = await runNodeJson([path.join(outBench, 'hover.js'), '50000']));
  const p95 = (h) => `(p95 ${h.p95.toFixed(3)})`;
  rows.push(row({ name: 'hover: 1,000-line file, p50', measured: h1.p50, unit: 'ms', extra: p95(h1), goal: '< 2 ms', met: h1.p50 < 2 }));
  rows.push(
    row({ name: 'hover: 50,000-line file, p50', measured: h50.p50, baseline: h1.p50, baselineName: '1k-line p50', unit: 'ms', extra: p95(h50), goal: '< 2 ms, ratio < 1.5', met: h50.p50 < 2 && h50.p50 / h1.p50 < 1.5 }),
  );
}

// ---- tree and mint: one test API server in this process; with --real, then the same rows against a
// real kube-apiserver (scripts/lib/benchReal.mjs), kubectl and the extension against the same server ----
const serverTargets = [
  async () => {
    step(`test API server with ${bulk.namespaces} x ${bulk.serviceAccountsPerNamespace} ServiceAccounts`);
    const { startTestCluster } = require(path.join(repoRoot, 'out', 'testserver', 'index.js'));
    const cluster = await startTestCluster({ seed: 'demo', bulk });
    const counts = { saCount: cluster.store.list('v1', 'ServiceAccount').length, nsCount: cluster.store.list('v1', 'Namespace').length };
    return { label: '', kubeconfig: cluster.writeKubeconfig(path.join(work, 'kubeconfig')), ...counts, close: () => cluster.close() };
  },
];
if (process.argv.includes('--real')) {
  serverTargets.push(async () => {
    step(`real kube-apiserver with ${realBulk().namespaces} x ${realBulk().serviceAccountsPerNamespace} ServiceAccounts (BENCH_REAL_BULK)`);
    return startRealTarget({ repoRoot, work, log: (l) => console.log(l) });
  });
}
for (const startTarget of wanted('tree') || wanted('mint') ? serverTargets : []) {
  const server = await startTarget();
  const { saCount, nsCount, kubeconfig } = server;
  const firstRow = rows.length;
  const testServerRaw = { ...raw };
  try {
    raw.cluster = { serviceAccounts: saCount, namespaces: nsCount };
    const kubectlArgs = ['--kubeconfig', kubeconfig, '--cache-dir', path.join(work, 'kube-cache')];
    const treeChild = () => runNodeJson([path.join(outBench, 'tree.js'), '--kubeconfig', kubeconfig, '--limit', '500']);
    const kubectlList = async (extra) => {
      const r = await timeCommand(kubectl, [...kubectlArgs, 'get', 'sa', '-A', ...extra]);
      if (r.lines !== saCount + 1) throw new Error(`kubectl printed ${r.lines} lines for ${saCount} ServiceAccounts`);
      return r;
    };

    if (wanted('tree')) {
      step(`tree (${treeRuns} runs of each)`);
      if (hasKubectl) await kubectlList(['--chunk-size=0']); // fills the discovery cache, as on a user's machine
      const runs = (raw.treeRuns = []);
      for (let i = 0; i < treeRuns; i++) {
        const all = await treeChild();
        if (all.serviceAccounts !== saCount) throw new Error(`${all.mode} listed ${all.serviceAccounts} of ${saCount} ServiceAccounts`);
        const k500 = hasKubectl ? await kubectlList([]) : undefined;
        const k0 = hasKubectl ? await kubectlList(['--chunk-size=0']) : undefined;
        runs.push({ all, kubectlChunk500: k500, kubectlChunk0: k0 });
      }
      const med = (f) => median(runs.map(f).filter((v) => typeof v === 'number'));
      const tree = {
        allMs: med((r) => r.all.ms),
        allCpu: med((r) => r.all.cpuMs),
        k500Ms: med((r) => r.kubectlChunk500?.ms),
        k0Ms: med((r) => r.kubectlChunk0?.ms),
        allRss: med((r) => r.all.peakRssMb),
        allHeap: med((r) => r.all.peakHeapUsedMb),
        k500Rss: med((r) => (r.kubectlChunk500 ? r.kubectlChunk500.maxRssKb / 1024 : undefined)),
        k0Rss: med((r) => (r.kubectlChunk0 ? r.kubectlChunk0.maxRssKb / 1024 : undefined)),
      };
      raw.tree = tree;
      const listed = `${saCount} SAs / ${nsCount} ns`;
      const cpu = (ms) => `(our CPU ${ms.toFixed(0)} ms)`;
      const ratioBelow1 = (a, b) => (Number.isFinite(b) ? a / b < 1 : undefined);
      rows.push(row({ name: `tree: all-namespaces paged list (${listed})`, measured: tree.allMs, extra: cpu(tree.allCpu), baseline: tree.k500Ms, baselineName: 'kubectl get sa -A', unit: 'ms', goal: 'ratio < 1', met: ratioBelow1(tree.allMs, tree.k500Ms) }));
      rows.push(row({ name: 'tree: all-namespaces paged list', measured: tree.allMs, baseline: tree.k0Ms, baselineName: 'kubectl … --chunk-size=0', unit: 'ms', goal: 'ratio < 1', met: ratioBelow1(tree.allMs, tree.k0Ms) }));
      const heap = (mb) => `(heapUsed ${mb.toFixed(1)} MB)`;
      rows.push(row({ name: 'tree: peak RSS, all-namespaces list', measured: tree.allRss, baseline: tree.k500Rss, baselineName: 'kubectl max RSS', unit: 'MB', extra: heap(tree.allHeap) }));

      step(`live tree (${treeRuns} expands; ${liveFollowRuns} creations followed)`);
      rows.push(...(await liveTreeRows({ outBench, kubeconfig, kubectlArgs, kubectl, hasKubectl, k0Ms: tree.k0Ms, saCount, runs: treeRuns, followRuns: liveFollowRuns, raw })));
    }

    if (wanted('mint')) {
      const targets = [{ label: '', kubeconfig, context: 'test-admin', namespace: 'demo', serviceAccount: 'ci-deployer', kubectlArgs: ['--cache-dir', path.join(work, 'kube-cache')] }];
      const extra = server.label ? undefined : targetFromEnv();
      if (extra) targets.push(extra);
      raw.mint = [];
      for (const target of targets) {
        step(`mint${target.label ? ` on ${target.label}` : ''} (${mintRuns} warm round trips; ${coldRuns} cold processes alternating with kubectl create token)`);
        const m = await mintRows({ target, outBench, kubectl: hasKubectl ? kubectl : undefined, mintRuns, coldRuns, codeCacheDir: path.join(work, 'code-cache') });
        raw.mint.push(m.raw);
        rows.push(...m.rows);
      }
    }
  } finally {
    await server.close();
  }
  if (server.label) {
    // The second server's rows say which server they ran against; its raw figures go under raw.real.
    for (const r of rows.slice(firstRow)) r.name = `${r.name} [${server.label}]`;
    raw.real = { target: server.label, seedSeconds: server.seedSeconds, cluster: raw.cluster, treeRuns: raw.treeRuns, tree: raw.tree, treeLiveExpand: raw.treeLiveExpand, treeLiveFollow: raw.treeLiveFollow, mint: raw.mint };
    Object.assign(raw, testServerRaw);
  }
}

if (process.argv.includes('--host')) {
  step('mint in the extension host (code-server + Chromium)');
  ensureCodeServer();
  const { runSuite } = await import('./lib/suiteRun.mjs');
  const { ok } = await runSuite({
    kind: 'bench',
    label: 'bench host',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: path.join(outBench, 'host', 'index.js'),
    env: { BENCH_MINT_RUNS: String(mintRuns) },
    timeoutMs: 8 * 60_000,
    prefix: '[bench-host] ',
    printTotal: false,
  });
  const line = fs.readFileSync(path.join(repoRoot, 'test-results', 'bench-console.log'), 'utf8').split('\n').find((l) => l.includes('K8S_TOKENS_BENCH {'));
  if (!ok || !line) throw new Error('the extension-host mint benchmark failed; see test-results/bench-console.log');
  const host = (raw.hostMint = JSON.parse(line.slice(line.indexOf('{'), line.lastIndexOf('}') + 1)));
  const at = rows.findIndex((r) => r.name.startsWith('mint: cold'));
  const kMs = raw.mint?.[0]?.kubectlCreateTokenMs ?? [];
  rows.splice(at < 0 ? rows.length : at, 0, row({ name: 'mint: command → clipboard in the extension host (p50)', measured: host.p50, baseline: kMs.length ? median(kMs) : undefined, baselineName: 'kubectl create token', unit: 'ms', extra: `(p95 ${host.p95.toFixed(1)})` }));
}

const header = `Measured ${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} CPUs · load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
console.log(`\n${header}\n${formatTable(rows)}\n`);
const resultsFile = path.join(repoRoot, 'bench', 'results.json');
fs.writeFileSync(resultsFile, JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadavg: os.loadavg(), rows, raw }, null, 2));
console.log(`bench: wrote ${path.relative(repoRoot, resultsFile)}`);
if (rows.some((r) => r.met === false)) console.log('bench: some goals were not met (rows marked NO); see bench/README.md for what each row means');
