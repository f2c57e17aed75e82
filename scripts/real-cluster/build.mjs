// `npm run build:real [-- --force] [--sync-replaces]`: builds kube-apiserver, kube-controller-manager
// and etcd from the Go module in realcluster/ into .cache/kube-<version>/ (gitignored), unless the
// binaries there are current: a stamp of go.mod, go.sum, the etcd main, the build flags and `go version`.
// Checks first that the replace lines of realcluster/go.mod match the go.mod of the Kubernetes release
// it requires (--sync-replaces rewrites them), prints progress while compiling and the versions after.
// Also imported by scripts/real-cluster/test-real.mjs, cluster.mjs and scripts/test-all.mjs.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { checkPins, moduleDir, readPins, repoRoot, syncReplaces, upstreamGoMod } from './gomod.mjs';

export const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager'];
const PACKAGES = ['k8s.io/kubernetes/cmd/kube-apiserver', 'k8s.io/kubernetes/cmd/kube-controller-manager', './cmd/etcd'];
const PROGRESS_EVERY_MS = 15_000;

/** Where the binaries of the pinned release live (the launcher computes the same path). */
export function binDir(pins = readPins()) {
  return process.env.K8S_TOKENS_REAL_BIN_DIR ?? path.join(repoRoot, '.cache', `kube-${pins.kubernetes}`);
}

/** `go version`, or a thrown Error saying what to install. */
export function goVersion() {
  try {
    return execFileSync('go', ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    const want = readPins().go;
    throw new Error(
      `Go is not installed (no \`go\` on PATH). The real-cluster tier builds kube-apiserver, kube-controller-manager and etcd ` +
        `from their Go modules: install Go ${want} or later (https://go.dev/dl/) and make sure the Go module proxy is reachable.`,
    );
  }
}

function buildFlags(pins) {
  const minor = /^v1\.(\d+)\./.exec(pins.kubernetes)[1];
  // gitVersion is what `kubectl version` and /version show; without it the server says v0.0.0, which
  // clients treat as ancient. -s -w: no symbol tables, a smaller and faster link.
  const ldflags = `-s -w -X k8s.io/component-base/version.gitVersion=${pins.kubernetes} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor}`;
  return ['-trimpath', `-ldflags=${ldflags}`];
}

function stampOf(pins, go) {
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', path.join('cmd', 'etcd', 'main.go')]) hash.update(fs.readFileSync(path.join(moduleDir, file)));
  hash.update(JSON.stringify({ flags: buildFlags(pins), go, packages: PACKAGES, env: [process.env.GOOS, process.env.GOARCH, process.env.CGO_ENABLED] }));
  return hash.digest('hex');
}

const stampFile = (dir) => path.join(dir, '.stamp');
const isCurrent = (dir, stamp) => BINARIES.every((b) => fs.existsSync(path.join(dir, b))) && fs.existsSync(stampFile(dir)) && fs.readFileSync(stampFile(dir), 'utf8').trim() === stamp;

const clock = (ms) => `${Math.floor(ms / 60_000)}m${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}s`;

/** `go build -v` into `outDir`, printing a progress line every 15 s (package count, current package). */
function goBuild(pins, outDir, log) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const args = ['build', '-v', ...buildFlags(pins), '-o', outDir + path.sep, ...PACKAGES];
    log(`build:real: go ${args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`);
    const child = spawn('go', args, { cwd: moduleDir, stdio: ['ignore', 'ignore', 'pipe'] });
    let compiled = 0;
    let last = '';
    let errors = '';
    let partial = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        // -v prints the import path of each package it compiles; anything else is a diagnostic.
        if (/^[\w.-]+(?:\/[\w.~+-]+)*$/.test(line)) {
          compiled += 1;
          last = line;
        } else if (line.trim()) {
          errors += line + '\n';
        }
      }
    });
    const timer = setInterval(() => log(`build:real: … ${compiled} packages compiled (${clock(Date.now() - started)}), ${last ? `last ${last}` : 'nothing to compile yet: downloading modules, checking the build cache or linking'}`), PROGRESS_EVERY_MS);
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      if (code === 0) resolve({ compiled, ms: Date.now() - started });
      else reject(new Error(`go build failed (exit ${code}) after ${clock(Date.now() - started)}:\n${errors.trim()}\n(missing go.sum entries: run \`go mod tidy\` in realcluster/)`));
    });
  });
}

function versions(dir) {
  return Object.fromEntries(
    BINARIES.map((b) => {
      const out = execFileSync(path.join(dir, b), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return [b, `${b}: ${out.trim().split('\n')[0]}`];
    }),
  );
}

/**
 * Makes sure the three binaries of the pinned release exist and are current; builds them otherwise.
 * Resolves { dir, built, seconds, versions }. Throws with a readable message (no Go, pins out of step,
 * build error).
 */
export async function ensureBinaries({ force = false, log = (l) => console.log(l) } = {}) {
  const go = goVersion();
  const pins = readPins();
  const dir = binDir(pins);
  const custom = process.env.K8S_TOKENS_REAL_BIN_DIR !== undefined;
  if (custom) {
    const v = versions(dir);
    log(`build:real: using the binaries of K8S_TOKENS_REAL_BIN_DIR=${dir} (${Object.values(v).join('; ')})`);
    return { dir, built: false, seconds: 0, versions: v };
  }
  // Checked on every run (a cached module: milliseconds), so an edit of the require that forgot the
  // replace lines fails here with what to do, not deep inside the Go build.
  const { problems } = checkPins(pins, upstreamGoMod(pins.kubernetes));
  if (problems.length > 0) {
    throw new Error(`realcluster/go.mod is out of step with k8s.io/kubernetes ${pins.kubernetes}:\n  ${problems.join('\n  ')}\nRun \`npm run build:real -- --sync-replaces\` (see realcluster/README.md).`);
  }
  const stamp = stampOf(pins, go);
  if (!force && isCurrent(dir, stamp)) {
    const v = versions(dir);
    log(`build:real: binaries current in ${path.relative(repoRoot, dir)} (${Object.values(v).join('; ')})`);
    return { dir, built: false, seconds: 0, versions: v };
  }
  log(`build:real: building Kubernetes ${pins.kubernetes} and etcd ${pins.etcdServer} with ${go} into ${path.relative(repoRoot, dir)} (a cold build takes many minutes; the Go build cache makes the next one fast)`);
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const { compiled, ms } = await goBuild(pins, tmp, log);
    fs.mkdirSync(dir, { recursive: true });
    fs.rmSync(stampFile(dir), { force: true });
    for (const b of BINARIES) fs.renameSync(path.join(tmp, b), path.join(dir, b));
    fs.writeFileSync(stampFile(dir), stamp + '\n');
    const v = versions(dir);
    log(`build:real: built in ${clock(ms)} (${compiled ? `${compiled} packages compiled` : 'every package from the Go build cache, linked'}): ${Object.values(v).join('; ')}`);
    return { dir, built: true, seconds: ms / 1000, versions: v };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(argv) {
  if (argv.includes('--sync-replaces')) {
    goVersion();
    const pins = readPins();
    const { problems, staging, want } = checkPins(pins, upstreamGoMod(pins.kubernetes));
    if (problems.length === 0) console.log(`build:real: realcluster/go.mod already matches k8s.io/kubernetes ${pins.kubernetes}`);
    else {
      syncReplaces(pins, staging, want);
      console.log(`build:real: rewrote ${staging.length} replace lines for ${pins.kubernetes} (${problems.length} changes); now run \`go mod tidy\` in realcluster/`);
      for (const p of problems.filter((q) => q.startsWith('etcd:'))) console.log(`build:real: still to do by hand: ${p}`);
    }
    return;
  }
  await ensureBinaries({ force: argv.includes('--force') });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`build:real: ${e.message}`);
    process.exit(1);
  });
}
