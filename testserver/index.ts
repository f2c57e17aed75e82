/**
 * `startTestCluster()`: a kube-apiserver-faithful HTTPS server on 127.0.0.1 for tests and the demo.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KObject, KubeconfigOptions, TestCluster, TestClusterOptions } from './api';
import { Authenticator } from './authn';
import type { ServerContext } from './context';
import { Controllers } from './controllers';
import { FaultInjector } from './faults';
import { nextSigningKey, signingKeyFromPem } from './jwt';
import { kubeconfigYaml } from './kubeconfig';
import { Authorizer } from './rbac';
import { mustFindKind } from './resources';
import { seedBulk, seedDemo, seedSystem } from './seed';
import { ApiServer } from './server';
import { Store, type NewObject } from './store';
import { createServingTls } from './tls';

export type { Fault, KObject, KubeconfigOptions, TestCluster, TestClusterOptions } from './api';
export { closedPort } from './ports';

const defaultIssuer = 'https://kubernetes.default.svc.cluster.local';

function validateOptions(opts: TestClusterOptions): void {
  const max = opts.maxTokenExpirationSeconds ?? 0;
  if (max !== 0 && (max < 3600 || max > 2 ** 32)) throw new Error('the service-account-max-token-expiration must be between 1 hour and 2^32 seconds');
  const issuers = opts.issuers ?? [defaultIssuer];
  if (issuers.length === 0) throw new Error('service-account-issuer is a required flag');
  if (new Set(issuers).size !== issuers.length || issuers.some((i) => !i)) throw new Error('service-account-issuer contains empty or duplicate values');
}

export async function startTestCluster(opts: TestClusterOptions = {}): Promise<TestCluster> {
  validateOptions(opts);
  const now = opts.now ?? Date.now;
  const issuers = [...(opts.issuers ?? [defaultIssuer])];
  const [tls, signingKey] = await Promise.all([createServingTls(), opts.signingKeyPem ? Promise.resolve(signingKeyFromPem(opts.signingKeyPem)) : nextSigningKey(opts.keyType ?? 'RS256')]);
  const store = new Store(now, opts.watchHistoryEvents);
  const ctx: ServerContext = {
    config: {
      issuers,
      apiAudiences: opts.apiAudiences && opts.apiAudiences.length ? [...opts.apiAudiences] : [...issuers],
      maxTokenExpirationSeconds: opts.maxTokenExpirationSeconds ?? 0,
      extendTokenExpiration: opts.extendTokenExpiration ?? true,
      legacyTokenControllerDelayMs: opts.legacyTokenControllerDelayMs ?? 300,
      tokenSuccessCacheTtlMs: opts.tokenSuccessCacheTtlMs ?? 0,
      watchBookmarkIntervalMs: opts.watchBookmarkIntervalMs ?? 60_000,
    },
    keys: [signingKey],
    store,
    now,
    caPem: tls.caPem,
  };
  const controllers = new Controllers(ctx);
  const authn = new Authenticator(ctx);
  const authz = new Authorizer(store);
  const faults = new FaultInjector();
  seedSystem(ctx);
  if ((opts.seed ?? 'demo') === 'demo') seedDemo(ctx, controllers);
  if (opts.bulk) seedBulk(ctx, opts.bulk.namespaces, opts.bulk.serviceAccountsPerNamespace);

  const server = new ApiServer({ ctx, authn, authz, faults, tls });
  await server.listen(opts.port ?? 0);
  const url = `https://127.0.0.1:${server.port}`;

  const kubeconfig = (k: KubeconfigOptions = {}): string => kubeconfigYaml({ ...k, url, caPem: tls.caPem, wrongCaPem: tls.wrongCaPem, adminToken: authn.adminToken });
  const cluster: TestCluster = {
    url,
    caPem: tls.caPem,
    adminToken: authn.adminToken,
    issuer: issuers[0],
    kubeconfig,
    writeKubeconfig(file: string, k?: KubeconfigOptions): string {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, kubeconfig(k), { mode: 0o600 });
      chmodSync(file, 0o600);
      return file;
    },
    userToken: (user: string, groups: string[] = []) => authn.addStaticToken(user, groups),
    store: {
      create: (obj) => store.create(mustFindKind(String(obj.apiVersion), String(obj.kind)), obj as NewObject),
      get: (apiVersion, kind, name, namespace) => store.get(mustFindKind(apiVersion, kind), namespace, name),
      list: (apiVersion, kind, namespace): KObject[] => store.all(mustFindKind(apiVersion, kind), namespace),
      delete: (apiVersion, kind, name, namespace) => store.delete(mustFindKind(apiVersion, kind), namespace, name) !== undefined,
    },
    setFault: (fault) => faults.set(fault),
    configure(next): void {
      validateOptions({ ...next, issuers });
      if (next.maxTokenExpirationSeconds !== undefined) ctx.config.maxTokenExpirationSeconds = next.maxTokenExpirationSeconds;
      if (next.extendTokenExpiration !== undefined) ctx.config.extendTokenExpiration = next.extendTokenExpiration;
      if (next.apiAudiences !== undefined) ctx.config.apiAudiences = next.apiAudiences.length ? [...next.apiAudiences] : [...issuers];
      if (next.watchBookmarkIntervalMs !== undefined) ctx.config.watchBookmarkIntervalMs = next.watchBookmarkIntervalMs;
      if (next.watchHistoryEvents !== undefined) store.setWatchHistorySize(next.watchHistoryEvents);
    },
    compact: () => store.compact(),
    requestCounts: () => new Map(server.counts),
    async close(): Promise<void> {
      controllers.close();
      await server.close();
    },
  };
  return cluster;
}
