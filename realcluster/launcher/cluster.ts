/**
 * `startRealCluster()`: etcd + kube-apiserver + kube-controller-manager, built from Go modules
 * (scripts/real-cluster/build.mjs), on 127.0.0.1 with production-like token flags. The order and the
 * failure handling follow controller-runtime envtest's ControlPlane: start etcd → apiserver →
 * controller-manager, stop the ones already started when a later step fails, stop in reverse order.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KubeconfigOptions } from '../../testserver/api';
import { kubeconfigYaml } from '../../testserver/kubeconfig';
import { tokenConfig } from '../../testserver/options';
import type { RealCluster, RealClusterOptions } from './api';
import { assertBinaries, locateBinaries } from './binaries';
import type { AdminEndpoint } from './client';
import { apiServerArgs, controllerManagerArgs, etcdArgs, mergeArgs, type Layout } from './flags';
import { ClientCertificateIssuer, createClusterPki } from './pki';
import { assertPortFree, suggestPort } from './ports';
import { ControlPlaneProcess } from './process';
import { createPresetRbac, presetKubeconfig, presetUsers, waitForControllers, writeClusterFiles } from './setup';
import { watchdog } from './watchdog';

/** What a cluster that owns an etcd lends to the clusters started with `etcdOf`. */
interface EtcdOwner {
  etcdUrl: string;
  dependents: Set<() => Promise<void>>;
}
const etcdOwners = new WeakMap<RealCluster, EtcdOwner>();

const seconds = (since: number): number => Math.round((Date.now() - since) / 100) / 10;

export async function startRealCluster(opts: RealClusterOptions = {}): Promise<RealCluster> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const tokens = tokenConfig(opts);
  const bins = locateBinaries(opts.binDir);
  assertBinaries(bins);
  const shared = opts.etcdOf ? etcdOwners.get(opts.etcdOf) : undefined;
  if (opts.etcdOf && !shared) throw new Error('etcdOf: that cluster does not own an etcd (it shares one itself, or is closed)');
  if (opts.port !== undefined) await assertPortFree(opts.port, 'kube-apiserver --secure-port');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-tokens-real-'));
  const keepDir = opts.keepDir ?? process.env.K8S_TOKENS_REAL_KEEP === '1';
  if (!keepDir) watchdog().trackDir(dir);
  const startTimeoutMs = opts.startTimeoutMs ?? 120_000;
  const processes: ControlPlaneProcess[] = [];
  const stopAll = async (): Promise<void> => {
    for (const p of [...processes].reverse()) await p.stop();
  };
  const removeDir = (): void => {
    if (keepDir) return;
    fs.rmSync(dir, { recursive: true, force: true });
    watchdog().untrackDir(dir);
  };

  try {
    const [pki, apiServerPort, controllerManagerPort, etcdPorts] = await Promise.all([
      createClusterPki(opts.keyType ?? 'RS256'),
      opts.port ?? suggestPort(),
      suggestPort(),
      shared ? undefined : Promise.all([suggestPort(), suggestPort()]),
    ]);
    const url = `https://127.0.0.1:${apiServerPort}`;
    const issuer = new ClientCertificateIssuer(pki.caPem, pki.caKeyPem);
    const files = writeClusterFiles(dir, pki, issuer, url, opts);
    const logs = { etcd: path.join(dir, 'etcd.log'), apiServer: path.join(dir, 'kube-apiserver.log'), controllerManager: path.join(dir, 'kube-controller-manager.log') };
    const etcdUrl = shared?.etcdUrl ?? `http://127.0.0.1:${etcdPorts?.[0]}`;
    const layout: Layout = { dir, etcdUrl, etcdPrefix: shared ? `/registry-${randomBytes(4).toString('hex')}` : '/registry', apiServerPort, controllerManagerPort, files };
    const users = presetUsers(opts.teamNamespace ?? 'team-a');
    const adminCert = issuer.issue(users.admin);
    const admin: AdminEndpoint = { url, caPem: pki.caPem, certPem: adminCert.certPem, keyPem: adminCert.keyPem };
    const stopTimeoutMs = 10_000;
    const startup = { etcd: 0, apiServer: 0, controllerManager: 0, ready: 0, total: 0 };

    let etcdCommand: string[] | undefined;
    if (etcdPorts) {
      const t = Date.now();
      etcdCommand = etcdArgs(path.join(dir, 'etcd-data'), etcdPorts[0], etcdPorts[1]);
      log(`starting etcd on ${etcdUrl}`);
      const etcd = new ControlPlaneProcess({ name: 'etcd', binary: bins.etcd, args: etcdCommand, logFile: logs.etcd, health: { url: `${etcdUrl}/health` }, startTimeoutMs, stopTimeoutMs });
      processes.push(etcd);
      await etcd.start();
      startup.etcd = seconds(t);
    }

    let t = Date.now();
    const apiServerCommand = mergeArgs(apiServerArgs(layout, tokens), opts.extraApiServerArgs);
    log(`starting kube-apiserver ${bins.kubernetesVersion} on ${url}`);
    const apiServer = new ControlPlaneProcess({
      name: 'kube-apiserver',
      binary: bins.kubeApiServer,
      args: apiServerCommand,
      logFile: logs.apiServer,
      health: { url: `${url}/readyz`, tls: { caPem: admin.caPem, certPem: admin.certPem, keyPem: admin.keyPem } },
      startTimeoutMs,
      stopTimeoutMs,
    });
    processes.push(apiServer);
    await apiServer.start();
    startup.apiServer = seconds(t);

    t = Date.now();
    const controllerManagerCommand = mergeArgs(controllerManagerArgs(layout), opts.extraControllerManagerArgs);
    log('starting kube-controller-manager');
    const controllerManager = new ControlPlaneProcess({
      name: 'kube-controller-manager',
      binary: bins.kubeControllerManager,
      args: controllerManagerCommand,
      logFile: logs.controllerManager,
      health: { url: `https://127.0.0.1:${controllerManagerPort}/healthz`, tls: { insecure: true } },
      startTimeoutMs,
      stopTimeoutMs,
    });
    processes.push(controllerManager);
    await controllerManager.start();
    startup.controllerManager = seconds(t);

    t = Date.now();
    log('waiting for the default ServiceAccount and the aggregated RBAC roles');
    await waitForControllers(admin, startTimeoutMs);
    await createPresetRbac(admin, users);
    startup.ready = seconds(t);
    const kubeconfigPath = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfigPath, presetKubeconfig(url, pki.caPem, issuer, users), { mode: 0o600 });
    startup.total = seconds(started);
    log(`ready in ${startup.total} s`);

    const kubeconfig = (k: KubeconfigOptions = {}): string =>
      kubeconfigYaml({ ...k, url, caPem: pki.caPem, wrongCaPem: pki.wrongCaPem, admin: { clientCertificatePem: admin.certPem, clientKeyPem: admin.keyPem }, credentialsOf: (u) => toCredentials(issuer.issue(u)) });
    const owner: EtcdOwner | undefined = etcdPorts ? { etcdUrl, dependents: new Set() } : undefined;
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        if (owner) for (const dependent of [...owner.dependents]) await dependent();
        shared?.dependents.delete(close);
        etcdOwners.delete(cluster);
        await stopAll();
        removeDir();
      })());
    shared?.dependents.add(close);

    const cluster: RealCluster = {
      backend: 'kube-apiserver',
      kubernetesVersion: bins.kubernetesVersion,
      url,
      caPem: pki.caPem,
      issuer: tokens.issuers[0],
      issuers: tokens.issuers,
      apiAudiences: tokens.apiAudiences,
      maxTokenExpirationSeconds: tokens.maxTokenExpirationSeconds,
      extendTokenExpiration: tokens.extendTokenExpiration,
      kubeconfig,
      writeKubeconfig(file: string, k?: KubeconfigOptions): string {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, kubeconfig(k), { mode: 0o600 });
        fs.chmodSync(file, 0o600);
        return file;
      },
      dir,
      kubeconfigPath,
      users,
      authenticationConfigPath: files.authenticationConfig,
      auditLogPath: files.auditLog,
      auditPolicyPath: files.auditPolicy,
      logs,
      etcdUrl,
      etcdPrefix: layout.etcdPrefix,
      serviceAccountKeys: pki.serviceAccountKeys,
      clientCertificate: (u) => issuer.issue(u),
      startup,
      commandLines: { etcd: etcdCommand, apiServer: apiServerCommand, controllerManager: controllerManagerCommand },
      close,
    };
    if (owner) etcdOwners.set(cluster, owner);
    return cluster;
  } catch (e) {
    await stopAll();
    removeDir();
    if (e instanceof Error && !keepDir) e.message += `\n(${dir} was removed; K8S_TOKENS_REAL_KEEP=1 keeps it with the full logs)`;
    throw e;
  }
}

function toCredentials(c: { certPem: string; keyPem: string }): { clientCertificatePem: string; clientKeyPem: string } {
  return { clientCertificatePem: c.certPem, clientKeyPem: c.keyPem };
}
