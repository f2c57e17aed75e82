/**
 * Malformed kubeconfig files: kubectl treats an empty file as an empty config; every other broken
 * file is reported with the file and the problem, and the other files still load.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadKubeconfigs } from '../../src/kube/kubeconfig';

const GOOD = `apiVersion: v1
kind: Config
current-context: ok
clusters: [{name: c, cluster: {server: "https://ok.example"}}]
users: [{name: u, user: {token: abc}}]
contexts: [{name: ok, context: {cluster: c, user: u}}]
`;

describe('kubeconfig: empty and malformed files', () => {
  let dir: string;
  let good: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-bad-'));
    good = path.join(dir, 'good');
    fs.writeFileSync(good, GOOD);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, text: string): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  /** Loads `bad` before the good file and returns the single problem; the good context must still load. */
  const problemOf = (bad: string): string => {
    const loaded = loadKubeconfigs([bad, good]);
    assert.deepEqual(loaded.contexts.map((c) => c.name), ['ok'], 'the other file still loads');
    assert.equal(loaded.currentContext, 'ok');
    assert.equal(loaded.problems.length, 1, JSON.stringify(loaded.problems));
    assert.equal(loaded.problems[0].file, bad);
    return loaded.problems[0].message;
  };

  for (const [name, text] of [
    ['a 0-byte file', ''],
    ['whitespace only', '  \n\n\t\n'],
    ['comments only', '# managed by someone\n   # nothing here yet\n'],
    ['an explicit null document', '---\n~\n'],
  ] as const) {
    it(`treats ${name} as an empty config, like kubectl: no problem, no contexts`, () => {
      const empty = file('empty', text);
      const loaded = loadKubeconfigs([empty, good]);
      assert.deepEqual(loaded.problems, []);
      assert.deepEqual(loaded.contexts.map((c) => c.name), ['ok']);
      assert.ok(loaded.files.includes(empty), 'an empty file is read (and watched), not skipped');
      assert.deepEqual(loadKubeconfigs([empty]).contexts, []);
    });
  }

  it('reports invalid YAML with the line and column', () => {
    const msg = problemOf(file('broken', 'apiVersion: v1\nclusters: [ {name: x\n'));
    assert.match(msg, /^Not valid YAML \(line \d+, column \d+\): .+\. Fix the syntax or remove the file from the list\.$/);
  });

  it('reports YAML whose top level is a list', () => {
    assert.equal(problemOf(file('list', '- name: a\n- name: b\n')), 'Not a kubeconfig: the top level is a list, not a mapping with clusters, users and contexts.');
  });

  it('reports YAML whose top level is a scalar', () => {
    assert.equal(problemOf(file('scalar', 'just some text\n')), 'Not a kubeconfig: the top level is a single value (string), not a mapping with clusters, users and contexts.');
    assert.equal(problemOf(file('number', '42\n')), 'Not a kubeconfig: the top level is a single value (number), not a mapping with clusters, users and contexts.');
  });

  it('reports a context whose cluster and user no file defines', () => {
    const dangling = file('dangling', 'contexts: [{name: lost, context: {cluster: gone, user: nobody}}]\n');
    const loaded = loadKubeconfigs([dangling, good]);
    assert.deepEqual(loaded.problems, [
      { file: dangling, message: 'context "lost" refers to cluster "gone", which no kubeconfig file defines. Add the cluster entry or fix the context.' },
      { file: dangling, message: 'context "lost" refers to user "nobody", which no kubeconfig file defines. Add the user entry or fix the context.' },
    ]);
    assert.equal(loaded.configFor('lost'), undefined);
    assert.ok(loaded.configFor('ok'));
  });

  it('reports a path that is a directory', () => {
    const d = path.join(dir, 'a-directory');
    fs.mkdirSync(d);
    assert.equal(problemOf(d), 'This path is a directory, not a kubeconfig file (EISDIR). Point the setting or KUBECONFIG at a file.');
  });

  it('reports an unreadable file (a symbolic link loop: unreadable even for root)', () => {
    const a = path.join(dir, 'loop-a');
    const b = path.join(dir, 'loop-b');
    fs.symlinkSync(b, a);
    fs.symlinkSync(a, b);
    assert.equal(problemOf(a), 'Cannot read the file: too many levels of symbolic links (ELOOP). Check where the link points.');
  });

  it('still ignores files that do not exist, like kubectl does for KUBECONFIG', () => {
    const loaded = loadKubeconfigs([path.join(dir, 'nope'), good]);
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(loaded.contexts.map((c) => c.name), ['ok']);
  });
});
