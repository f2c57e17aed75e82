// The live tree's rows of `npm run bench` (bench/treeLive.ts; what each measures: bench/README.md),
// each against kubectl in the same run and against the same test API server.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { median, row, runNodeJson } from './benchProcess.mjs';

/** Lines of a child's stdout, as a promise per expected line. */
function lineWaiter(stream) {
  const waiting = new Map();
  const seen = new Map();
  let buf = '';
  stream.on('data', (c) => {
    buf += c;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      const at = process.hrtime.bigint();
      seen.set(line, at);
      waiting.get(line)?.(at);
    }
  });
  return (line) => (seen.has(line) ? Promise.resolve(seen.get(line)) : new Promise((resolve) => waiting.set(line, resolve)));
}

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}: ${err}`))));
  });
}

/**
 * @param {object} o
 * @param {string} o.outBench out/bench
 * @param {string} o.kubeconfig
 * @param {string[]} o.kubectlArgs `--kubeconfig … --cache-dir …`
 * @param {string} o.kubectl path of kubectl
 * @param {boolean} o.hasKubectl
 * @param {number} o.k0Ms median wall time of `kubectl get sa -A --chunk-size=0` in this run
 * @param {number} o.saCount ServiceAccounts on the server
 * @param {number} o.runs
 * @param {number} o.followRuns creations to time
 * @param {object} o.raw where raw samples go
 */
export async function liveTreeRows(o) {
  const rows = [];
  const expands = (o.raw.treeLiveExpand = []);
  for (let i = 0; i < o.runs; i++) {
    const r = await runNodeJson(['--expose-gc', path.join(o.outBench, 'treeLive.js'), '--kubeconfig', o.kubeconfig, '--mode', 'expand']);
    if (r.serviceAccounts !== o.saCount) throw new Error(`the cache listed ${r.serviceAccounts} of ${o.saCount} ServiceAccounts`);
    expands.push(r);
  }
  const ms = median(expands.map((r) => r.ms));
  const ratioBelow = (a, b, limit) => (Number.isFinite(b) ? a / b < limit : undefined);
  rows.push(
    row({
      name: `tree: view expanding all ${expands[0].namespaces} namespaces (watch cache)`,
      measured: ms,
      extra: `(our CPU ${median(expands.map((r) => r.cpuMs)).toFixed(0)} ms)`,
      baseline: o.k0Ms,
      baselineName: 'kubectl … --chunk-size=0',
      unit: 'ms',
      goal: 'ratio < 0.5',
      met: ratioBelow(ms, o.k0Ms, 0.5),
    }),
  );
  const heap = median(expands.map((r) => r.heapAfterGcMb));
  rows.push(
    row({
      name: `tree: heap with the cache of ${o.saCount} SAs (after GC)`,
      measured: heap,
      extra: `(the caches ${median(expands.map((r) => r.cacheHeapMb)).toFixed(1)} MB, peak RSS ${median(expands.map((r) => r.peakRssMb)).toFixed(0)} MB)`,
      unit: 'MB',
      goal: '< 50 MB',
      met: heap < 50,
    }),
  );
  if (!o.hasKubectl) return rows;

  // A ServiceAccount created elsewhere, until the cache (plus the view's redraw batch) has it,
  // and until `kubectl get sa -w` prints it: both watch while the same kubectl create runs.
  const ns = 'bench-live';
  await run(o.kubectl, [...o.kubectlArgs, 'create', 'namespace', ns]);
  const follower = spawn(process.execPath, [path.join(o.outBench, 'treeLive.js'), '--kubeconfig', o.kubeconfig, '--mode', 'follow', '--namespace', ns], { stdio: ['pipe', 'pipe', 'inherit'] });
  const watcher = spawn(o.kubectl, [...o.kubectlArgs, 'get', 'sa', '-n', ns, '-w', '--no-headers', '-o', 'name'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const ours = lineWaiter(follower.stdout);
    const theirs = lineWaiter(watcher.stdout);
    await Promise.all([ours('READY'), theirs('serviceaccount/default')]);
    const samples = (o.raw.treeLiveFollow = []);
    for (let i = 0; i < o.followRuns; i++) {
      const name = `live-${i}`;
      const t0 = process.hrtime.bigint();
      const created = run(o.kubectl, [...o.kubectlArgs, 'create', 'sa', name, '-n', ns]);
      const [a, b] = await Promise.all([ours(`SEEN ${name}`), theirs(`serviceaccount/${name}`), created]);
      samples.push({ treeMs: Number(a - t0) / 1e6, kubectlWatchMs: Number(b - t0) / 1e6 });
    }
    const p50 = median(samples.map((s) => s.treeMs));
    const base = median(samples.map((s) => s.kubectlWatchMs));
    rows.push(
      row({
        name: `tree: kubectl create sa → shown (p50 of ${o.followRuns})`,
        measured: p50,
        extra: `(max ${Math.max(...samples.map((s) => s.treeMs)).toFixed(0)})`,
        baseline: base,
        baselineName: 'kubectl get sa -w',
        unit: 'ms',
        goal: 'p50 < 1 s',
        met: p50 < 1000,
      }),
    );
  } finally {
    follower.stdin.end();
    watcher.kill();
    await run(o.kubectl, [...o.kubectlArgs, 'delete', 'namespace', ns]).catch(() => undefined);
  }
  return rows;
}
