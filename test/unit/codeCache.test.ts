/**
 * The V8 code cache for our lazily loaded bundles (src/loader/codeCache.ts): a module loads the
 * same with or without it, is registered in require.cache like any require(), and its cache is
 * written once, used on the next load, rewritten when V8 rejects it, and replaced when the file changes.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configureCodeCache, flushCodeCache, requireCached } from '../../src/loader/codeCache';

describe('code cache for lazily loaded bundles', () => {
  let dir: string;
  let cacheDir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'code-cache-')));
    cacheDir = path.join(dir, 'cache');
    file = path.join(dir, 'bundle.js');
    fs.writeFileSync(file, `exports.answer = () => 42; exports.dir = __dirname; exports.req = typeof require('node:path').join;`);
    configureCodeCache(cacheDir);
  });
  afterEach(() => {
    configureCodeCache(undefined);
    delete require.cache[file];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const caches = (): string[] => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).sort() : []);
  const load = (): { answer(): number; dir: string; req: string } => {
    delete require.cache[file];
    return requireCached(file) as { answer(): number; dir: string; req: string };
  };

  it('loads the module like require(), registered in require.cache', () => {
    const m = load();
    assert.equal(m.answer(), 42);
    assert.equal(m.dir, dir);
    assert.equal(m.req, 'function');
    assert.equal(require.cache[file]?.exports, m);
    assert.equal(requireCached(file), m, 'a second call returns the loaded module');
  });

  /** Loads the bundle in a fresh process (V8's in-memory compilation cache would hide the file cache) and flushes. */
  const loadInFreshProcess = (): number => {
    const script = `const c = require(${JSON.stringify(path.resolve(__dirname, '../../src/loader/codeCache.js'))});
      c.configureCodeCache(${JSON.stringify(cacheDir)}); const m = c.requireCached(${JSON.stringify(file)}); c.flushCodeCache(); process.stdout.write(String(m.answer()));`;
    return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
  };

  it('writes the cache once, uses it next time, and rewrites it when V8 rejects it', () => {
    load();
    assert.deepEqual(caches(), [], 'nothing written before the flush');
    flushCodeCache();
    const [written] = caches();
    assert.match(written, /^bundle\.js\.[0-9a-f]{20}\.v8cache$/);
    const cachePath = path.join(cacheDir, written);
    const data = fs.readFileSync(cachePath);
    fs.utimesSync(cachePath, 1, 1);
    assert.equal(loadInFreshProcess(), 42);
    assert.equal(fs.statSync(cachePath).mtimeMs, 1000, 'an accepted cache is not written again');
    fs.writeFileSync(cachePath, 'garbage');
    assert.equal(loadInFreshProcess(), 42, 'a corrupt cache is rejected by V8, not fatal');
    assert.ok(fs.readFileSync(cachePath).length > 100 && !fs.readFileSync(cachePath).equals(Buffer.from('garbage')), 'rewritten');
    assert.ok(data.length > 100);
  });

  it('keys the cache by the source, and drops the caches of earlier versions', () => {
    load();
    flushCodeCache();
    const before = caches();
    fs.writeFileSync(file, 'exports.answer = () => 43;');
    assert.equal(load().answer(), 43);
    flushCodeCache();
    const after = caches();
    assert.equal(after.length, 1);
    assert.notDeepEqual(after, before);
  });

  it('is plain require() when no folder is configured', () => {
    configureCodeCache(undefined);
    assert.equal(load().answer(), 42);
    flushCodeCache();
    assert.deepEqual(caches(), []);
  });
});
