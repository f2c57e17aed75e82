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
import { generateSigningKey, keyPairPem, nextSigningKey, signingKeyFromPem } from './jwt';
import { kubeconfigYaml } from './kubeconfig';
import { tokenConfig, validateOptions } from './options';
import { Authorizer } from './rbac';
import { mustFindKind } from './resources';
import { seedBulk, seedDemo, seedSystem } from './seed';
import { ApiServer } from './server';
import { Store, type NewObject } from './store';
import { createServingTls } from './tls';

export type { ClusterOptions, ClusterUnderTest, ClusterUser, Fault, KeyPairPem, KObject, KubeconfigOptions, ServiceAccountKeys, TestCluster, TestClusterOptions } from './api';
export { closedPort } from './ports';

export async function startTestCluster(opts: TestClusterOptions = {}): Promise<TestCluster> {
  const tokens = tokenConfig(opts);
  const now = opts.now ?? Date.now;
  const issuers = tokens.issuers;
  const [tls, signingKey] = await Promise.all([createServingTls(), opts.signingKeyPem ? Promise.resolve(signingKeyFromPem(opts.signingKeyPem)) : nextSigningKey(opts.keyType ?? 'RS256')]);
  const extraKeys = opts.serviceAccountKeys ? await Promise.all([generateSigningKey(signingKey.alg), generateSigningKey(signingKey.alg)]) : undefined;
  const store = new Store(now, opts.watchHistoryEvents);
  const ctx: ServerContext = {
    config: {
      ...tokens,
      legacyTokenControllerDelayMs: opts.legacyTokenControllerDelayMs ?? 300,
      tokenSuccessCacheTtlMs: opts.tokenSuccessCacheTtlMs ?? 0,
      watchBookmarkIntervalMs: opts.watchBookmarkIntervalMs ?? 60_000,
    },
    keys: extraKeys ? [signingKey, extraKeys[0]] : [signingKey],
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

  const kubeconfig = (k: KubeconfigOptions = {}): string =>
    kubeconfigYaml({ ...k, url, caPem: tls.caPem, wrongCaPem: tls.wrongCaPem, admin: { token: authn.adminToken }, credentialsOf: (u) => ({ token: authn.addStaticToken(u.name, u.groups ?? []) }) });
  const cluster: TestCluster = {
    backend: 'testserver',
    url,
    caPem: tls.caPem,
    adminToken: authn.adminToken,
    issuer: issuers[0],
    issuers: [...issuers],
    // Getters: configure() changes these at run time.
    get apiAudiences() {
      return [...ctx.config.apiAudiences];
    },
    get maxTokenExpirationSeconds() {
      return ctx.config.maxTokenExpirationSeconds;
    },
    get extendTokenExpiration() {
      return ctx.config.extendTokenExpiration;
    },
    serviceAccountKeys: extraKeys && { signing: keyPairPem(signingKey), trusted: keyPairPem(extraKeys[0]), unknown: keyPairPem(extraKeys[1]) },
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
