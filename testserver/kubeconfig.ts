/**
 * kubeconfig YAML for the test cluster (one cluster, user and context, all with the same name).
 */
import { stringify } from 'yaml';
import type { KubeconfigOptions } from './api';

export interface KubeconfigInput extends KubeconfigOptions {
  url: string;
  caPem: string;
  wrongCaPem: string;
  adminToken: string;
}

export function kubeconfigYaml(o: KubeconfigInput): string {
  const name = o.contextName ?? 'test-admin';
  const context: Record<string, string> = { cluster: name, user: name };
  if (o.namespace) context.namespace = o.namespace;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: o.server ?? o.url, 'certificate-authority-data': Buffer.from(o.wrongCa ? o.wrongCaPem : o.caPem).toString('base64') } }],
    users: [{ name, user: { token: o.token ?? o.adminToken } }],
    contexts: [{ name, context }],
    'current-context': name,
    preferences: {},
  });
}
