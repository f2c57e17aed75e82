/**
 * Builds a kubeconfig that authenticates as a ServiceAccount with a bearer token, like
 * `kubectl create token` + `kubectl config set-credentials`. Pure; the caller writes the file.
 */
import { yaml } from '../loader/yaml';

export interface ExportInput {
  /** Cluster name from the source context, reused so the file merges cleanly with the original. */
  clusterName: string;
  server: string;
  /** PEM of the CA to trust; written as certificate-authority-data. */
  caPem?: string;
  /** Copied from the source context when it had them. */
  tlsServerName?: string;
  /** The source context skips TLS verification: so does the export, without a CA (kubectl refuses both together). */
  insecureSkipTlsVerify?: boolean;
  /** Name of the source context, part of the new context's name. */
  sourceContext: string;
  namespace: string;
  serviceAccount: string;
  token: string;
}

/** `<sa>@<namespace>.<context>`: unique per ServiceAccount and source context. */
export function exportedContextName(input: Pick<ExportInput, 'serviceAccount' | 'namespace' | 'sourceContext'>): string {
  return `${input.serviceAccount}@${input.namespace}.${input.sourceContext}`;
}

/** The ServiceAccount's user name, as the API server sees it. */
export function exportedUserName(input: Pick<ExportInput, 'serviceAccount' | 'namespace'>): string {
  return `system:serviceaccount:${input.namespace}:${input.serviceAccount}`;
}

export function buildKubeconfig(input: ExportInput): string {
  const cluster: Record<string, unknown> = { server: input.server };
  // client-go refuses a CA together with insecure-skip-tls-verify ("specifying a root certificates
  // file with the insecure flag is not allowed"); the flag is what the source context works with.
  if (input.insecureSkipTlsVerify) cluster['insecure-skip-tls-verify'] = true;
  else if (input.caPem) cluster['certificate-authority-data'] = Buffer.from(input.caPem, 'utf8').toString('base64');
  if (input.tlsServerName) cluster['tls-server-name'] = input.tlsServerName;
  const context = exportedContextName(input);
  const user = exportedUserName(input);
  const doc = new (yaml().Document)({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: input.clusterName, cluster }],
    users: [{ name: user, user: { token: input.token } }],
    contexts: [{ name: context, context: { cluster: input.clusterName, user, namespace: input.namespace } }],
    'current-context': context,
    preferences: {},
  });
  doc.commentBefore = ` ServiceAccount ${input.namespace}/${input.serviceAccount} on ${input.server}. Contains a credential: keep it private.`;
  return doc.toString({ lineWidth: 0 });
}
