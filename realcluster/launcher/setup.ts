/**
 * Startup steps of a real cluster that are not process management: the working folder's files, the
 * readiness conditions beyond /readyz, and the preset users with their RBAC and kubeconfig.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kubeconfigDocument } from '../../testserver/kubeconfig';
import type { PresetUser, RealClusterOptions } from './api';
import { apiRequest, ensureCreated, pollUntil, type AdminEndpoint } from './client';
import { AUDIT_POLICY } from './flags';
import type { ClientCertificateIssuer, ClusterPki } from './pki';

const RBAC = '/apis/rbac.authorization.k8s.io/v1';

export interface WrittenFiles {
  caCert: string;
  servingCert: string;
  servingKey: string;
  saSigningKey: string;
  saPublicKeys: string[];
  auditPolicy: string;
  auditLog: string;
  controllerManagerKubeconfig: string;
  authenticationConfig?: string;
}

function write(file: string, text: string): string {
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** Writes certificates, keys, the audit policy, the controller-manager kubeconfig and the authentication config. */
export function writeClusterFiles(dir: string, pki: ClusterPki, issuer: ClientCertificateIssuer, url: string, opts: RealClusterOptions): WrittenFiles {
  const keys = pki.serviceAccountKeys;
  // kube-controller-manager authenticates as the user the bootstrap RBAC binds system:kube-controller-manager to.
  const kcm = issuer.issue({ name: 'system:kube-controller-manager' });
  const auth = opts.authenticationConfig;
  return {
    caCert: write(path.join(dir, 'ca.crt'), pki.caPem),
    servingCert: write(path.join(dir, 'apiserver.crt'), pki.certPem),
    servingKey: write(path.join(dir, 'apiserver.key'), pki.keyPem),
    saSigningKey: write(path.join(dir, 'sa-signing.key'), keys.signing.privateKeyPem),
    saPublicKeys: [write(path.join(dir, 'sa-signing.pub'), keys.signing.publicKeyPem), write(path.join(dir, 'sa-trusted.pub'), keys.trusted.publicKeyPem)],
    auditPolicy: write(path.join(dir, 'audit-policy.yaml'), opts.auditPolicy ?? AUDIT_POLICY),
    auditLog: path.join(dir, 'audit.log'),
    controllerManagerKubeconfig: write(
      path.join(dir, 'controller-manager.kubeconfig'),
      kubeconfigDocument([{ name: 'controller-manager', server: url, caPem: pki.caPem, credentials: { clientCertificatePem: kcm.certPem, clientKeyPem: kcm.keyPem } }]),
    ),
    ...(auth === undefined ? {} : { authenticationConfig: write(path.join(dir, 'authentication-config.yaml'), typeof auth === 'string' ? auth : JSON.stringify(auth, null, 2)) }),
  };
}

/**
 * What "ready" means for token tests, beyond kube-apiserver's /readyz (which already waits for the
 * bootstrap RBAC post-start hook): the serviceaccount controller made `default` in `default`, and the
 * aggregation controller filled ClusterRole `view` (so `admin`/`view` bindings grant something).
 */
export async function waitForControllers(ep: AdminEndpoint, timeoutMs: number): Promise<void> {
  const exists = async (p: string): Promise<boolean> => (await apiRequest(ep, 'GET', p)).status === 200;
  await pollUntil(() => exists('/api/v1/namespaces/default/serviceaccounts/default'), 'ServiceAccount default/default exists (serviceaccount controller)', timeoutMs);
  await pollUntil(
    async () => {
      const res = await apiRequest(ep, 'GET', `${RBAC}/clusterroles/view`);
      return res.status === 200 && ((res.body as { rules?: unknown[] }).rules?.length ?? 0) > 0;
    },
    'ClusterRole view has its aggregated rules (clusterrole-aggregation controller)',
    timeoutMs,
  );
}

/** The preset users: names, contexts and what they may do. */
export function presetUsers(team: string): { admin: PresetUser; namespaceAdmin: PresetUser; viewer: PresetUser } {
  return {
    admin: { name: 'kubernetes-admin', groups: ['system:masters'], context: 'real-admin', role: 'cluster admin (group system:masters)' },
    namespaceAdmin: { name: `${team}-admin`, context: `real-${team}-admin`, namespace: team, role: `ClusterRole admin bound by a RoleBinding in namespace ${team} only` },
    viewer: { name: 'viewer', context: 'real-viewer', role: 'ClusterRole view bound cluster-wide (read-only, no Secrets)' },
  };
}

/** The namespace and the bindings that give the preset users their roles. */
export async function createPresetRbac(ep: AdminEndpoint, users: ReturnType<typeof presetUsers>): Promise<void> {
  const team = users.namespaceAdmin.namespace as string;
  const userSubject = (name: string) => [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name }];
  await ensureCreated(ep, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: team } });
  await ensureCreated(ep, `${RBAC}/namespaces/${team}/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: users.namespaceAdmin.name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
    subjects: userSubject(users.namespaceAdmin.name),
  });
  await ensureCreated(ep, `${RBAC}/clusterrolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `${users.viewer.name}-view` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: userSubject(users.viewer.name),
  });
}

/** The kubeconfig of the preset users, one context each; the admin's is current. */
export function presetKubeconfig(url: string, caPem: string, issuer: ClientCertificateIssuer, users: ReturnType<typeof presetUsers>): string {
  return kubeconfigDocument(
    [users.admin, users.namespaceAdmin, users.viewer].map((u) => {
      const cert = issuer.issue(u);
      return { name: u.context, server: url, caPem, namespace: u.namespace, credentials: { clientCertificatePem: cert.certPem, clientKeyPem: cert.keyPem } };
    }),
    users.admin.context,
  );
}
