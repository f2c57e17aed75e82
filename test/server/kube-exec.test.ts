/**
 * Exec credential plugins (issue 16, item 4) through the real request path against the test API
 * server: a hanging plugin is stopped by the request's timeout and by cancellation, and killed with
 * everything it started when the connections are disposed (checked by pid); the event loop keeps
 * running meanwhile; output is bounded; failures name the command and never leak its arguments or
 * an unredacted stderr; KUBERNETES_EXEC_INFO, interactiveMode and credential caching follow
 * client-go's exec.go.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { KubeConnections, type ClientOptions } from '../../src/kube/index';
import { startTestCluster } from '../../testserver/index';
import type { TestCluster } from '../../testserver/api';
import { rejection } from './kube-fixture';
import { isRunning, PLUGIN_SCRIPT, waitUntil } from './processes';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.c2lnbmF0dXJlc2lnbmF0dXJl';
const SECRET_ARG = '--client-secret=hunter2-do-not-print';

interface PluginSetup {
  mode: string;
  apiVersion?: string;
  interactiveMode?: string | null;
  provideClusterInfo?: boolean;
  expires?: string;
  command?: string;
  installHint?: string;
}

describe('kube layer: exec credential plugins', function () {
  this.timeout(30000);
  let cluster: TestCluster;
  let root: string;
  let adminToken: string;
  const conns: KubeConnections[] = [];
  let n = 0;

  before(async () => {
    cluster = await startTestCluster({ seed: 'demo' });
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-exec-'));
    fs.writeFileSync(path.join(root, 'plugin.js'), PLUGIN_SCRIPT);
    adminToken = (parse(cluster.kubeconfig()) as { users: { user: { token: string } }[] }).users[0].user.token;
  });
  after(async () => {
    for (const c of conns) c.dispose();
    fs.rmSync(root, { recursive: true, force: true });
    await cluster.close();
  });

  /** A kubeconfig whose user runs the test plugin in `mode`; returns the connections and the plugin's state folder. */
  const connect = (setup: PluginSetup, options: Partial<ClientOptions> = {}): { conns: KubeConnections; dir: string; file: string } => {
    const dir = path.join(root, `p${n++}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'token'), adminToken);
    const kc = parse(cluster.kubeconfig()) as { users: { user: Record<string, unknown> }[] };
    const exec: Record<string, unknown> = {
      apiVersion: setup.apiVersion ?? 'client.authentication.k8s.io/v1',
      command: setup.command ?? process.execPath,
      args: [path.join(root, 'plugin.js'), SECRET_ARG],
      env: [
        { name: 'PLUGIN_MODE', value: setup.mode },
        { name: 'PLUGIN_DIR', value: dir },
        { name: 'PLUGIN_EXPIRES', value: setup.expires ?? '' },
      ],
      provideClusterInfo: setup.provideClusterInfo ?? false,
    };
    if (setup.interactiveMode !== null) exec.interactiveMode = setup.interactiveMode ?? 'Never';
    if (setup.installHint) exec.installHint = setup.installHint;
    kc.users[0].user = { exec };
    const file = path.join(dir, 'kubeconfig');
    fs.writeFileSync(file, stringify(kc));
    const c = new KubeConnections([file], { timeoutMs: 10000, retries: 0, maxRetryAfterMs: 1000, ...options });
    conns.push(c);
    return { conns: c, dir, file };
  };
  const read = (dir: string, name: string): string | undefined => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8') : undefined);
  const pidOf = async (dir: string, name = 'pid'): Promise<number> => {
    await waitUntil(() => read(dir, name) !== undefined && read(dir, name) !== '', `the plugin to write ${name}`);
    return Number(read(dir, name));
  };
  const whoami = (c: KubeConnections, signal?: AbortSignal): Promise<unknown> => c.client('test-admin').get('/api/v1/namespaces/demo/serviceaccounts', undefined, signal);

  it('authenticates with the token the plugin prints', async () => {
    const { conns: c } = connect({ mode: 'ok' });
    const list = (await whoami(c)) as { items: unknown[] };
    assert.ok(list.items.length > 0);
  });

  it('stops a hanging plugin at the request timeout, naming the plugin, and kills it with its child', async () => {
    const { conns: c, dir } = connect({ mode: 'hangWithChild' }, { timeoutMs: 4000 });
    const e = await rejection(whoami(c));
    assert.equal(e.kind, 'timeout');
    assert.ok(e.message.includes(process.execPath) && e.message.includes('did not finish'), e.message);
    const [pid, child] = [await pidOf(dir), await pidOf(dir, 'child')];
    await waitUntil(() => !isRunning(pid) && !isRunning(child), 'the plugin and its child to be gone');
  });

  it('keeps the event loop running while a plugin hangs (the plugin never blocks the extension host)', async () => {
    const { conns: c, dir } = connect({ mode: 'hang' });
    const ctrl = new AbortController();
    let settled = false;
    const pending = whoami(c, ctrl.signal).finally(() => (settled = true));
    await pidOf(dir); // polled with timers: it returns only because the loop runs
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await waitUntil(() => ticks >= 5, 'five timer ticks while the plugin hangs');
    clearInterval(timer);
    assert.equal(settled, false, 'the request still waits for the plugin');
    ctrl.abort();
    assert.equal((await rejection(pending)).kind, 'cancelled');
  });

  it('kills the plugin when the request is cancelled', async () => {
    const { conns: c, dir } = connect({ mode: 'hang' });
    const ctrl = new AbortController();
    const pending = whoami(c, ctrl.signal);
    const pid = await pidOf(dir);
    ctrl.abort();
    assert.equal((await rejection(pending)).kind, 'cancelled');
    await waitUntil(() => !isRunning(pid), 'the cancelled plugin to be gone');
  });

  it('kills running plugins, and what they started, on dispose (a session reload)', async () => {
    const { conns: c, dir } = connect({ mode: 'hangWithChild' });
    const pending = whoami(c);
    const [pid, child] = [await pidOf(dir), await pidOf(dir, 'child')];
    c.dispose();
    assert.equal((await rejection(pending)).kind, 'cancelled');
    await waitUntil(() => !isRunning(pid) && !isRunning(child), 'the plugin and its child to be gone after dispose');
  });

  it('kills a plugin that ignores SIGTERM', async () => {
    const { conns: c, dir } = connect({ mode: 'ignoreTerm' });
    const ctrl = new AbortController();
    const pending = whoami(c, ctrl.signal);
    const pid = await pidOf(dir);
    await waitUntil(() => read(dir, 'trapped') === 'yes', 'the plugin to install its SIGTERM handler');
    ctrl.abort();
    await rejection(pending);
    await waitUntil(() => !isRunning(pid), 'the plugin to be killed after the grace period');
  });

  it('stops a plugin that floods its output, with a clear error', async () => {
    const { conns: c, dir } = connect({ mode: 'flood' });
    const e = await rejection(whoami(c));
    assert.equal(e.kind, 'kubeconfig');
    assert.match(e.message, /printed more than 1 MB/);
    await waitUntil(() => !isRunning(Number(read(dir, 'pid'))), 'the flooding plugin to be gone');
  });

  it('names the command of a failing plugin, never its arguments, and redacts its stderr in the error and the log', async () => {
    const warnings: string[] = [];
    const { conns: c } = connect({ mode: 'fail' }, { warn: (l) => warnings.push(l) });
    const e = await rejection(whoami(c));
    assert.equal(e.kind, 'kubeconfig');
    assert.ok(e.message.includes(process.execPath), e.message);
    assert.match(e.message, /exited with code 3/);
    for (const text of [e.message, ...warnings]) {
      assert.ok(!text.includes(JWT), `a token leaked: ${text}`);
      assert.ok(!text.includes('hunter2'), `an argument leaked: ${text}`);
    }
    assert.ok(warnings.some((w) => w.includes('could not refresh')), 'the stderr is logged, redacted');
  });

  it('names a command that does not exist, with the install hint', async () => {
    const { conns: c } = connect({ mode: 'ok', command: 'k8s-tokens-no-such-plugin', installHint: 'Install it with: brew install nothing' });
    const e = await rejection(whoami(c));
    assert.match(e.message, /"k8s-tokens-no-such-plugin".*not found.*brew install nothing/s);
  });

  it('passes KUBERNETES_EXEC_INFO: not interactive, and the cluster only with provideClusterInfo', async () => {
    const plain = connect({ mode: 'ok' });
    await whoami(plain.conns);
    assert.deepEqual(JSON.parse(read(plain.dir, 'exec-info') ?? ''), { kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1', spec: { interactive: false } });
    const withCluster = connect({ mode: 'ok', provideClusterInfo: true, apiVersion: 'client.authentication.k8s.io/v1beta1', interactiveMode: null });
    await whoami(withCluster.conns);
    const info = JSON.parse(read(withCluster.dir, 'exec-info') ?? '') as { apiVersion: string; spec: { interactive: boolean; cluster?: { server: string; 'certificate-authority-data'?: string } } };
    assert.equal(info.apiVersion, 'client.authentication.k8s.io/v1beta1');
    assert.equal(info.spec.interactive, false);
    assert.equal(info.spec.cluster?.server, cluster.url);
    assert.match(Buffer.from(info.spec.cluster?.['certificate-authority-data'] ?? '', 'base64').toString(), /BEGIN CERTIFICATE/);
  });

  it('caches the credential until its expirationTimestamp', async () => {
    const future = connect({ mode: 'ok', expires: new Date(Date.now() + 3600_000).toISOString() });
    for (let i = 0; i < 3; i++) await whoami(future.conns);
    assert.equal(read(future.dir, 'count'), '1');
    const past = connect({ mode: 'ok', expires: new Date(Date.now() - 1000).toISOString() });
    for (let i = 0; i < 3; i++) await whoami(past.conns);
    assert.equal(read(past.dir, 'count'), '3', 'an expired credential is fetched again');
  });

  it('keeps a credential without expirationTimestamp until the cluster answers 401, then runs the plugin again', async () => {
    const { conns: c, dir } = connect({ mode: 'badThenOk' });
    assert.equal((await rejection(whoami(c))).kind, 'unauthorized');
    await whoami(c);
    await whoami(c);
    assert.equal(read(dir, 'count'), '2', 'once for the rejected token, once after the 401');
  });

  it('refuses interactiveMode Always (no terminal), and v1 without interactiveMode, without running the plugin', async () => {
    for (const setup of [
      { mode: 'ok', interactiveMode: 'Always' },
      { mode: 'ok', interactiveMode: null },
    ]) {
      const { conns: c, dir } = connect(setup);
      const e = await rejection(whoami(c));
      assert.equal(e.kind, 'kubeconfig');
      assert.match(e.message, /interactiveMode|terminal/);
      assert.equal(read(dir, 'count'), undefined, 'the plugin did not run');
    }
  });

  it('shares one plugin run between concurrent requests', async () => {
    const { conns: c, dir } = connect({ mode: 'ok' });
    await Promise.all([whoami(c), whoami(c), whoami(c)]);
    assert.equal(read(dir, 'count'), '1');
  });
});
