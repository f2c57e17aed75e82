/**
 * YAML generators for a ServiceAccount: a Pod that mounts a projected token (with the CA bundle and
 * namespace, as the default kube-api-access volume does) and a CronJob that rotates a token into a
 * Secret, with its own least-privilege ServiceAccount, Role and RoleBinding. Pure: no `vscode`.
 */
import { yaml } from '../loader/yaml';
import { rbacObjects, toDnsName, type PolicyRule } from '../rbac/rbacYaml';

type Manifest = Record<string, unknown>;

// The limits come from the one duration module (the API server's, and the kubelet's for projected volumes).
export { MAX_EXPIRATION_SECONDS, MIN_EXPIRATION_SECONDS } from '../tokens/duration';
export const DEFAULT_TOKEN_MOUNT_PATH = '/var/run/secrets/tokens';

/**
 * The rotation Job runs a shell script, so its image needs /bin/sh next to kubectl.
 * registry.k8s.io/kubectl has no shell: kubernetes build/server-image/kubectl/Dockerfile is
 * `FROM "${BASEIMAGE}"` + `COPY kubectl /bin/`, and build/common.sh sets BASEIMAGE to go-runner, a
 * distroless image (read in k8s.io/kubernetes v1.37.2). alpine/k8s is `FROM alpine` (BusyBox /bin/sh)
 * with kubectl in /usr/bin: https://github.com/alpine-docker/k8s/blob/master/Dockerfile; its tags
 * follow the kubectl version. Pin a digest in production.
 */
export const ROTATION_IMAGE = 'docker.io/alpine/k8s:1.34.1';

export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

export interface ProjectedPodOptions {
  serviceAccount: ServiceAccountRef;
  /** Empty or undefined: the API server's audiences. */
  audience?: string;
  expirationSeconds?: number;
  /** Directory the volume is mounted at. */
  mountPath?: string;
  /** File name of the token inside the volume. */
  tokenPath?: string;
  image?: string;
  podName?: string;
}

/** Joins manifests into one multi-document YAML text. */
export function toYamlDocuments(objects: readonly Manifest[]): string {
  return objects.map((o) => yaml().stringify(o, { lineWidth: 0 })).join('---\n');
}

/**
 * A Pod running as the ServiceAccount with automount off and an explicit projected volume in its
 * place: the token (audience, lifetime, path), `ca.crt` from the kube-root-ca.crt ConfigMap and
 * the namespace from the downward API, mounted read-only.
 */
export function projectedPodObject(o: ProjectedPodOptions): Manifest {
  const token: Manifest = { path: o.tokenPath ?? 'token', expirationSeconds: o.expirationSeconds ?? 3600 };
  if (o.audience) token.audience = o.audience;
  const mountPath = o.mountPath ?? DEFAULT_TOKEN_MOUNT_PATH;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: o.podName ?? toDnsName(`${o.serviceAccount.name}-projected-token`), namespace: o.serviceAccount.namespace },
    spec: {
      serviceAccountName: o.serviceAccount.name,
      automountServiceAccountToken: false,
      containers: [
        {
          name: 'app',
          image: o.image ?? 'busybox:1.36',
          command: ['sh', '-c', `while true; do ls -l ${mountPath}; sleep 3600; done`],
          volumeMounts: [{ name: 'sa-token', mountPath, readOnly: true }],
        },
      ],
      volumes: [
        {
          name: 'sa-token',
          projected: {
            sources: [
              { serviceAccountToken: token },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
            ],
          },
        },
      ],
    },
  };
}

export function projectedPodYaml(o: ProjectedPodOptions): string {
  return toYamlDocuments([projectedPodObject(o)]);
}

export interface RotationCronJobOptions {
  /** The ServiceAccount whose token is rotated. */
  serviceAccount: ServiceAccountRef;
  /** The Secret the current token is written to. */
  secretName?: string;
  expirationSeconds?: number;
  audience?: string;
  /** Cron schedule; default every 12 hours, half of the default 24 h lifetime. */
  schedule?: string;
  image?: string;
}

/** Where the rotation Job keeps the token between two commands: a memory-backed emptyDir. */
export const ROTATION_WORK_DIR = '/work';

/**
 * The POSIX shell script of the rotation Job. The token goes through files in a memory-backed
 * emptyDir, never a command line, and no pipeline hides a failing step from `set -e`.
 */
export function rotationScript(o: Required<Pick<RotationCronJobOptions, 'secretName' | 'expirationSeconds'>> & RotationCronJobOptions): string {
  const audience = o.audience ? ` --audience='${o.audience.replace(/'/g, `'\\''`)}'` : '';
  const dir = ROTATION_WORK_DIR;
  return [
    'set -eu',
    'umask 077',
    `kubectl create token ${o.serviceAccount.name} --duration=${o.expirationSeconds}s${audience} > ${dir}/token`,
    `kubectl create secret generic ${o.secretName} --from-file=token=${dir}/token --dry-run=client -o yaml > ${dir}/secret.yaml`,
    `kubectl apply -f ${dir}/secret.yaml`,
    `rm -f ${dir}/token ${dir}/secret.yaml`,
  ].join('\n');
}

/**
 * The rotator's ServiceAccount, a Role allowing exactly `create serviceaccounts/token` for the
 * target and writing the one Secret, its RoleBinding, and the CronJob itself.
 */
export function rotationCronJobObjects(o: RotationCronJobOptions): Manifest[] {
  const ns = o.serviceAccount.namespace;
  const secretName = o.secretName ?? toDnsName(`${o.serviceAccount.name}-rotated-token`);
  const expirationSeconds = o.expirationSeconds ?? 86400;
  const rotator = toDnsName(`${o.serviceAccount.name}-token-rotator`);
  const rules: PolicyRule[] = [
    { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'], resourceNames: [o.serviceAccount.name] },
    { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'patch', 'update'], resourceNames: [secretName] },
    // create cannot be limited by resourceNames: the name is not known to the authorizer before the object exists.
    { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
  ];
  const [role, binding] = rbacObjects({ name: rotator, namespace: ns, rules, subject: { kind: 'ServiceAccount', name: rotator, namespace: ns } });
  const cronJob: Manifest = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: rotator, namespace: ns },
    spec: {
      schedule: o.schedule ?? '0 */12 * * *',
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        spec: {
          backoffLimit: 2,
          template: {
            spec: {
              serviceAccountName: rotator,
              // Explicit: kubectl calls the API with this token (and the workload lint reads it so).
              automountServiceAccountToken: true,
              restartPolicy: 'OnFailure',
              containers: [
                {
                  name: 'rotate',
                  image: o.image ?? ROTATION_IMAGE,
                  command: ['/bin/sh', '-c', rotationScript({ ...o, secretName, expirationSeconds })],
                  volumeMounts: [{ name: 'work', mountPath: ROTATION_WORK_DIR }],
                },
              ],
              volumes: [{ name: 'work', emptyDir: { medium: 'Memory' } }],
            },
          },
        },
      },
    },
  };
  return [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: rotator, namespace: ns } }, role, binding, cronJob];
}

export function rotationCronJobYaml(o: RotationCronJobOptions): string {
  return toYamlDocuments(rotationCronJobObjects(o));
}
