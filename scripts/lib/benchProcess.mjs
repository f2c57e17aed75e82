// Helpers of `npm run bench`: child processes with timing and peak memory, statistics, the table.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { clearInterval, setInterval } from 'node:timers';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs `node <args>` and parses the JSON object it prints on stdout. Asynchronous on purpose: the
 * test API server runs in this process and must keep serving while the child works.
 */
export function runNodeJson(args, { env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited with ${code}`));
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`node ${args.join(' ')} printed no JSON: ${out.slice(0, 200)}`));
      }
    });
  });
}

const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** VmHWM (peak RSS, KB) of a live process, or 0 once it is gone. */
function readVmHwm(pid) {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs a command to completion; returns wall time (ms), its maximum RSS (KB), the number of stdout
 * lines and, with /usr/bin/time, its CPU time (user + sys, 10 ms resolution). Max RSS comes from
 * `/usr/bin/time -f %M` when present, else from sampling VmHWM.
 */
export function timeCommand(cmd, args) {
  const rssFile = path.join(os.tmpdir(), `bench-rss-${process.pid}-${Date.now()}`);
  const [bin, argv] = timeBin ? [timeBin, ['-f', '%M %U %S', '-o', rssFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let err = '';
    let sampledKb = 0;
    const sampler = timeBin ? undefined : setInterval(() => (sampledKb = Math.max(sampledKb, readVmHwm(child.pid))), 5);
    child.stdout.on('data', (c) => {
      for (const b of c) if (b === 10) lines++;
    });
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (sampler) clearInterval(sampler);
      let maxRssKb = sampledKb;
      let cpuMs;
      if (timeBin) {
        const [rss, user, sys] = fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        maxRssKb = rss;
        cpuMs = (user + sys) * 1000;
        fs.rmSync(rssFile, { force: true });
      }
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${err.slice(0, 500)}`));
      resolve({ ms, maxRssKb, lines, cpuMs });
    });
  });
}

const fmt = (v, unit) => (typeof v === 'number' ? `${v < 1 ? v.toFixed(3) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ${unit}` : (v ?? '—'));

/**
 * One table row. `measured` and `baseline` are numbers in `unit` (or strings); `baselineName` says
 * what the baseline is; `met` is true/false, or undefined when no goal is set.
 */
export function row({ name, measured, baseline, baselineName, unit, goal, met, extra }) {
  const ratio = typeof measured === 'number' && typeof baseline === 'number' && baseline > 0 ? measured / baseline : undefined;
  return { name, measured, baseline, baselineName, unit, ratio, goal, met, extra };
}

export function formatTable(rows) {
  const header = ['benchmark', 'measured', 'baseline', 'ratio', 'goal', 'met?'];
  const cells = rows.map((r) => [
    r.name,
    fmt(r.measured, r.unit) + (r.extra ? ` ${r.extra}` : ''),
    r.baselineName ? `${fmt(r.baseline, r.unit)} ${r.baselineName}` : fmt(r.baseline, r.unit),
    r.ratio === undefined ? '—' : r.ratio.toFixed(3),
    r.goal ?? '—',
    r.met === undefined ? 'n/a' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => `| ${c.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
