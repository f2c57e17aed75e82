/**
 * kubeconfig YAML for the test cluster and the real-cluster launcher: one cluster, user and context
 * per entry, all three with the entry's name, credentials either a bearer token or a client certificate.
 */
import { stringify } from 'yaml';
import type { KubeconfigOptions } from './api';

export type KubeconfigCredentials = { token: string } | { clientCertificatePem: string; clientKeyPem: string };

export interface KubeconfigEntry {
  name: string;
  server: string;
  caPem: string;
  namespace?: string;
  credentials: KubeconfigCredentials;
}

const b64 = (pem: string): string => Buffer.from(pem).toString('base64');

/** A kubeconfig with one context per entry; `current` (default: the first) is the current context. */
export function kubeconfigDocument(entries: readonly KubeconfigEntry[], current = entries[0]?.name): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: entries.map((e) => ({ name: e.name, cluster: { server: e.server, 'certificate-authority-data': b64(e.caPem) } })),
    users: entries.map((e) => ({
      name: e.name,
      user: 'token' in e.credentials ? { token: e.credentials.token } : { 'client-certificate-data': b64(e.credentials.clientCertificatePem), 'client-key-data': b64(e.credentials.clientKeyPem) },
    })),
    contexts: entries.map((e) => ({ name: e.name, context: { cluster: e.name, user: e.name, ...(e.namespace ? { namespace: e.namespace } : {}) } })),
    'current-context': current,
    preferences: {},
  });
}

export interface KubeconfigInput extends KubeconfigOptions {
  url: string;
  caPem: string;
  wrongCaPem: string;
  /** Credentials when neither `token` nor `user` is given. */
  admin: KubeconfigCredentials;
  /** Credentials of `user` (a static token on the test server, a client certificate on the real one). */
  credentialsOf(user: NonNullable<KubeconfigOptions['user']>): KubeconfigCredentials;
}

/** The single-context kubeconfig of `TestCluster.kubeconfig(opts)` / `RealCluster.kubeconfig(opts)`. */
export function kubeconfigYaml(o: KubeconfigInput): string {
  const credentials = o.token !== undefined ? { token: o.token } : o.user ? o.credentialsOf(o.user) : o.admin;
  return kubeconfigDocument([{ name: o.contextName ?? 'test-admin', server: o.server ?? o.url, caPem: o.wrongCa ? o.wrongCaPem : o.caPem, namespace: o.namespace, credentials }]);
}
