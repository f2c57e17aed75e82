/**
 * The ServiceAccounts tree in a real workbench, against the suite's cluster (test server or kube-apiserver).
 *
 *   test-admin (current)
 *   ├─ demo
 *   │  ├─ ci-deployer
 *   │  │  └─ Bindings → demo/ci-deployer (Role ci-deployer), Via groups → …
 *   │  └─ reader             1 token Secret
 *   │     └─ Token Secrets → reader-token (last used …)
 *   └─ payments → api → Token Secrets → api-legacy-token (invalid since …)
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandIds, ContextValues } from '../../src/common/commandIds';
import type { ExtensionApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/model';
import { captureWorkbench, getApi, resetKubeconfigs, testCluster, testserverOnly, until, waitFor, writeExtraKubeconfig, type HostCluster } from './helpers';

function label(api: ExtensionApi, node: TreeNode): string {
  const l = api.tree.provider.getTreeItem(node).label;
  return typeof l === 'string' ? l : (l?.label ?? '');
}

async function children(api: ExtensionApi, node?: TreeNode): Promise<TreeNode[]> {
  return (await api.tree.provider.getChildren(node)) ?? [];
}

async function child(api: ExtensionApi, parent: TreeNode | undefined, name: string): Promise<TreeNode> {
  const all = await children(api, parent);
  const found = all.find((n) => label(api, n) === name);
  assert.ok(found, `no child "${name}" under ${parent ? label(api, parent) : 'root'}: ${all.map((n) => label(api, n)).join(', ')}`);
  return found;
}

async function walk(api: ExtensionApi, ...names: string[]): Promise<TreeNode> {
  let node: TreeNode | undefined;
  for (const name of names) node = await child(api, node, name);
  return node as TreeNode;
}

const item = (api: ExtensionApi, n: TreeNode): vscode.TreeItem => api.tree.provider.getTreeItem(n) as vscode.TreeItem;
const setting = (key: string, value: unknown): Thenable<void> => vscode.workspace.getConfiguration('k8sTokens').update(key, value, vscode.ConfigurationTarget.Global);

describe('ServiceAccounts tree', () => {
  let api: ExtensionApi;
  let cluster: HostCluster;

  before(async () => {
    cluster = await testCluster();
    api = await getApi();
    api.tree.refresh(); // other suites change the shared cluster behind the tree's cache
    await until(async () => (await children(api)).some((n) => n.kind === 'context' && n.entry.name === 'test-admin'), 'context test-admin');
  });

  afterEach(async () => {
    await setting('namespaceFilter', undefined);
    await setting('pageSize', undefined);
    await resetKubeconfigs();
  });

  it('shows contexts from every kubeconfig file, the current one marked', async () => {
    const ctx = await walk(api, 'test-admin');
    const t = item(api, ctx);
    assert.equal(t.contextValue, ContextValues.context);
    assert.equal(t.description, 'current');
    assert.equal((t.iconPath as vscode.ThemeIcon).id, 'pass-filled');
    assert.equal(t.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.equal(api.tree.provider.getParent(ctx), undefined);
  });

  it('marks contexts whose kubeconfig token has expired or expires within a day', async () => {
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const jwt = (exp: number): string => `${b64({ alg: 'RS256', kid: 'k' })}.${b64({ sub: 'system:serviceaccount:demo:reader', exp })}.c2ln`;
    const now = Math.floor(Date.now() / 1000);
    await writeExtraKubeconfig({ contextName: 'expired-token', token: jwt(now - 2 * 3600) });
    await writeExtraKubeconfig({ contextName: 'expiring-token', token: jwt(now + 3 * 3600) });
    await writeExtraKubeconfig({ contextName: 'later-token', token: jwt(now + 30 * 86400) });
    const ctx = (name: string): Promise<TreeNode> => until(async () => (await children(api)).find((n) => n.kind === 'context' && n.entry.name === name), `context ${name}`);

    const expired = item(api, await ctx('expired-token'));
    assert.match(String(expired.description), /^token expired 2 h( \d+ min)? ago$/);
    assert.equal((expired.iconPath as vscode.ThemeIcon).id, 'error');
    assert.match(String(expired.tooltip), /has expired: the cluster will answer 401 Unauthorized/);
    const expiring = item(api, await ctx('expiring-token'));
    assert.match(String(expiring.description), /^token expires in (2 h \d+ min|3 h)$/);
    assert.equal((expiring.iconPath as vscode.ThemeIcon).id, 'warning');
    const later = item(api, await ctx('later-token'));
    assert.equal(later.description, undefined);
    assert.match(String(later.tooltip), /token expires in (29|30) d/);
  });

  it('shows bidi controls of kubeconfig names as escapes in labels and tooltips', async () => {
    await writeExtraKubeconfig({ contextName: 'prod\u202Etxt.exe' });
    const node = await until(async () => (await children(api)).find((n) => n.kind === 'context' && n.entry.name === 'prod\u202Etxt.exe'), 'the context');
    assert.equal(label(api, node), 'prod\\u202Etxt.exe');
    assert.ok(!/[\u202a-\u202e]/.test(String(item(api, node).tooltip)) && String(item(api, node).tooltip).includes('User: prod\\u202Etxt.exe'));
  });

  it('lists namespaces, ServiceAccounts with their description, and token Secrets with tracking labels', async () => {
    const ns = await walk(api, 'test-admin', 'demo');
    assert.equal(item(api, ns).contextValue, ContextValues.namespace);
    const reader = await child(api, ns, 'reader');
    const ri = item(api, reader);
    assert.equal(ri.contextValue, ContextValues.serviceAccount);
    // Other suites may add token Secrets to the shared cluster: count what the server holds.
    const count = (await cluster.objects.list('v1', 'Secret', 'demo')).filter((s) => s.type === 'kubernetes.io/service-account-token' && s.metadata.annotations?.['kubernetes.io/service-account.name'] === 'reader').length;
    assert.ok(count >= 1);
    // Only what is unusual: automount is on (the default), so the row does not say it. (Other
    // suites may leave kept tokens or revocable Secrets for reader: they are listed too.)
    assert.ok(String(ri.description).split(' · ').includes(count === 1 ? '1 token Secret' : `${count} token Secrets`), String(ri.description));
    assert.ok(!/automount/.test(String(ri.description)));
    assert.match(String(ri.tooltip), /system:serviceaccount:demo:reader/);
    assert.match(String(ri.tooltip), /Pods get a token mounted automatically/);
    assert.equal(api.tree.provider.getParent(reader), ns);

    const secrets = await child(api, reader, 'Token Secrets');
    assert.equal(item(api, secrets).description, String(count));
    const secret = await child(api, secrets, 'reader-token');
    const si = item(api, secret);
    assert.equal(si.contextValue, ContextValues.tokenSecret);
    assert.match(String(si.description), /^last used \d{4}-\d{2}-\d{2}$/);
    assert.equal((si.iconPath as vscode.ThemeIcon).id, 'warning');

    const invalid = await walk(api, 'test-admin', 'payments', 'api', 'Token Secrets', 'api-legacy-token');
    assert.match(String(item(api, invalid).description), /^invalid since \d{4}-\d{2}-\d{2}$/);
    // Without token Secrets there is no empty folder to expand; the tooltip says so.
    const ci = await walk(api, 'test-admin', 'demo', 'ci-deployer');
    assert.ok(!/token Secret|automount/.test(String(item(api, ci).description ?? '')), String(item(api, ci).description));
    assert.match(String(item(api, ci).tooltip), /No long-lived token Secrets/);
    const ciKids = (await children(api, ci)).map((n) => label(api, n));
    assert.ok(!ciKids.includes('Token Secrets') && ciKids[ciKids.length - 1] === 'Bindings', ciKids.join());
  });

  it('updates a ServiceAccount live when a token Secret is created and deleted elsewhere, keeping the objects VS Code holds', async () => {
    const ns = await walk(api, 'test-admin', 'demo');
    const reader = await child(api, ns, 'reader');
    const folder = await child(api, reader, 'Token Secrets');
    const before = (reader as Extract<TreeNode, { kind: 'serviceAccount' }>).tokenSecretCount ?? 0;
    const extra = await cluster.objects.create({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: 'reader-token-live', namespace: 'demo', annotations: { 'kubernetes.io/service-account.name': 'reader' } } });
    try {
      // No refresh: the watch brings the Secret, and the same node objects show the new count.
      await until(async () => (await children(api, folder)).some((n) => label(api, n) === 'reader-token-live'), 'the new Secret under Token Secrets');
      assert.equal(await child(api, ns, 'reader'), reader, 'the node object VS Code holds is kept');
      assert.equal(item(api, folder).description, String(before + 1));
      assert.ok(String(item(api, reader).description).split(' · ').includes(`${before + 1} token Secrets`), String(item(api, reader).description));
      assert.equal(api.tree.provider.getParent(folder), reader);
    } finally {
      await cluster.objects.delete('v1', 'Secret', extra.metadata.name, 'demo');
    }
    await until(async () => !(await children(api, folder)).some((n) => label(api, n) === 'reader-token-live'), 'the deleted Secret gone');
    assert.ok(String(item(api, reader).description).split(' · ').includes(before === 1 ? '1 token Secret' : `${before} token Secrets`));
  });

  it('renders in the real view: reveal expands the path to a token Secret', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.k8sTokens');
    const secret = await walk(api, 'test-admin', 'demo', 'reader', 'Token Secrets', 'reader-token');
    await api.tree.view.reveal(secret, { expand: true, select: true, focus: true });
    const shot = await waitFor(async () => {
      const c = await captureWorkbench('tree-demo-cluster', { selector: '[id="workbench.view.extension.k8sTokens"] .monaco-list-row' });
      const rows = c.texts.join('\n');
      return ['test-admin', 'demo', 'ci-deployer', 'reader', 'Token Secrets', 'reader-token', 'Bindings'].every((t) => rows.includes(t)) ? c : undefined;
    }, 'the revealed rows in the view', 20_000);
    assert.ok(shot.texts.some((t) => /reader-token\s*last used/.test(t)), shot.texts.join(' | '));
  });

  it('lists the bindings that apply to a ServiceAccount and opens the role read-only', async () => {
    const bindings = await walk(api, 'test-admin', 'demo', 'ci-deployer', 'Bindings');
    const rb = await child(api, bindings, 'demo/ci-deployer');
    const bi = item(api, rb);
    assert.equal(bi.contextValue, ContextValues.binding);
    assert.equal(bi.description, 'Role ci-deployer');
    // Direct bindings first; the ones every ServiceAccount gets through its groups apart, collapsed.
    const kids = await children(api, bindings);
    assert.deepEqual(kids.map((n) => label(api, n)), ['demo/ci-deployer', 'Via groups']);
    const groups = kids[1];
    assert.equal(item(api, groups).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const group = await child(api, groups, 'system:service-account-issuer-discovery');
    assert.equal(item(api, group).description, 'system:serviceaccounts', 'the group, not the role named like the binding');
    assert.match(String(item(api, group).tooltip), /via group system:serviceaccounts/);
    assert.equal(api.tree.provider.getParent(group), groups);

    const opened = (await vscode.commands.executeCommand(CommandIds.openBindingRole, rb)) as { uri: string; text: string };
    assert.match(opened.text, /kind: Role\n/);
    assert.match(opened.text, /serviceaccounts\/token/);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === opened.uri);
    assert.equal(doc?.uri.scheme, 'k8stokens-role', 'served by a content provider, so read-only');
    assert.equal(doc?.languageId, 'yaml');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('pages with limit/continue behind a "Load more…" node', async () => {
    for (let i = 0; i < 12; i++) {
      const name = `paged-${String(i).padStart(2, '0')}`;
      if (!(await cluster.objects.get('v1', 'ServiceAccount', name, 'monitoring'))) await cluster.objects.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'monitoring' } });
    }
    try {
      await setting('pageSize', 10);
      const ns = await until(async () => {
        const n = await walk(api, 'test-admin', 'monitoring');
        const kids = await children(api, n);
        return kids.length === 11 ? n : undefined;
      }, 'first page of 10 + Load more');
      const first = await children(api, ns);
      const more = first[first.length - 1];
      assert.equal(more.kind, 'loadMore');
      assert.equal(item(api, more).contextValue, ContextValues.loadMore);
      assert.equal(item(api, more).command?.command, CommandIds.loadMore);
      await vscode.commands.executeCommand(CommandIds.loadMore, more);
      const all = await children(api, ns);
      assert.ok(all.every((n) => n.kind === 'serviceAccount'), 'no Load more once the list is complete');
      const names = all.map((n) => label(api, n));
      assert.equal(new Set(names).size, names.length);
      assert.ok(names.includes('prometheus') && names.includes('paged-11'));
    } finally {
      for (let i = 0; i < 12; i++) await cluster.objects.delete('v1', 'ServiceAccount', `paged-${String(i).padStart(2, '0')}`, 'monitoring');
    }
  });

  it('filters namespaces with wildcards and exact names', async () => {
    await vscode.commands.executeCommand(CommandIds.filterNamespaces, ['pay*']);
    await until(async () => (await children(api, await walk(api, 'test-admin'))).filter((n) => n.kind === 'namespace').length === 1, 'filtered list');
    const kids = await children(api, await walk(api, 'test-admin'));
    assert.deepEqual(kids.map((n) => [n.kind, label(api, n)]), [['info', 'Filtered: pay*'], ['namespace', 'payments']]);

    await vscode.commands.executeCommand(CommandIds.filterNamespaces, ['demo', 'nope']);
    const exact = await until(async () => {
      const k = await children(api, await walk(api, 'test-admin'));
      return k.some((n) => label(api, n) === 'Namespace "nope" does not exist') ? k : undefined;
    }, 'exact filter');
    assert.deepEqual(exact.filter((n) => n.kind === 'namespace').map((n) => label(api, n)), ['demo']);

    await vscode.commands.executeCommand(CommandIds.clearNamespaceFilter);
    await until(async () => (await children(api, await walk(api, 'test-admin'))).filter((n) => n.kind === 'namespace').length >= 6, 'unfiltered');
  });

  it('shows unreachable, TLS, 401 and 403 failures as error nodes with Retry', async () => {
    await writeExtraKubeconfig({ contextName: 'unreachable', server: 'https://127.0.0.1:1' });
    await writeExtraKubeconfig({ contextName: 'bad-ca', wrongCa: true });
    await writeExtraKubeconfig({ contextName: 'expired', token: 'not-a-valid-token' });
    await writeExtraKubeconfig({ contextName: 'jane', user: { name: 'jane' }, namespace: 'demo' });
    await until(async () => (await children(api)).some((n) => n.kind === 'context' && n.entry.name === 'jane'), 'extra contexts');

    const expect = async (ctx: string, pattern: RegExp, kind: string): Promise<void> => {
      const kids = await children(api, await walk(api, ctx));
      assert.equal(kids.length, 1, `${ctx}: ${kids.map((n) => label(api, n)).join(', ')}`);
      const err = kids[0];
      assert.equal(err.kind, 'error');
      assert.equal(err.kind === 'error' && err.errorKind, kind);
      const t = item(api, err);
      assert.equal(t.contextValue, ContextValues.error);
      assert.equal(t.command?.command, CommandIds.retry);
      assert.match(String(t.label), pattern);
    };
    await expect('unreachable', /Cannot reach the cluster/, 'unreachable');
    await expect('bad-ca', /certificate is not trusted/, 'tls');
    await expect('expired', /401 Unauthorized/, 'unauthorized');

    // jane may not list namespaces: the context's own namespace is shown, with the reason.
    const jane = await children(api, await walk(api, 'jane'));
    assert.deepEqual(jane.map((n) => [n.kind, label(api, n)]), [['info', 'Showing only "demo": you may not list namespaces'], ['namespace', 'demo']]);
    assert.match(String(item(api, jane[0]).tooltip), /jane may not list namespaces cluster-wide/);
  });

  it('shows a failed first list as an error node, and Retry lists again [testserver-only]', async () => {
    const ts = testserverOnly(cluster);
    // A context of its own, so its cache has never listed: the cluster-wide list fails.
    ts.setFault({ kind: 'status500', pathIncludes: '/api/v1/serviceaccounts' });
    try {
      await writeExtraKubeconfig({ contextName: 'flaky' });
      const ctx = await until(async () => (await children(api)).find((n) => n.kind === 'context' && n.entry.name === 'flaky'), 'context flaky');
      const ns = await child(api, ctx, 'kube-public');
      const kids = await children(api, ns);
      assert.equal(kids[0].kind, 'error');
      assert.equal(kids[0].kind === 'error' && kids[0].errorKind, 'server');
      ts.setFault(undefined);
      await vscode.commands.executeCommand(CommandIds.retry, kids[0]);
      await until(async () => (await children(api, await child(api, ctx, 'kube-public'))).map((n) => label(api, n)).join() === 'default', 'the list after Retry');
    } finally {
      ts.setFault(undefined);
    }
  });

  it('shows a broken kubeconfig file as an error node naming the file', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'broken-')), 'broken-config');
    fs.writeFileSync(file, 'apiVersion: v1\nclusters: [\n  - oops: {\n');
    const paths = vscode.workspace.getConfiguration('k8sTokens').get<string[]>('kubeconfigPaths', []);
    await setting('kubeconfigPaths', [...paths, file]);
    try {
      const problem = await until(async () => (await children(api)).find((n) => n.kind === 'kubeconfigProblem' && n.problem.file === file), 'problem node');
      const t = item(api, problem);
      assert.equal(t.label, 'broken-config');
      assert.ok(String(t.description).length > 0);
      assert.equal(t.contextValue, ContextValues.error);
      assert.ok((await children(api)).some((n) => n.kind === 'context' && n.entry.name === 'test-admin'), 'other files still load');
    } finally {
      await setting('kubeconfigPaths', paths);
    }
  });

  it('makes a context current by editing only the current-context line', async () => {
    await writeExtraKubeconfig({ contextName: 'jane', user: { name: 'jane' } });
    await until(async () => (await children(api)).some((n) => n.kind === 'context' && n.entry.name === 'jane'), 'context jane');
    const before = await walk(api, 'test-admin');
    assert.equal(before.kind === 'context' && before.entry.isCurrent, true);
    const file = before.kind === 'context' ? before.entry.file : '';
    const original = fs.readFileSync(file, 'utf8');
    const r = (await vscode.commands.executeCommand(CommandIds.useContext, await walk(api, 'jane'))) as { file: string };
    try {
      assert.equal(r.file, file, 'written to the file that sets current-context');
      assert.equal(fs.readFileSync(file, 'utf8'), original.replace(/current-context: test-admin/, 'current-context: jane'));
      await until(async () => {
        const j = (await children(api)).find((n) => n.kind === 'context' && n.entry.name === 'jane');
        return j?.kind === 'context' && j.entry.isCurrent;
      }, 'jane current');
    } finally {
      await vscode.commands.executeCommand(CommandIds.useContext, 'test-admin');
    }
    assert.equal(fs.readFileSync(file, 'utf8'), original);
  });
});
