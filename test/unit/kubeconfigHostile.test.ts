/**
 * Hostile kubeconfig files (issue 16, item 6): every failure stays inside its file. An alias bomb,
 * a huge file, a FIFO, deep nesting or a field of the wrong type becomes a problem that names the
 * file, and the other files' contexts still load.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadKubeconfigs, MAX_KUBECONFIG_BYTES } from '../../src/kube/kubeconfig';
import { aliasBomb } from './kubeconfigFixtures';

const GOOD = `apiVersion: v1
kind: Config
current-context: ok
clusters: [{name: c, cluster: {server: "https://ok.example"}}]
users: [{name: u, user: {token: abc}}]
contexts: [{name: ok, context: {cluster: c, user: u}}]
`;

describe('kubeconfig: hostile files stay isolated', () => {
  let dir: string;
  let good: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-hostile-'));
    good = path.join(dir, 'good');
    fs.writeFileSync(good, GOOD);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, text: string | Buffer): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  /** Loads `bad` before the good file: the good context loads and the one problem names `bad`. */
  const problemOf = (bad: string): string => {
    const loaded = loadKubeconfigs([bad, good]);
    assert.deepEqual(
      loaded.contexts.map((c) => c.name),
      ['ok'],
      'the other file still loads',
    );
    assert.equal(loaded.problems.length, 1, JSON.stringify(loaded.problems));
    assert.equal(loaded.problems[0].file, bad);
    return loaded.problems[0].message;
  };

  it('reports a YAML alias bomb in its file instead of breaking every context', () => {
    const bomb = file('bomb', `apiVersion: v1\nkind: Config\n${aliasBomb(10, 9, 'preferences')}`);
    assert.match(problemOf(bomb), /expands YAML aliases excessively/);
  });

  it('reports an alias bomb hidden in a field the loader reads (exec args)', () => {
    const bomb = file('bomb-args', `${aliasBomb(9, 8, 'z')}users: [{name: u2, user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1, interactiveMode: Never, args: *a7}}}]\n`);
    assert.match(problemOf(bomb), /expands YAML aliases excessively/);
  });

  it('refuses a file larger than the bound without parsing it', () => {
    const big = file('big', `# ${'x'.repeat(MAX_KUBECONFIG_BYTES)}\n${GOOD}`);
    assert.match(problemOf(big), /larger than 4 MB/);
  });

  it('reports YAML nested too deeply for the parser', () => {
    const deep = file('deep', `clusters: ${'['.repeat(20000)}${']'.repeat(20000)}\n`);
    const msg = problemOf(deep);
    assert.ok(msg.length > 0 && msg.length < 400, msg);
  });

  for (const [name, text, field] of [
    ['a number where the server belongs', 'clusters: [{name: c2, cluster: {server: 6443}}]\n', 'clusters[0].cluster.server'],
    ['a string where a boolean belongs', 'clusters: [{name: c2, cluster: {server: "https://x", insecure-skip-tls-verify: "true"}}]\n', 'clusters[0].cluster.insecure-skip-tls-verify'],
    ['a mapping where the users list belongs', 'users: {name: u}\n', 'kubeconfig.users'],
    ['a number in exec args', 'users: [{name: u2, user: {exec: {command: x, args: [1]}}}]\n', 'users[0].user.exec.args[0]'],
    ['a list where the token belongs', 'users: [{name: u2, user: {token: [a, b]}}]\n', 'users[0].user.token'],
    ['an entry without a name', 'contexts: [{context: {cluster: c, user: u}}]\n', 'contexts[0].name'],
  ] as const) {
    it(`reports ${name}, naming the field`, () => {
      const msg = problemOf(file('typed', text));
      assert.ok(msg.startsWith('Not a valid kubeconfig: '), msg);
      assert.ok(msg.includes(field), `${msg} should name ${field}`);
    });
  }

  it('refuses a FIFO without blocking (the read would otherwise wait for a writer forever)', () => {
    const fifo = path.join(dir, 'fifo');
    spawnSync('mkfifo', [fifo]);
    // In a child process: if the read blocked, only the child would hang, and the timeout reports it.
    const script = `const { loadKubeconfigs } = require(${JSON.stringify(path.resolve(__dirname, '../../src/kube/kubeconfig.js'))});
      process.stdout.write(JSON.stringify(loadKubeconfigs([${JSON.stringify(fifo)}, ${JSON.stringify(good)}])));`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 15000 });
    assert.equal(r.signal, null, 'loading a FIFO must not block');
    const loaded = JSON.parse(r.stdout) as { contexts: { name: string }[]; problems: { file: string; message: string }[] };
    assert.deepEqual(
      loaded.contexts.map((c) => c.name),
      ['ok'],
    );
    assert.equal(loaded.problems[0].file, fifo);
    assert.match(loaded.problems[0].message, /not a regular file/);
  });

  it('keeps __proto__ and constructor keys as data: no prototype is touched', () => {
    const evil = file(
      'proto',
      `__proto__: {polluted: yes}\nconstructor: {prototype: {polluted: yes}}\nusers: [{name: __proto__, user: {auth-provider: {name: oidc, config: {__proto__: polluted, id-token: x}}}}]\nclusters: [{name: constructor, cluster: {server: "https://p"}}]\ncontexts: [{name: __proto__, context: {cluster: constructor, user: __proto__}}]\n`,
    );
    const loaded = loadKubeconfigs([good, evil]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(
      loaded.contexts.map((c) => c.name),
      ['ok', '__proto__'],
    );
    const resolved = loaded.configFor('__proto__');
    assert.equal(resolved?.cluster.server, 'https://p');
    const config = resolved?.user.authProvider?.config ?? {};
    assert.equal(Object.getPrototypeOf(config), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(config, '__proto__')?.value, 'polluted', 'an own key, not the prototype');
  });

  it('resolves relative paths against the file’s folder, as kubectl does', () => {
    const f = file(
      'relative',
      `clusters: [{name: r, cluster: {server: "https://r", certificate-authority: certs/ca.pem}}]
users: [{name: r, user: {client-certificate: certs/u.pem, client-key: /abs/u.key, tokenFile: tok, exec: {command: ./bin/plugin, apiVersion: client.authentication.k8s.io/v1}}}, {name: p, user: {exec: {command: aws}}}]
contexts: [{name: r, context: {cluster: r, user: r}}, {name: p, context: {cluster: r, user: p}}]
`,
    );
    const loaded = loadKubeconfigs([f]);
    assert.equal(loaded.configFor('p')?.user.exec?.command, 'aws', 'a bare command is looked up in PATH, not resolved');
    const r = loaded.configFor('r');
    assert.equal(r?.cluster.caFile, path.join(dir, 'certs/ca.pem'));
    assert.equal(r?.user.certFile, path.join(dir, 'certs/u.pem'));
    assert.equal(r?.user.keyFile, '/abs/u.key');
    assert.equal(r?.user.tokenFile, path.join(dir, 'tok'));
    assert.equal(r?.user.exec?.command, path.join(dir, 'bin/plugin'));
  });
});
