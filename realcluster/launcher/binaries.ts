/**
 * Where the binaries are: `K8S_TOKENS_REAL_BIN_DIR`, else `.cache/kube-<version>/` of the repository,
 * the version being the one realcluster/go.mod requires (the single place it is pinned), as
 * scripts/real-cluster/build.mjs builds them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Binaries {
  dir: string;
  etcd: string;
  kubeApiServer: string;
  kubeControllerManager: string;
  /** The Kubernetes release of realcluster/go.mod, e.g. v1.37.2. */
  kubernetesVersion: string;
}

/** The repository root: the nearest folder above this file (src or out/) holding realcluster/go.mod. */
export function repoRoot(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'realcluster', 'go.mod'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no realcluster/go.mod above ${from}`);
  }
}

export function kubernetesVersion(root = repoRoot()): string {
  const goMod = fs.readFileSync(path.join(root, 'realcluster', 'go.mod'), 'utf8');
  const version = /^[ \t]*k8s\.io\/kubernetes (v\S+)/m.exec(goMod)?.[1];
  if (!version) throw new Error('realcluster/go.mod does not require k8s.io/kubernetes');
  return version;
}

/** The binaries' paths; `dir` overrides the environment and the default cache folder. */
export function locateBinaries(dir?: string): Binaries {
  const root = repoRoot();
  const version = kubernetesVersion(root);
  const binDir = dir ?? process.env.K8S_TOKENS_REAL_BIN_DIR ?? path.join(root, '.cache', `kube-${version}`);
  return {
    dir: binDir,
    etcd: path.join(binDir, 'etcd'),
    kubeApiServer: path.join(binDir, 'kube-apiserver'),
    kubeControllerManager: path.join(binDir, 'kube-controller-manager'),
    kubernetesVersion: version,
  };
}

/** Which binaries are missing (empty when all are there and executable). */
export function missingBinaries(b: Binaries): string[] {
  return [b.etcd, b.kubeApiServer, b.kubeControllerManager].filter((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

/** Whether the real-cluster tier can run here without building first. */
export function realBinariesPresent(dir?: string): boolean {
  return missingBinaries(locateBinaries(dir)).length === 0;
}

/** Throws a message that says what is missing and how to build it. */
export function assertBinaries(b: Binaries): void {
  const missing = missingBinaries(b);
  if (missing.length === 0) return;
  throw new Error(
    `the real-cluster binaries are missing: ${missing.join(', ')}.\n` +
      `Build them with \`npm run build:real\` (Go and the Go module proxy needed; a cold build takes many minutes, ` +
      `later ones are cached), or point K8S_TOKENS_REAL_BIN_DIR at a folder holding etcd, kube-apiserver and kube-controller-manager ${b.kubernetesVersion}.`,
  );
}
