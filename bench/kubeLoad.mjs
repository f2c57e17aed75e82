// What loading the cluster layer costs: size and require time of dist/kube.js and dist/yaml.js
// (which kube.js requires to read kubeconfig files), each in fresh Node processes with the
// built-ins the extension host has already loaded preloaded, as in activation.mjs. Prints JSON.
// BENCH_RUNS sets the sample count (median reported).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const hostBuiltins = ['fs', 'fs/promises', 'path', 'os', 'crypto', 'buffer', 'util', 'events', 'stream', 'url', 'net', 'tls', 'http', 'https', 'child_process', 'zlib'];
const probe = `
for (const m of ${JSON.stringify(hostBuiltins)}) require(m);
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
require(process.argv[1]);
const t1 = process.hrtime.bigint();
const cpu = process.cpuUsage(c0);
process.stdout.write(JSON.stringify({ ms: Number(t1 - t0) / 1e6, cpuMs: (cpu.user + cpu.system) / 1000 }));
`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = Number(process.env.BENCH_RUNS ?? 15);

function measure(file) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(JSON.parse(execFileSync(process.execPath, ['-e', probe, file], { encoding: 'utf8' })));
  return { kb: fs.statSync(file).size / 1024, requireMs: median(samples.map((s) => s.ms)), cpuMs: median(samples.map((s) => s.cpuMs)), samples };
}

const out = { runs };
for (const name of ['kube', 'yaml']) out[name] = measure(path.join(root, 'dist', `${name}.js`));
console.log(JSON.stringify(out));
