/**
 * Seed data: system objects of a fresh cluster, the small 'demo' cluster, and bulk namespaces.
 */
import type { KObject } from './api';
import { admit, saNameAnnotation, saTokenSecretType } from './admission';
import { labelInvalidSince, labelLastUsed } from './authn';
import { seedBootstrapRbac } from './bootstrap';
import type { ServerContext } from './context';
import type { Controllers } from './controllers';
import { core } from './resources';
import { rfc3339, type NewObject } from './store';

const systemNamespaces = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

function namespace(ctx: ServerContext, name: string, labels: Record<string, string> = {}): void {
  ctx.store.create(core.namespaces, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });
}

function serviceAccount(ctx: ServerContext, ns: string, name: string, extra: Partial<KObject['metadata']> = {}): KObject {
  return ctx.store.create(core.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns, ...extra } });
}

export function seedSystem(ctx: ServerContext): void {
  seedBootstrapRbac(ctx.store);
  for (const ns of systemNamespaces) namespace(ctx, ns);
  ctx.store.create(core.configMaps, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-apiserver-legacy-service-account-token-tracking', namespace: 'kube-system' },
    data: { since: rfc3339(ctx.now() - 400 * 24 * 3600 * 1000).slice(0, 10) },
  });
}

function day(ctx: ServerContext, offsetDays: number): string {
  return rfc3339(ctx.now() + offsetDays * 24 * 3600 * 1000).slice(0, 10);
}

const rbac = 'rbac.authorization.k8s.io';

export function seedDemo(ctx: ServerContext, controllers: Controllers): void {
  const { store } = ctx;
  for (const ns of ['demo', 'payments', 'monitoring']) namespace(ctx, ns);
  serviceAccount(ctx, 'demo', 'ci-deployer', { labels: { 'app.kubernetes.io/part-of': 'ci' } });
  const reader = serviceAccount(ctx, 'demo', 'reader');
  const api = serviceAccount(ctx, 'payments', 'api');
  serviceAccount(ctx, 'payments', 'worker');
  serviceAccount(ctx, 'monitoring', 'prometheus', { labels: { 'app.kubernetes.io/name': 'prometheus' } });

  store.create(core.roles, {
    apiVersion: `${rbac}/v1`,
    kind: 'Role',
    metadata: { name: 'ci-deployer', namespace: 'demo' },
    rules: [
      { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] },
      { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['serviceaccounts', 'pods', 'configmaps'] },
      { verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], apiGroups: ['apps'], resources: ['deployments'] },
    ],
  });
  store.create(core.roleBindings, {
    apiVersion: `${rbac}/v1`,
    kind: 'RoleBinding',
    metadata: { name: 'ci-deployer', namespace: 'demo' },
    roleRef: { apiGroup: rbac, kind: 'Role', name: 'ci-deployer' },
    subjects: [{ kind: 'ServiceAccount', name: 'ci-deployer', namespace: 'demo' }],
  });
  store.create(core.roleBindings, {
    apiVersion: `${rbac}/v1`,
    kind: 'RoleBinding',
    metadata: { name: 'jane-view', namespace: 'demo' },
    roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'view' },
    subjects: [{ apiGroup: rbac, kind: 'User', name: 'jane' }],
  });
  store.create(core.clusterRoleBindings, {
    apiVersion: `${rbac}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'prometheus-view' },
    roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' }],
  });

  const legacySecret = (sa: KObject, name: string, labels: Record<string, string>): void => {
    const created = store.create(core.secrets, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: sa.metadata.namespace, annotations: { [saNameAnnotation]: sa.metadata.name } },
      type: saTokenSecretType,
    });
    const filled = controllers.fillTokenSecret(created);
    if (filled) store.update(core.secrets, { ...filled, metadata: { ...filled.metadata, labels } });
  };
  legacySecret(reader, 'reader-token', { [labelLastUsed]: day(ctx, -3) });
  legacySecret(api, 'api-legacy-token', { [labelLastUsed]: day(ctx, -400), [labelInvalidSince]: day(ctx, -30) });

  store.create(core.nodes, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1', 'kubernetes.io/os': 'linux' } },
    spec: { podCIDR: '10.244.0.0/24' },
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }], nodeInfo: { kubeletVersion: 'v1.34.1' } },
  });
  const pod = store.prepareNew(core.pods, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'demo', labels: { app: 'web' } },
    spec: { serviceAccountName: 'ci-deployer', nodeName: 'node-1', containers: [{ name: 'web', image: 'nginx:1.27' }] },
    status: { phase: 'Running', podIP: '10.244.0.12' },
  });
  store.create(core.pods, admit(ctx, core.pods, pod, 'create') as NewObject);
  store.create(core.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'demo' }, data: { 'nginx.conf': 'server { listen 80; }' } });
}

/** `namespaces` namespaces `bulk-NNNN`, each with `perNamespace` ServiceAccounts `sa-NN` (plus `default`). */
export function seedBulk(ctx: ServerContext, namespaces: number, perNamespace: number): void {
  const width = String(Math.max(namespaces - 1, 0)).length;
  const saWidth = String(Math.max(perNamespace - 1, 0)).length;
  for (let i = 0; i < namespaces; i++) {
    const ns = `bulk-${String(i).padStart(Math.max(width, 4), '0')}`;
    namespace(ctx, ns);
    for (let j = 0; j < perNamespace; j++) serviceAccount(ctx, ns, `sa-${String(j).padStart(Math.max(saWidth, 2), '0')}`);
  }
}
