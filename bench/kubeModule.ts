/**
 * Loads the shipped cluster layer (dist/kube.js) the way ClusterSession does on first cluster use,
 * and samples memory while a benchmark runs.
 */
import * as path from 'node:path';
import { configureCodeCache, flushCodeCache, requireCached } from '../src/loader/codeCache';
import type { KubeModule } from '../src/kube/session';

/** out/bench/*.js → repository root. */
export const repoRoot = path.resolve(__dirname, '..', '..');

/**
 * Built-ins the VS Code extension host has loaded before any extension runs (its proxy support
 * patches http, https, net and tls): the same list as bench/activation.mjs. A benchmark of what
 * the extension pays loads them before its clock starts.
 */
export const HOST_BUILTINS = ['fs', 'fs/promises', 'path', 'os', 'crypto', 'buffer', 'util', 'events', 'stream', 'url', 'net', 'tls', 'http', 'https', 'child_process', 'zlib'];

export function preloadHostBuiltins(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const m of HOST_BUILTINS) require(m);
}

/**
 * Requires dist/kube.js as ClusterSession does: with `codeCacheDir`, through the V8 code cache the
 * extension keeps in its global storage (the state of any start after the first one).
 */
export function loadKubeModule(codeCacheDir?: string): KubeModule {
  const file = path.join(repoRoot, 'dist', 'kube.js');
  configureCodeCache(codeCacheDir);
  const kube = requireCached(file) as KubeModule;
  kube.configureCodeCache(codeCacheDir);
  return kube;
}

/** Writes the code caches a run produced (the extension does this a few seconds after loading). */
export function flushCodeCaches(kube: KubeModule): void {
  kube.flushCodeCache();
  flushCodeCache();
}

/** High-water marks of RSS and V8 heap, sampled on a timer and whenever `sample()` is called. */
export class MemoryPeaks {
  rss = 0;
  heapUsed = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 5) {
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    const m = process.memoryUsage();
    this.rss = Math.max(this.rss, m.rss);
    this.heapUsed = Math.max(this.heapUsed, m.heapUsed);
  }

  /** Stops sampling; RSS also takes the kernel's own high-water mark (maxRSS, which sampling can miss). */
  stop(): { peakRssMb: number; peakHeapUsedMb: number } {
    clearInterval(this.timer);
    this.sample();
    const mb = (b: number): number => Math.round((b / 1024 / 1024) * 10) / 10;
    return { peakRssMb: mb(Math.max(this.rss, process.resourceUsage().maxRSS * 1024)), peakHeapUsedMb: mb(this.heapUsed) };
  }
}

/** `--name value` from argv. */
export function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`missing --${name}`);
  return v;
}
