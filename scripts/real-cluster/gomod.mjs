// The pins of realcluster/go.mod, and the check that keeps them in ONE place: the Kubernetes version
// in the `require` of k8s.io/kubernetes. Everything else (the ~30 staging `replace` lines and the etcd
// server version) must match what the go.mod of that Kubernetes release says, read from the module
// cache with `go mod download -json k8s.io/kubernetes@<version>`.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const moduleDir = path.join(repoRoot, 'realcluster');
export const goModPath = path.join(moduleDir, 'go.mod');

const REPLACE_BLOCK = /^replace \(\n([\s\S]*?)^\)$/m;
// One directive: `module => target [version]` (a local path has no version).
const DIRECTIVE = /^\s*(\S+)(?: \S+)? => (\S+)(?: (\S+))?\s*$/;

/** `require` and `replace` directives we rely on, from a go.mod text. */
export function parseGoMod(text) {
  const requireOf = (mod) => new RegExp(`^\\s*(?:require\\s+)?${mod.replaceAll('.', '\\.')} (v\\S+)`, 'm').exec(text)?.[1];
  const replaces = new Map();
  const block = REPLACE_BLOCK.exec(text)?.[1] ?? '';
  const single = [...text.matchAll(/^replace (.+)$/gm)].map((m) => m[1]).filter((l) => l !== '(');
  for (const line of [...block.split('\n'), ...single]) {
    const m = DIRECTIVE.exec(line.includes('//') ? line.slice(0, line.indexOf('//')) : line);
    if (m) replaces.set(m[1], { target: m[2], version: m[3] });
  }
  return {
    go: /^go (\S+)$/m.exec(text)?.[1],
    kubernetes: requireOf('k8s.io/kubernetes'),
    etcdServer: requireOf('go.etcd.io/etcd/server/v3'),
    etcdClient: requireOf('go.etcd.io/etcd/client/v3'),
    replaces,
  };
}

/** The pins of realcluster/go.mod. */
export function readPins() {
  const pins = parseGoMod(fs.readFileSync(goModPath, 'utf8'));
  if (!pins.kubernetes) throw new Error(`${path.relative(repoRoot, goModPath)} does not require k8s.io/kubernetes`);
  return pins;
}

/** Kubernetes v1.X.Y publishes its staging modules (k8s.io/api, ...) as v0.X.Y. */
export function stagingVersion(kubernetesVersion) {
  const m = /^v1\.(\d+\.\d+)$/.exec(kubernetesVersion);
  if (!m) throw new Error(`unexpected Kubernetes version ${kubernetesVersion} (want v1.X.Y)`);
  return `v0.${m[1]}`;
}

/** The go.mod text of k8s.io/kubernetes at `version`, from the module cache (downloaded through the proxy if needed). */
export function upstreamGoMod(version) {
  const out = execFileSync('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${version}`], { cwd: moduleDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const info = JSON.parse(out);
  if (info.Error) throw new Error(`go mod download k8s.io/kubernetes@${version}: ${info.Error}`);
  return fs.readFileSync(info.GoMod, 'utf8');
}

/**
 * What our go.mod must say for the release it requires: every staging module k8s.io/kubernetes
 * replaces with ./staging/... pinned to v0.X.Y, and etcd's server at the version of the etcd client
 * Kubernetes was built and tested with. Returns a list of problems (empty when in step).
 */
export function checkPins(pins, upstreamText) {
  const upstream = parseGoMod(upstreamText);
  const want = stagingVersion(pins.kubernetes);
  const problems = [];
  const staging = [...upstream.replaces].filter(([, r]) => r.target.startsWith('./staging/')).map(([mod]) => mod);
  for (const mod of staging) {
    const ours = pins.replaces.get(mod);
    if (!ours) problems.push(`missing: replace ${mod} => ${mod} ${want}`);
    else if (ours.target !== mod || ours.version !== want) problems.push(`wrong: replace ${mod} => ${ours.target} ${ours.version ?? ''} (want ${mod} ${want})`);
  }
  for (const mod of pins.replaces.keys()) {
    if (mod.startsWith('k8s.io/') && !staging.includes(mod)) problems.push(`extra: replace ${mod} (k8s.io/kubernetes ${pins.kubernetes} has no such staging module)`);
  }
  if (upstream.etcdClient && pins.etcdServer !== upstream.etcdClient) {
    problems.push(`etcd: go.etcd.io/etcd/server/v3 ${pins.etcdServer} but k8s.io/kubernetes ${pins.kubernetes} uses etcd ${upstream.etcdClient}`);
  }
  return { problems, staging, want };
}

/** Rewrites the replace block of realcluster/go.mod for the required Kubernetes release. */
export function syncReplaces(pins, staging, want) {
  const lines = staging.sort().map((mod) => `\t${mod} => ${mod} ${want}`);
  const text = fs.readFileSync(goModPath, 'utf8');
  if (!REPLACE_BLOCK.test(text)) throw new Error('realcluster/go.mod has no `replace (` block to rewrite');
  fs.writeFileSync(goModPath, text.replace(REPLACE_BLOCK, `replace (\n${lines.join('\n')}\n)`));
}
