/**
 * `npm run cluster`: starts the demo test cluster, writes its kubeconfig and runs until SIGINT/SIGTERM.
 *
 *   --port N                       listen port (default: any free port)
 *   --kubeconfig PATH              where to write the kubeconfig (default .demo/kubeconfig)
 *   --issuer URL                   --service-account-issuer (repeatable; the first signs)
 *   --api-audiences A,B            --api-audiences
 *   --max-token-expiration SECONDS --service-account-max-token-expiration
 *   --key-type RS256|ES256         signing key type
 *   --signing-key-file PATH        PEM private key to sign with (--service-account-signing-key-file)
 *   --bulk NxM                     add N namespaces with M ServiceAccounts each
 *   --seed demo|empty              seed data (default demo)
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startTestCluster, type TestClusterOptions } from './index';

function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(2);
}

export function optionsFromArgs(argv: string[]): { opts: TestClusterOptions; kubeconfig: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      kubeconfig: { type: 'string', default: '.demo/kubeconfig' },
      issuer: { type: 'string', multiple: true },
      'api-audiences': { type: 'string' },
      'max-token-expiration': { type: 'string' },
      'key-type': { type: 'string' },
      'signing-key-file': { type: 'string' },
      bulk: { type: 'string' },
      seed: { type: 'string' },
    },
    strict: true,
  });
  const opts: TestClusterOptions = {};
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid --port ${values.port}`);
    opts.port = port;
  }
  if (values.issuer?.length) opts.issuers = values.issuer;
  if (values['api-audiences']) opts.apiAudiences = values['api-audiences'].split(',').map((s) => s.trim()).filter(Boolean);
  if (values['max-token-expiration'] !== undefined) {
    const max = Number(values['max-token-expiration']);
    if (!Number.isInteger(max) || max < 0) fail(`invalid --max-token-expiration ${values['max-token-expiration']}`);
    opts.maxTokenExpirationSeconds = max;
  }
  if (values['key-type'] !== undefined) {
    if (values['key-type'] !== 'RS256' && values['key-type'] !== 'ES256') fail('--key-type must be RS256 or ES256');
    opts.keyType = values['key-type'];
  }
  if (values['signing-key-file'] !== undefined) opts.signingKeyPem = readFileSync(values['signing-key-file'], 'utf8');
  if (values.bulk !== undefined) {
    const m = /^(\d+)x(\d+)$/.exec(values.bulk);
    if (!m) fail('--bulk must look like 2000x10');
    opts.bulk = { namespaces: Number(m[1]), serviceAccountsPerNamespace: Number(m[2]) };
  }
  if (values.seed !== undefined) {
    if (values.seed !== 'demo' && values.seed !== 'empty') fail('--seed must be demo or empty');
    opts.seed = values.seed;
  }
  return { opts, kubeconfig: resolve(values.kubeconfig ?? '.demo/kubeconfig') };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof optionsFromArgs>;
  try {
    parsed = optionsFromArgs(process.argv.slice(2));
  } catch (e) {
    fail((e as Error).message);
  }
  const cluster = await startTestCluster(parsed.opts).catch((e: unknown) => fail((e as Error).message));
  cluster.writeKubeconfig(parsed.kubeconfig, { contextName: 'demo' });
  const janeConfig = parsed.kubeconfig.replace(/(\.[^./]*)?$/, '-jane$1');
  cluster.writeKubeconfig(janeConfig, { contextName: 'demo-jane', token: cluster.userToken('jane'), namespace: 'demo' });
  console.log(`Test cluster listening on ${cluster.url}`);
  console.log(`Kubeconfig (context "demo", cluster admin): ${parsed.kubeconfig}`);
  console.log(`Kubeconfig for user "jane" (view in demo only): ${janeConfig}`);
  console.log(`Issuer: ${cluster.issuer}`);
  console.log('');
  console.log(`  export KUBECONFIG=${parsed.kubeconfig}`);
  console.log('');
  console.log('Press Ctrl+C to stop.');
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void cluster.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) void main();
