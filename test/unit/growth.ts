/**
 * Growth checked as a ratio within one run, never as an absolute time: the time per call on an
 * input ten times larger, divided by the time on the smaller one. Linear code gives about 10,
 * quadratic code about 100; the bound (30) leaves room for a loaded 2-core machine. Time is the
 * process's CPU time, not the wall clock: on a machine shared with other jobs a long batch waits
 * for the CPU more often than a short one, which inflated wall-clock ratios of linear code to 40
 * and more. Each size is timed in batches of at least 4 ms, small and large interleaved, and the
 * minimum of several batches is kept: noise only ever adds time.
 */
import * as assert from 'node:assert/strict';

export interface Growth {
  n: number;
  smallMs: number;
  largeMs: number;
  ratio: number;
}

/** CPU time of this process (user + system), in ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
const wallMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** A string's characters laid out flat, as text read from a file is (`repeat` builds ropes). */
function flat<T>(input: T): T {
  return (typeof input === 'string' ? Buffer.from(input, 'utf8').toString('utf8') : input) as T;
}

/** Per-call times of `run` on `make(n)` and `make(10 n)`, the minimum of `samples` batches each. */
export function measureGrowth<T>(make: (n: number) => T, run: (input: T) => unknown, n: number, samples = 5): Growth {
  const small = flat(make(n));
  const large = flat(make(10 * n));
  run(small);
  run(large);
  // Enough calls per batch that a small batch takes 4 ms of CPU.
  let reps = 1;
  for (; reps < 1_000_000; reps *= 2) {
    const t0 = cpuMs();
    for (let i = 0; i < reps; i++) run(small);
    if (cpuMs() - t0 >= 4) break;
  }
  const largeReps = Math.max(1, Math.round(reps / 10));
  let smallMs = Number.POSITIVE_INFINITY;
  let largeMs = Number.POSITIVE_INFINITY;
  const started = wallMs();
  for (let s = 0; s < samples; s++) {
    let t0 = cpuMs();
    for (let i = 0; i < reps; i++) run(small);
    smallMs = Math.min(smallMs, (cpuMs() - t0) / reps);
    t0 = cpuMs();
    for (let i = 0; i < largeReps; i++) run(large);
    largeMs = Math.min(largeMs, (cpuMs() - t0) / largeReps);
    // Super-linear code makes the large batches long: the ratio is plain after two samples.
    if (s >= 1 && wallMs() - started > 5_000) break;
  }
  return { n, smallMs, largeMs, ratio: largeMs / Math.max(smallMs, 1e-6) };
}

/** Fails when the time for 10 n is more than `bound` times the time for n. */
export function assertLinear<T>(what: string, make: (n: number) => T, run: (input: T) => unknown, n: number, bound = 30): Growth {
  const g = measureGrowth(make, run, n);
  const text = `${what}: n=${g.n} ${g.smallMs.toFixed(4)} ms, 10n ${g.largeMs.toFixed(4)} ms, ratio ${g.ratio.toFixed(1)}`;
  assert.ok(g.ratio < bound, `${text} (bound ${bound}: super-linear)`);
  return g;
}
