// Activation cost: require() + activate() of the shipped bundle (cluster layer loaded lazily)
// versus an eager bundle that loads @kubernetes/client-node at start. Each sample runs in a fresh
// Node process, so module caches never carry over. Prints medians and their ratio as JSON.
// Run by scripts/bench.mjs after `node esbuild.mjs --production`; BENCH_RUNS sets the sample count.
import { execFileSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const shim = path.join(root, 'bench', 'vscodeShim.cjs');
// out/ is gitignored and local to the checkout (.vscode-test may be shared between checkouts).
const outDir = path.join(root, 'out', 'bench-eager');
fs.mkdirSync(outDir, { recursive: true });

// The eager variant: the same extension with the cluster layer imported statically.
const eagerEntry = path.join(outDir, 'eager-entry.ts');
fs.writeFileSync(eagerEntry, `import '${path.join(root, 'src/kube/index').replace(/\\/g, '/')}';\nexport * from '${path.join(root, 'src/extension').replace(/\\/g, '/')}';\n`);
await esbuild.build({
  entryPoints: [eagerEntry], outfile: path.join(outDir, 'eager.js'), bundle: true, minify: true, platform: 'node', format: 'cjs',
  target: 'node20', external: ['vscode'], logLevel: 'error',
  define: { KUBE_MODULE_PATH: JSON.stringify('./kube.js'), YAML_MODULE_PATH: JSON.stringify('./yaml.js'), KUBE_PROXY_MODULE_PATH: JSON.stringify('./kube-proxy.js'), KUBE_OIDC_MODULE_PATH: JSON.stringify('./kube-oidc.js') },
});

const shipped = path.join(root, 'dist', 'extension.js');
if (!fs.existsSync(shipped)) throw new Error('dist/extension.js missing: run `node esbuild.mjs --production` first');

const hostBuiltins = ['fs', 'fs/promises', 'path', 'os', 'crypto', 'buffer', 'util', 'events', 'stream', 'url', 'net', 'tls', 'http', 'https', 'child_process', 'zlib'];
const probe = `
const Module = require('module');
const origResolve = Module._resolveFilename;
Module._resolveFilename = function (req, ...rest) { return req === 'vscode' ? ${JSON.stringify(shim)} : origResolve.call(this, req, ...rest); };
require(${JSON.stringify(shim)});
// Built-ins the VS Code extension host has loaded before any extension (its proxy support patches
// http/https/net/tls): preloaded for both bundles so only the bundles' own cost is timed.
for (const m of ${JSON.stringify(hostBuiltins)}) require(m);
const target = process.argv[1];
const ctx = { subscriptions: [], globalState: { get: (k, d) => d, update: async () => {}, keys: () => [] }, workspaceState: { get: (k, d) => d, update: async () => {}, keys: () => [] },
  secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: () => ({ dispose() {} }) },
  extensionUri: { fsPath: ${JSON.stringify(root)}, path: ${JSON.stringify(root)} }, extensionPath: ${JSON.stringify(root)}, extension: { packageJSON: {} },
  globalStorageUri: { fsPath: ${JSON.stringify(path.join(outDir, 'global-storage'))} } };
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const m = require(target);
const t1 = process.hrtime.bigint();
m.activate(ctx);
const t2 = process.hrtime.bigint();
const cpu = process.cpuUsage(c0);
const loaded = Object.keys(require.cache);
const kubeLoaded = loaded.some((p) => p.endsWith('kube.js'));
const clientNodeLoaded = loaded.some((p) => p.includes('@kubernetes') || p.includes('client-node'));
process.stdout.write(JSON.stringify({ requireMs: Number(t1 - t0) / 1e6, activateMs: Number(t2 - t1) / 1e6, cpuMs: (cpu.user + cpu.system) / 1000, kubeLoaded, clientNodeLoaded }));
`;

function sample(file) {
  return JSON.parse(execFileSync(process.execPath, ['-e', probe, file], { encoding: 'utf8' }));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = Number(process.env.BENCH_RUNS ?? 15);
const results = { shipped: [], eager: [], shippedCpu: [], eagerCpu: [] };
let shippedLoadsKube = false;
let shippedLoadsClientNode = false;
for (let i = 0; i < runs; i++) {
  const s = sample(shipped);
  shippedLoadsKube ||= s.kubeLoaded;
  shippedLoadsClientNode ||= s.clientNodeLoaded;
  results.shipped.push(s.requireMs + s.activateMs);
  results.shippedCpu.push(s.cpuMs);
  const e = sample(path.join(outDir, 'eager.js'));
  results.eager.push(e.requireMs + e.activateMs);
  results.eagerCpu.push(e.cpuMs);
}
const ms = median(results.shipped);
const me = median(results.eager);
const sizeKb = (f) => (fs.statSync(f).size / 1024).toFixed(0);
export const activation = {
  shippedMs: ms, eagerMs: me, ratio: ms / me, shippedCpuMs: median(results.shippedCpu), eagerCpuMs: median(results.eagerCpu), shippedLoadsKube, shippedLoadsClientNode,
  shippedKb: sizeKb(shipped), eagerKb: sizeKb(path.join(outDir, 'eager.js')), runs,
};
if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(activation, null, 2));
