/**
 * Requires one of our own lazily loaded bundles (dist/kube.js, dist/yaml.js) with a V8 code cache,
 * so that from the second start on, V8 neither parses nor compiles them again: measured on the
 * cold mint path, require + first parse of dist/yaml.js went from ~23 ms to ~5 ms of CPU
 * (`npm run bench`). Node 22's module.enableCompileCache() does this for every module; the
 * extension host runs Node 20, and a global hook would also touch VS Code's and other extensions'
 * modules, so this covers only the files we name.
 *
 * The cache lives in the extension's global storage folder (private to the user, like the
 * extension itself); a file's cache is keyed by a hash of its source and the Node version and V8
 * rejects data that does not match. The module is registered in require.cache like any require(),
 * so checks of what is loaded keep working. Pure Node: no `vscode`.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire, Module } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

interface Pending {
  script: vm.Script;
  file: string;
}

let cacheDir: string | undefined;
const pending: Pending[] = [];
let flushTimer: NodeJS.Timeout | undefined;
/** After this, the functions the first requests used are compiled, and the cache holds them too. */
const FLUSH_AFTER_MS = 5000;

/** Where to keep code caches; undefined turns caching off (plain require). */
export function configureCodeCache(dir: string | undefined): void {
  cacheDir = dir;
}

function cacheFile(dir: string, file: string, source: string): string {
  const key = createHash('sha256').update(source).update(process.version).update(process.arch).digest('hex').slice(0, 20);
  return path.join(dir, `${path.basename(file)}.${key}.v8cache`);
}

/** `require(file)` (an absolute path), with the code cache when one is configured. */
export function requireCached(target: string): unknown {
  const dir = cacheDir;
  // require() keys its cache by the real path; so do we, so that both find the module once loaded.
  const file = dir && path.isAbsolute(target) ? fs.realpathSync(target) : target;
  const loaded = require.cache[file];
  if (!dir || loaded || !path.isAbsolute(file)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return loaded ? loaded.exports : require(file);
  }
  const source = fs.readFileSync(file, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile(dir, file, source));
  } catch {
    // No cache yet.
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  require.cache[file] = mod;
  try {
    (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file));
  } catch (e) {
    delete require.cache[file];
    throw e;
  }
  mod.loaded = true;
  if (!cachedData || script.cachedDataRejected) {
    pending.push({ script, file });
    flushTimer ??= setTimeout(flushCodeCache, FLUSH_AFTER_MS).unref();
  }
  return mod.exports;
}

/** Writes the caches of the files loaded without one (atomically; a failure only costs speed). */
export function flushCodeCache(): void {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  const dir = cacheDir;
  if (!dir) return;
  for (const { script, file } of pending.splice(0)) {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const target = cacheFile(dir, file, fs.readFileSync(file, 'utf8'));
      const tmp = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(tmp, target);
      // Caches of earlier versions of the file are of no use any more.
      const prefix = `${path.basename(file)}.`;
      for (const old of fs.readdirSync(dir)) if (old.startsWith(prefix) && old.endsWith('.v8cache') && path.join(dir, old) !== target) fs.rmSync(path.join(dir, old), { force: true });
    } catch {
      // A read-only or full disk: the next start compiles again.
    }
  }
}
