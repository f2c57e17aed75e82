/**
 * Static credentials the way kubectl uses them (issue 16, item 9): `tokenFile` authenticates (a
 * missing or empty one is an error naming it, never an anonymous request) and is read again after
 * a 401, as client-go's cached file token source does; insecure-skip-tls-verify together with a
 * certificate authority is refused with kubectl's reason. Against the test API server.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { KubeConnections } from '../../src/kube/index';
import { selfSubjectReview } from '../../src/kube/reviews';
import { startTestCluster } from '../../testserver/index';
import type { TestCluster } from '../../testserver/api';
import { rejection } from './kube-fixture';

interface Kubeconfig {
  clusters: { cluster: Record<string, unknown> }[];
  users: { user: Record<string, unknown> }[];
}

describe('kube layer: token files and TLS settings, as kubectl reads them', function () {
  this.timeout(20000);
  let cluster: TestCluster;
  let dir: string;
  const conns: KubeConnections[] = [];
  let n = 0;

  before(async () => {
    cluster = await startTestCluster({ seed: 'demo' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-creds-'));
  });
  after(async () => {
    for (const c of conns) c.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
    await cluster.close();
  });

  /** The test cluster's kubeconfig, edited by `edit`, as connections. */
  const connect = (edit: (kc: Kubeconfig) => void): KubeConnections => {
    const kc = parse(cluster.kubeconfig()) as Kubeconfig;
    edit(kc);
    const file = path.join(dir, `config-${n++}`);
    fs.writeFileSync(file, stringify(kc));
    const c = new KubeConnections([file], { timeoutMs: 5000, retries: 0, maxRetryAfterMs: 1000 });
    conns.push(c);
    return c;
  };
  const count = (): number => [...cluster.requestCounts().values()].reduce((a, b) => a + b, 0);

  it('authenticates with the token in tokenFile (a path relative to the kubeconfig)', async () => {
    fs.writeFileSync(path.join(dir, 'alice.token'), `${cluster.userToken('alice', ['team-a'])}\n`);
    const c = connect((kc) => (kc.users[0].user = { tokenFile: 'alice.token' }));
    const me = await selfSubjectReview(c.client('test-admin'));
    assert.equal(me.username, 'alice');
  });

  it('refuses to send an anonymous request when tokenFile is missing, naming the file', async () => {
    const missing = path.join(dir, 'nope.token');
    const c = connect((kc) => (kc.users[0].user = { tokenFile: missing }));
    const before = count();
    const e = await rejection(selfSubjectReview(c.client('test-admin')));
    assert.equal(e.kind, 'kubeconfig');
    assert.ok(e.message.includes(missing) && /does not exist/.test(e.message), e.message);
    assert.equal(count(), before, 'nothing was sent');
  });

  it('refuses an empty tokenFile', async () => {
    fs.writeFileSync(path.join(dir, 'empty.token'), '  \n');
    const c = connect((kc) => (kc.users[0].user = { tokenFile: path.join(dir, 'empty.token') }));
    assert.match((await rejection(selfSubjectReview(c.client('test-admin')))).message, /empty/);
  });

  it('reads tokenFile again after a 401, so a rotated token is used', async () => {
    const file = path.join(dir, 'rotating.token');
    fs.writeFileSync(file, 'not-a-valid-token');
    const c = connect((kc) => (kc.users[0].user = { tokenFile: file }));
    const client = c.client('test-admin');
    assert.equal((await rejection(selfSubjectReview(client))).kind, 'unauthorized');
    fs.writeFileSync(file, cluster.userToken('bob', ['team-b']));
    assert.equal((await selfSubjectReview(client)).username, 'bob');
  });

  it('refuses insecure-skip-tls-verify together with a certificate authority, with kubectl’s reason', async () => {
    const c = connect((kc) => (kc.clusters[0].cluster['insecure-skip-tls-verify'] = true));
    const before = count();
    const e = await rejection(selfSubjectReview(c.client('test-admin')));
    assert.equal(e.kind, 'kubeconfig');
    assert.match(e.message, /specifying a root certificates file with the insecure flag is not allowed/);
    assert.equal(count(), before, 'nothing was sent');
  });

  it('connects with insecure-skip-tls-verify alone (no certificate authority)', async () => {
    const c = connect((kc) => {
      delete kc.clusters[0].cluster['certificate-authority-data'];
      kc.clusters[0].cluster['insecure-skip-tls-verify'] = true;
    });
    assert.equal((await selfSubjectReview(c.client('test-admin'))).username, 'kubernetes-admin');
  });
});
