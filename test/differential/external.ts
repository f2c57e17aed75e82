/**
 * An existing cluster (any kubeconfig context with admin-like rights) as a `ClusterUnderTest`, for
 * `K8S_TOKENS_CLUSTER_KUBECONFIG=... npm run test:cluster`. What a started backend knows from its
 * flags is asked of the server instead: the issuer from its discovery document, the API audiences
 * from a TokenRequest without audiences, the max expiration from a TokenRequest for 2^32 s.
 * Users (`kubeconfig({ user })`) are reached by impersonation (`as`) on top of the context's own
 * credentials, which therefore need `impersonate users`. Users WITH groups cannot be had: the
 * kubeconfig loader of @kubernetes/client-node reads `as` but ignores `as-groups`, so such a test
 * fails here with a message saying so rather than running as a user without its groups.
 * `extendTokenExpiration` cannot be observed without a Pod and is assumed to be the default (true).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import * as k from '../../src/kube/index';
import type { ClusterUnderTest, KubeconfigOptions } from '../../testserver/api';
import { createServingTls } from '../../testserver/tls';

interface Named<T> {
  name: string;
  [key: string]: unknown;
  cluster?: T;
  user?: T;
  context?: T;
}
type Entry = Record<string, unknown>;
interface KubeconfigFile {
  clusters?: Named<Entry>[];
  users?: Named<Entry>[];
  contexts?: Named<{ cluster: string; user: string; namespace?: string }>[];
  'current-context'?: string;
}

export async function externalCluster(file: string, contextName?: string): Promise<ClusterUnderTest> {
  const doc = parse(fs.readFileSync(file, 'utf8')) as KubeconfigFile;
  const name = contextName ?? doc['current-context'];
  const context = doc.contexts?.find((c) => c.name === name)?.context;
  if (!name || !context) throw new Error(`no context ${name ?? '(current-context unset)'} in ${file}`);
  const clusterEntry = doc.clusters?.find((c) => c.name === context.cluster)?.cluster ?? {};
  const userEntry = doc.users?.find((u) => u.name === context.user)?.user ?? {};
  const caData = clusterEntry['certificate-authority-data'];
  const caFile = clusterEntry['certificate-authority'];
  const caPem = typeof caData === 'string' ? Buffer.from(caData, 'base64').toString('utf8') : typeof caFile === 'string' ? fs.readFileSync(path.resolve(path.dirname(file), caFile), 'utf8') : '';

  const conns = new k.KubeConnections([file], { timeoutMs: 15_000, retries: 2, maxRetryAfterMs: 5000 });
  try {
    const admin = conns.client(name);
    const discovery = await k.fetchDiscovery(admin);
    const probe = await k.requestToken(admin, { namespace: 'default', serviceAccount: 'default' });
    const longest = await k.requestToken(admin, { namespace: 'default', serviceAccount: 'default', expirationSeconds: 2 ** 32 });
    const { wrongCaPem } = await createServingTls();
    const url = String(clusterEntry.server);

    const kubeconfig = (o: KubeconfigOptions = {}): string => {
      const ctx = o.contextName ?? 'test-admin';
      let user: Entry = userEntry;
      if (o.token !== undefined) user = { token: o.token };
      else if (o.user) {
        if (o.user.groups?.length) throw new Error(`the kubeconfig backend cannot act as user ${o.user.name} with groups ${o.user.groups.join(', ')}: @kubernetes/client-node ignores a kubeconfig's as-groups`);
        user = { ...userEntry, as: o.user.name };
      }
      const cluster: Entry = { ...clusterEntry, server: o.server ?? url };
      if (o.wrongCa) {
        delete cluster['certificate-authority'];
        cluster['certificate-authority-data'] = Buffer.from(wrongCaPem).toString('base64');
      }
      return stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: ctx, cluster }],
        users: [{ name: ctx, user }],
        contexts: [{ name: ctx, context: { cluster: ctx, user: ctx, ...(o.namespace ? { namespace: o.namespace } : {}) } }],
        'current-context': ctx,
      });
    };
    return {
      backend: 'kube-apiserver',
      url,
      caPem,
      issuer: discovery.issuer,
      issuers: [discovery.issuer],
      apiAudiences: probe.audiences,
      maxTokenExpirationSeconds: longest.grantedSeconds < 2 ** 32 ? longest.grantedSeconds : 0,
      extendTokenExpiration: true,
      kubeconfig,
      writeKubeconfig(out: string, o?: KubeconfigOptions): string {
        fs.mkdirSync(path.dirname(out), { recursive: true });
        fs.writeFileSync(out, kubeconfig(o), { mode: 0o600 });
        return out;
      },
      close: () => Promise.resolve(),
    };
  } finally {
    conns.dispose();
  }
}
