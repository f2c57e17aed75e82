/**
 * Public contract of the real-cluster launcher. `RealClusterOptions` extends the backend-neutral
 * `ClusterOptions` and `RealCluster` the backend-neutral `ClusterUnderTest` of testserver/api.ts, so a
 * test written against those runs unchanged on the test server and on a real kube-apiserver.
 */
import type { ClusterOptions, ClusterUnderTest, ClusterUser } from '../../testserver/api';
import type { ClientCertificate, ServiceAccountKeys } from './pki';

export type { ClientCertificate, KeyPairPem, ServiceAccountKeys } from './pki';

export interface RealClusterOptions extends ClusterOptions {
  /** kube-apiserver `--secure-port` on 127.0.0.1; default a free port. A taken port is refused with a clear message. */
  port?: number;
  /** Folder with etcd, kube-apiserver, kube-controller-manager; default `K8S_TOKENS_REAL_BIN_DIR`, else `.cache/kube-<version>/`. */
  binDir?: string;
  /**
   * Extra kube-apiserver flags (`--name=value`); each replaces every default flag of that name, e.g.
   * `['--etcd-compaction-interval=10s']`, `['--service-account-lookup=false']`.
   */
  extraApiServerArgs?: string[];
  /** Extra kube-controller-manager flags, same rule (e.g. `--legacy-service-account-token-clean-up-period=1s`). */
  extraControllerManagerArgs?: string[];
  /**
   * An AuthenticationConfiguration (apiserver.config.k8s.io/v1), as YAML/JSON text or an object; written
   * to a file and passed as `--authentication-config` (JWT authenticators, e.g. trusting another
   * cluster's issuer for cross-cluster tests).
   */
  authenticationConfig?: string | Record<string, unknown>;
  /** The audit policy (YAML); default: Metadata for every request but health probes (AUDIT_POLICY in flags.ts). */
  auditPolicy?: string;
  /**
   * Run this cluster's kube-apiserver (and kube-controller-manager) on the etcd of `etcdOf`, under its own
   * `--etcd-prefix`: a second, fully separate cluster (own CA, keys, issuer) for the price of two
   * processes instead of three. Closing `etcdOf` closes this cluster first.
   */
  etcdOf?: RealCluster;
  /** Namespace in which the preset namespace admin holds ClusterRole `admin`; default 'team-a'. */
  teamNamespace?: string;
  /** Per-binary start timeout; default 120 s (a loaded 2-core machine needs tens of seconds). */
  startTimeoutMs?: number;
  /** Keep the working folder (logs, certificates, etcd data) after close; default false, or env K8S_TOKENS_REAL_KEEP=1. */
  keepDir?: boolean;
  /** Progress lines during startup (default: none). */
  log?: (line: string) => void;
}

/** A user of the preset kubeconfig, with the context that uses it. */
export interface PresetUser extends ClusterUser {
  context: string;
  /** Default namespace of the context. */
  namespace?: string;
  /** What the user may do, in words (printed by `npm run cluster:real`). */
  role: string;
}

export interface RealCluster extends ClusterUnderTest {
  readonly backend: 'kube-apiserver';
  /** Kubernetes release of the binaries, e.g. v1.37.2. */
  readonly kubernetesVersion: string;
  /** Working folder (removed by close() unless keepDir). */
  readonly dir: string;
  /** A kubeconfig with one context per preset user (current context: the admin). */
  readonly kubeconfigPath: string;
  /** The preset users (client certificates): cluster admin, namespace admin, read-only viewer. */
  readonly users: { readonly admin: PresetUser; readonly namespaceAdmin: PresetUser; readonly viewer: PresetUser };
  /**
   * The file given to `--authentication-config` (when the `authenticationConfig` option was set).
   * kube-apiserver watches it and reloads a valid change without a restart (fsnotify, else every
   * minute: pkg/kubeapiserver/options/authentication.go): write it in place to change what it accepts.
   */
  readonly authenticationConfigPath?: string;
  /** The audit log (JSON lines, policy in `auditPolicyPath`). */
  readonly auditLogPath: string;
  readonly auditPolicyPath: string;
  /** Log files of the three processes. */
  readonly logs: { readonly etcd: string; readonly apiServer: string; readonly controllerManager: string };
  /** etcd client URL and this cluster's key prefix in it. */
  readonly etcdUrl: string;
  readonly etcdPrefix: string;
  /** Signing, also-trusted and unknown service-account keys (PEM). */
  readonly serviceAccountKeys: ServiceAccountKeys;
  /** A client certificate for `user`, signed by the cluster CA (cached per name + groups). */
  clientCertificate(user: ClusterUser): ClientCertificate;
  /** Seconds from startRealCluster() to ready, per step. */
  readonly startup: { readonly etcd: number; readonly apiServer: number; readonly controllerManager: number; readonly ready: number; readonly total: number };
  /** The full command lines the processes were started with (for debugging and the README). */
  readonly commandLines: { readonly etcd?: string[]; readonly apiServer: string[]; readonly controllerManager: string[] };
}
