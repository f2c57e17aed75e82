/**
 * Command lines of etcd, kube-apiserver and kube-controller-manager: one defaults list each (as in
 * envtest's `defaultArgs`), production-like where it matters to tokens, then the caller's extra flags.
 * An extra `--name=value` replaces EVERY default `--name` (so a repeatable flag such as
 * `--service-account-issuer` is replaced as a whole: repeat it in the extras to keep several).
 */

/** Files and ports one cluster's processes are started with. */
export interface Layout {
  dir: string;
  etcdUrl: string;
  etcdPrefix: string;
  apiServerPort: number;
  controllerManagerPort: number;
  files: {
    caCert: string;
    servingCert: string;
    servingKey: string;
    saSigningKey: string;
    saPublicKeys: string[];
    auditPolicy: string;
    auditLog: string;
    controllerManagerKubeconfig: string;
    authenticationConfig?: string;
  };
}

export interface TokenFlags {
  issuers: string[];
  apiAudiences: string[];
  maxTokenExpirationSeconds: number;
  extendTokenExpiration: boolean;
}

/**
 * The controllers the token workflows need (names as `kube-controller-manager --help` lists them in
 * v1.37), and nothing that expects kubelets or a scheduler (pod-garbage-collector and
 * node-lifecycle would delete or evict the stand-in Pods of tests):
 * - serviceaccount: the `default` ServiceAccount of every namespace;
 * - serviceaccount-token: fills legacy token Secrets (kubernetes.io/service-account-token);
 * - legacy-serviceaccount-token-cleaner: labels and deletes unused legacy tokens;
 * - namespace: empties and removes deleted namespaces; garbage-collector: ownerReferences;
 * - clusterrole-aggregation: fills `admin`, `edit`, `view` from the aggregate-to-* roles;
 * - root-ca-certificate-publisher: the kube-root-ca.crt ConfigMap of projected token volumes.
 */
export const CONTROLLERS = [
  'serviceaccount-controller',
  'serviceaccount-token-controller',
  'legacy-serviceaccount-token-cleaner-controller',
  'namespace-controller',
  'garbage-collector-controller',
  'clusterrole-aggregation-controller',
  'root-ca-certificate-publisher-controller',
];

/**
 * Metadata level for everything but health probes: enough to see who called what, and the annotations
 * the authenticators add (authentication.k8s.io/legacy-token, authentication.k8s.io/stale-token,
 * authentication.kubernetes.io/issued-credential-id), without request or response bodies (tokens).
 */
export const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: None
    nonResourceURLs: ["/healthz*", "/livez*", "/readyz*"]
  - level: Metadata
`;

const nameOf = (arg: string): string => arg.replace(/^--/, '').split('=')[0];

/** `defaults` with every flag named in `extra` dropped, then `extra` appended. */
export function mergeArgs(defaults: string[], extra: readonly string[] = []): string[] {
  for (const arg of extra) {
    if (!/^--[a-z0-9-]+(?:=|$)/.test(arg)) throw new Error(`extra flag ${JSON.stringify(arg)} must look like --name=value`);
  }
  const overridden = new Set(extra.map(nameOf));
  return [...defaults.filter((a) => !overridden.has(nameOf(a))), ...extra];
}

export function etcdArgs(dataDir: string, clientPort: number, peerPort: number): string[] {
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  return [
    '--name=default',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    // A throw-away test store: no fsync (much faster on a shared disk), nothing to keep.
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ];
}

export function apiServerArgs(l: Layout, t: TokenFlags): string[] {
  const f = l.files;
  return [
    `--etcd-servers=${l.etcdUrl}`,
    `--etcd-prefix=${l.etcdPrefix}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    // The lease reconciler of the `kubernetes` Service refuses a loopback advertise address; nothing
    // here reaches the apiserver through that Service.
    '--endpoint-reconciler-type=none',
    `--secure-port=${l.apiServerPort}`,
    `--cert-dir=${l.dir}/apiserver-certs`,
    `--tls-cert-file=${f.servingCert}`,
    `--tls-private-key-file=${f.servingKey}`,
    `--client-ca-file=${f.caCert}`,
    ...t.issuers.map((i) => `--service-account-issuer=${i}`),
    ...f.saPublicKeys.map((k) => `--service-account-key-file=${k}`),
    `--service-account-signing-key-file=${f.saSigningKey}`,
    `--api-audiences=${t.apiAudiences.join(',')}`,
    ...(t.maxTokenExpirationSeconds > 0 ? [`--service-account-max-token-expiration=${t.maxTokenExpirationSeconds}s`] : []),
    `--service-account-extend-token-expiration=${t.extendTokenExpiration}`,
    '--authorization-mode=Node,RBAC',
    '--service-cluster-ip-range=10.0.0.0/24',
    `--audit-policy-file=${f.auditPolicy}`,
    `--audit-log-path=${f.auditLog}`,
    '--audit-log-format=json',
    ...(f.authenticationConfig ? [`--authentication-config=${f.authenticationConfig}`] : []),
    '--profiling=false',
  ];
}

export function controllerManagerArgs(l: Layout): string[] {
  const f = l.files;
  return [
    `--kubeconfig=${f.controllerManagerKubeconfig}`,
    // Its own authn/authz of /healthz etc. against the same apiserver (otherwise it logs warnings).
    `--authentication-kubeconfig=${f.controllerManagerKubeconfig}`,
    `--authorization-kubeconfig=${f.controllerManagerKubeconfig}`,
    `--service-account-private-key-file=${f.saSigningKey}`,
    `--root-ca-file=${f.caCert}`,
    '--use-service-account-credentials=true',
    `--controllers=${CONTROLLERS.join(',')}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${l.controllerManagerPort}`,
    `--cert-dir=${l.dir}/controller-manager-certs`,
    // One instance per cluster: no lease to win first (saves seconds at startup).
    '--leader-elect=false',
    '--profiling=false',
  ];
}
