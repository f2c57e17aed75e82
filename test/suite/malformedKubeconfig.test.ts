/**
 * Malformed kubeconfig files in the real tree: each one is an error node naming the file (label,
 * full path in the tooltip) and the problem, the other files still load, an empty file is an
 * empty config (as in kubectl), and fixing a file + Retry brings its contexts in.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandIds, ContextValues } from '../../src/common/commandIds';
import type { ExtensionApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/model';
import { getApi, resetKubeconfigs, testCluster, waitFor, type HostCluster } from './helpers';

const roots = async (api: ExtensionApi): Promise<TreeNode[]> => (await api.tree.provider.getChildren(undefined)) ?? [];
const item = (api: ExtensionApi, n: TreeNode): vscode.TreeItem => api.tree.provider.getTreeItem(n) as vscode.TreeItem;
const kubeconfigPaths = (): string[] => vscode.workspace.getConfiguration('k8sTokens').get<string[]>('kubeconfigPaths', []);

describe('Malformed kubeconfig files in the tree', () => {
  let api: ExtensionApi;
  let cluster: HostCluster;
  let dir: string;

  before(async () => {
    cluster = await testCluster();
    api = await getApi();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'malformed-kubeconfig-'));
  });
  after(async () => {
    await resetKubeconfigs(); // writes the setting back to the admin kubeconfig alone
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows no error node for the runner\'s empty KUBECONFIG file (kubectl: an empty config)', async () => {
    const env = process.env.KUBECONFIG ?? '';
    assert.ok(env.length > 0 && fs.existsSync(env) && fs.statSync(env).size === 0, `the runner sets KUBECONFIG to an empty file: ${env}`);
    api.tree.refresh();
    const nodes = await waitFor(async () => {
      const r = await roots(api);
      return r.some((n) => n.kind === 'context' && n.entry.name === 'test-admin') ? r : undefined;
    }, 'context test-admin');
    assert.deepEqual(nodes.filter((n) => n.kind === 'kubeconfigProblem').map((n) => n.kind === 'kubeconfigProblem' && `${n.problem.file}: ${n.problem.message}`), []);
    assert.ok(api.services.session.connections().kubeconfigs.files.includes(path.resolve(env)), 'read as an (empty) kubeconfig');
  });

  it('gives each malformed file a clear error node while the other files load', async () => {
    const write = (name: string, text: string): string => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, text);
      return p;
    };
    const empty = write('empty.kubeconfig', '');
    const comments = write('comments.kubeconfig', '# nothing yet\n\n   \n');
    const invalid = write('invalid.kubeconfig', 'apiVersion: v1\nclusters: [\n  - oops: {\n');
    const list = write('list.kubeconfig', '- clusters: []\n- users: []\n');
    const scalar = write('scalar.kubeconfig', 'hello kubernetes\n');
    const dangling = write('dangling.kubeconfig', 'apiVersion: v1\nkind: Config\ncontexts: [{name: dangling-ctx, context: {cluster: nowhere, user: nobody}}]\n');
    const directory = path.join(dir, 'a-directory');
    fs.mkdirSync(directory);
    const loop = path.join(dir, 'loop.kubeconfig');
    fs.symlinkSync(path.join(dir, 'loop-other'), loop);
    fs.symlinkSync(loop, path.join(dir, 'loop-other'));
    const admin = kubeconfigPaths()[0];
    await vscode.workspace.getConfiguration('k8sTokens').update('kubeconfigPaths', [admin, empty, comments, invalid, list, scalar, dangling, directory, loop], vscode.ConfigurationTarget.Global);

    const expected: [string, RegExp][] = [
      [invalid, /^Not valid YAML \(line \d+, column \d+\): .+\. Fix the syntax or remove the file from the list\.$/],
      [list, /^Not a kubeconfig: the top level is a list, not a mapping with clusters, users and contexts\.$/],
      [scalar, /^Not a kubeconfig: the top level is a single value \(string\), not a mapping with clusters, users and contexts\.$/],
      [directory, /^This path is a directory, not a kubeconfig file \(EISDIR\)\. Point the setting or KUBECONFIG at a file\.$/],
      [loop, /^Cannot read the file: too many levels of symbolic links \(ELOOP\)\. Check where the link points\.$/],
      [dangling, /^context "dangling-ctx" refers to cluster "nowhere", which no kubeconfig file defines\. Add the cluster entry or fix the context\.$/],
      [dangling, /^context "dangling-ctx" refers to user "nobody", which no kubeconfig file defines\. Add the user entry or fix the context\.$/],
    ];
    const nodes = await waitFor(async () => {
      const r = await roots(api);
      return r.filter((n) => n.kind === 'kubeconfigProblem').length === expected.length ? r : undefined;
    }, `${expected.length} problem nodes`);
    const problems = nodes.filter((n) => n.kind === 'kubeconfigProblem');
    for (const [file, message] of expected) {
      const node = problems.find((n) => n.kind === 'kubeconfigProblem' && n.problem.file === file && message.test(n.problem.message));
      assert.ok(node, `no error node for ${file} matching ${message}: ${problems.map((n) => item(api, n).description).join(' | ')}`);
      const t = item(api, node);
      assert.equal(t.label, path.basename(file), 'labelled with the file name');
      assert.match(String(t.description), message);
      assert.equal(t.tooltip, `${file}\n${String(t.description)}`, 'the tooltip names the full path');
      assert.equal(t.contextValue, ContextValues.error);
      assert.equal(t.command?.command, CommandIds.retry);
    }
    assert.ok(!problems.some((n) => n.kind === 'kubeconfigProblem' && (n.problem.file === empty || n.problem.file === comments)), 'empty files are empty configs, not errors');
    assert.ok(nodes.some((n) => n.kind === 'context' && n.entry.name === 'test-admin'), 'the good file still loads');
    assert.ok(nodes.some((n) => n.kind === 'context' && n.entry.name === 'dangling-ctx'), 'a dangling context is still listed');

    // Fixing a file and pressing Retry on its node brings its context in.
    fs.writeFileSync(invalid, cluster.kubeconfig({ contextName: 'fixed-now' }));
    const node = problems.find((n) => n.kind === 'kubeconfigProblem' && n.problem.file === invalid);
    await vscode.commands.executeCommand(CommandIds.retry, node);
    await waitFor(async () => {
      const r = await roots(api);
      const fixed = r.some((n) => n.kind === 'context' && n.entry.name === 'fixed-now');
      const stillBroken = r.some((n) => n.kind === 'kubeconfigProblem' && n.problem.file === invalid);
      return fixed && !stillBroken ? true : undefined;
    }, 'the fixed file to load');
  });
});
