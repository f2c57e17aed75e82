/**
 * `npm run cluster:real [-- options]`: a real etcd + kube-apiserver + kube-controller-manager on
 * 127.0.0.1 until Ctrl-C / SIGTERM (scripts/real-cluster/cluster.mjs builds what is missing first).
 *
 *   --port N                         kube-apiserver --secure-port (default: a free port)
 *   --kubeconfig PATH                where to copy the kubeconfig (default .demo/real/kubeconfig)
 *   --issuer URL                     --service-account-issuer (repeatable; the first signs)
 *   --api-audiences A,B              --api-audiences
 *   --max-token-expiration SECONDS   --service-account-max-token-expiration (0: no cap)
 *   --no-extend-token-expiration     --service-account-extend-token-expiration=false
 *   --key-type RS256|ES256           service-account signing key type
 *   --team-namespace NAME            namespace of the preset namespace admin (default team-a)
 *   --apiserver-arg --name=value     extra kube-apiserver flag (repeatable)
 *   --controller-manager-arg --n=v   extra kube-controller-manager flag (repeatable)
 *   --keep                           keep the working folder (logs, etcd data) after stopping
 * Defaults: productionLikeOptions() of testserver/options.ts (several audiences, 24 h max).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { productionLikeOptions } from '../../testserver/options';
import type { RealCluster, RealClusterOptions } from './api';
import { repoRoot } from './binaries';
import { startRealCluster } from './cluster';

function optionsFromArgs(argv: string[]): { opts: RealClusterOptions; kubeconfig: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      kubeconfig: { type: 'string' },
      issuer: { type: 'string', multiple: true },
      'api-audiences': { type: 'string' },
      'max-token-expiration': { type: 'string' },
      'no-extend-token-expiration': { type: 'boolean' },
      'key-type': { type: 'string' },
      'team-namespace': { type: 'string' },
      'apiserver-arg': { type: 'string', multiple: true },
      'controller-manager-arg': { type: 'string', multiple: true },
      keep: { type: 'boolean' },
    },
    strict: true,
  });
  const opts: RealClusterOptions = { ...productionLikeOptions(), log: (line) => console.log(`cluster:real: ${line}`) };
  const integer = (flag: string, text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw new Error(`invalid ${flag} ${text}`);
    return n;
  };
  if (values.port !== undefined) opts.port = integer('--port', values.port);
  if (values.issuer?.length) opts.issuers = values.issuer;
  if (values.issuer?.length && !values['api-audiences']) opts.apiAudiences = [...values.issuer];
  if (values['api-audiences']) opts.apiAudiences = values['api-audiences'].split(',').map((s) => s.trim()).filter(Boolean);
  if (values['max-token-expiration'] !== undefined) opts.maxTokenExpirationSeconds = integer('--max-token-expiration', values['max-token-expiration']);
  if (values['no-extend-token-expiration']) opts.extendTokenExpiration = false;
  if (values['key-type'] !== undefined) {
    if (values['key-type'] !== 'RS256' && values['key-type'] !== 'ES256') throw new Error('--key-type must be RS256 or ES256');
    opts.keyType = values['key-type'];
  }
  if (values['team-namespace']) opts.teamNamespace = values['team-namespace'];
  if (values['apiserver-arg']) opts.extraApiServerArgs = values['apiserver-arg'];
  if (values['controller-manager-arg']) opts.extraControllerManagerArgs = values['controller-manager-arg'];
  if (values.keep) opts.keepDir = true;
  return { opts, kubeconfig: path.resolve(values.kubeconfig ?? path.join(repoRoot(), '.demo', 'real', 'kubeconfig')) };
}

function describe(cluster: RealCluster, kubeconfig: string): string {
  const s = cluster.startup;
  const users = [cluster.users.admin, cluster.users.namespaceAdmin, cluster.users.viewer];
  return [
    '',
    `Real cluster (Kubernetes ${cluster.kubernetesVersion}) listening on ${cluster.url}, ready in ${s.total} s (etcd ${s.etcd} s, kube-apiserver ${s.apiServer} s, kube-controller-manager ${s.controllerManager} s, controllers ${s.ready} s)`,
    `Kubeconfig: ${kubeconfig}`,
    'Contexts (client certificates):',
    ...users.map((u) => `  ${u.context.padEnd(20)} user ${u.name}${u.groups?.length ? ` (groups ${u.groups.join(', ')})` : ''}: ${u.role}`),
    `Issuer: ${cluster.issuer}   API audiences: ${cluster.apiAudiences.join(', ')}   max token expiration: ${cluster.maxTokenExpirationSeconds || 'none'}${cluster.maxTokenExpirationSeconds ? ' s' : ''}`,
    `Audit log: ${cluster.auditLogPath}`,
    `Process logs: ${path.dirname(cluster.logs.apiServer)}`,
    '',
    `  export KUBECONFIG=${kubeconfig}`,
    '',
    'Press Ctrl+C to stop.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof optionsFromArgs>;
  let cluster: RealCluster;
  try {
    parsed = optionsFromArgs(argv);
    cluster = await startRealCluster(parsed.opts);
  } catch (e) {
    console.error(`cluster:real: ${(e as Error).message}`);
    process.exit(1);
  }
  fs.mkdirSync(path.dirname(parsed.kubeconfig), { recursive: true });
  fs.copyFileSync(cluster.kubeconfigPath, parsed.kubeconfig);
  fs.chmodSync(parsed.kubeconfig, 0o600);
  console.log(describe(cluster, parsed.kubeconfig));
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      console.log('cluster:real: stopping already; the watchdog finishes the job if this process exits now');
      process.exit(130);
    }
    stopping = true;
    console.log(`cluster:real: ${signal}: stopping kube-controller-manager, kube-apiserver, etcd…`);
    void cluster.close().then(
      () => {
        console.log(`cluster:real: stopped${parsed.opts.keepDir ? `; kept ${cluster.dir}` : ''}`);
        process.exit(0);
      },
      (e: unknown) => {
        console.error(`cluster:real: stopping failed: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // The child processes are unref'd: keep this process alive until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}

if (require.main === module) void main(process.argv.slice(2));
