/**
 * Time for the watch loop: an injectable clock (tests run back-off schedules in virtual time) and
 * client-go's reflector back-off.
 */
import { KubeError } from '../errors/kubeError';

export interface Clock {
  now(): number;
  random(): number;
  /** Resolves after `ms`; rejects with a 'cancelled' KubeError when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Calls `fn` after `ms`; returns its cancellation. */
  timer(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      const cancelled = (): void => reject(new KubeError({ kind: 'cancelled', message: 'The request was cancelled.' }));
      if (signal.aborted) return cancelled();
      const t = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(t);
        cancelled();
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }),
  timer: (ms, fn) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return () => clearTimeout(t);
  },
};

/** client-go `wait.Backoff{Duration: 800ms, Factor: 2, Jitter: 1, Cap: 30s}` with `DelayWithReset(2m)`. */
export class Backoff {
  private step = 0;
  private last = -Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly initialMs = 800,
    private readonly maxMs = 30_000,
    private readonly resetAfterMs = 120_000,
  ) {}

  next(): number {
    const now = this.clock.now();
    if (now - this.last > this.resetAfterMs) this.step = 0;
    this.last = now;
    const base = Math.min(this.initialMs * 2 ** this.step, this.maxMs);
    if (base < this.maxMs) this.step++;
    return base * (1 + this.clock.random());
  }
}
