/**
 * The ServiceAccounts view follows the cluster by itself: ServiceAccounts and namespaces made and
 * removed with the real kubectl (v1.32) appear and go without Refresh, in the provider and in the
 * rendered view. Kept tokens show under their ServiceAccount (metadata only) with working actions;
 * Secrets of revocable tokens that nothing keeps show too; the namespace filter picker loads the
 * namespaces itself. Screenshots at the default side bar width: test-results/ui/live-tree*.png.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandIds, ContextValues } from '../../src/common/commandIds';
import type { ExtensionApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/model';
import type { MintOutcome, MintSuccess } from '../../src/tokens/mint';
import { captureWorkbench, getApi, sessionQuiet, testCluster, until, waitFor } from './helpers';
import { noToasts } from './workbenchShots';

const ROWS = '[id="workbench.view.extension.k8sTokens"] .monaco-list-row';

describe('Live ServiceAccounts tree', () => {
  let api: ExtensionApi;
  let kubeconfig: string;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'live-tree-kubectl-'));

  const label = (n: TreeNode): string => {
    const l = api.tree.provider.getTreeItem(n).label;
    return typeof l === 'string' ? l : (l?.label ?? '');
  };
  const item = (n: TreeNode): vscode.TreeItem => api.tree.provider.getTreeItem(n) as vscode.TreeItem;
  const children = async (n?: TreeNode): Promise<TreeNode[]> => (await api.tree.provider.getChildren(n)) ?? [];
  const child = async (parent: TreeNode | undefined, name: string): Promise<TreeNode> => until(async () => (await children(parent)).find((c) => label(c) === name), `"${name}"`);
  const walk = async (...names: string[]): Promise<TreeNode> => {
    let node: TreeNode | undefined;
    for (const name of names) node = await child(node, name);
    return node as TreeNode;
  };
  const kubectl = (...args: string[]): Promise<string> =>
    new Promise((resolve, reject) =>
      execFile('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, ...args], { env: { PATH: process.env.PATH ?? '/usr/bin', HOME: home }, timeout: 20_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`)) : resolve(String(stdout)),
      ),
    );
  /** Tokens other suites (or this one) keep for an SA of demo: the rows count them all. */
  const keptFor = (sa: string): number => api.tokenStore.list().filter((t) => t.params.context === 'test-admin' && t.params.namespace === 'demo' && t.params.serviceAccount === sa).length;
  const keptRow = (sa: TreeNode, id: string | undefined): Promise<TreeNode> => until(async () => (await children(sa)).find((n) => n.kind === 'keptToken' && n.id === id), `the kept token ${id}`);
  const counted = (sa: TreeNode, n: number): Promise<boolean> =>
    until(() => (n === 0 ? !/kept token/.test(String(item(sa).description)) : String(item(sa).description).split(' · ').includes(n === 1 ? '1 kept token' : `${n} kept tokens`)), `${n} kept tokens on the row`);
  const viewRows = async (name: string): Promise<string[]> => (await captureWorkbench(name, { selector: ROWS })).texts;
  const mint = async (command: string, arg: Record<string, unknown>): Promise<MintSuccess> => {
    const o = await vscode.commands.executeCommand<MintOutcome>(command, { context: 'test-admin', namespace: 'demo', duration: '1h', audiences: [], ...arg });
    assert.equal(o?.status, 'minted', JSON.stringify(o));
    return o as MintSuccess;
  };

  before(async () => {
    await testCluster();
    api = await getApi();
    await sessionQuiet(api);
    const ctx = await walk('test-admin');
    assert.ok(ctx.kind === 'context');
    kubeconfig = ctx.entry.file;
    await vscode.commands.executeCommand('workbench.view.extension.k8sTokens');
  });
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  it('shows ServiceAccounts and namespaces made and deleted with kubectl, without Refresh', async () => {
    // reveal() gives up silently when a redraw (e.g. another suite's kubeconfig reload) lands in between: ask again.
    const shown = async (name: string, want: boolean): Promise<true> =>
      waitFor(async () => {
        await api.tree.view.reveal(await walk('test-admin', 'demo'), { expand: true });
        return (await viewRows(`live-tree-${want ? 'created' : 'deleted'}`)).some((r) => r.startsWith(name)) === want ? true : undefined;
      }, `the row ${name} ${want ? 'in' : 'gone from'} the view`);
    const demo = await walk('test-admin', 'demo');
    await api.tree.view.reveal(demo, { expand: true });
    await kubectl('create', 'serviceaccount', 'made-by-kubectl', '-n', 'demo');
    const made = await child(demo, 'made-by-kubectl');
    assert.equal(item(made).contextValue, ContextValues.serviceAccount);
    await shown('made-by-kubectl', true);

    await kubectl('delete', 'serviceaccount', 'made-by-kubectl', '-n', 'demo');
    await until(async () => !(await children(demo)).some((n) => label(n) === 'made-by-kubectl'), 'the deleted ServiceAccount gone');
    await shown('made-by-kubectl', false);

    const ctx = await walk('test-admin');
    await kubectl('create', 'namespace', 'live-ns');
    const ns = await child(ctx, 'live-ns');
    assert.deepEqual((await children(ns)).map(label), ['default'], 'its default ServiceAccount, made by the namespace controller');
    await kubectl('delete', 'namespace', 'live-ns');
    await until(async () => !(await children(ctx)).some((n) => label(n) === 'live-ns'), 'the deleted namespace gone');
  });

  it('shows a kept token under its ServiceAccount with its expiry, never its value, with working actions', async () => {
    const m = await mint(CommandIds.mintToken, { serviceAccount: 'ci-deployer', keep: true });
    const sa = await walk('test-admin', 'demo', 'ci-deployer');
    const n = keptFor('ci-deployer');
    try {
      const kept = await keptRow(sa, m.kept?.id);
      const t = item(kept);
      assert.equal(label(kept), 'Kept token');
      assert.equal(t.contextValue, ContextValues.keptToken);
      assert.match(String(t.description), /^expires in (59 min|1 h)/);
      assert.match(String(t.tooltip), /kept in this VS Code/);
      for (const text of [t.label, t.description, t.tooltip]) assert.ok(!String(text).includes(m.token.slice(20, 60)), 'no token text in the row');
      await counted(sa, n);
      const copied = await vscode.commands.executeCommand<{ copied: boolean }>(CommandIds.copyToken, kept);
      assert.equal(copied.copied, true);
      assert.equal(await vscode.env.clipboard.readText(), m.token);
      await vscode.env.clipboard.writeText('');
      const forgotten = await vscode.commands.executeCommand<{ forgotten: boolean }>(CommandIds.forgetToken, kept);
      assert.equal(forgotten.forgotten, true);
      await until(async () => !(await children(sa)).some((c) => c.kind === 'keptToken' && c.id === m.kept?.id), 'the forgotten token gone');
      await counted(sa, n - 1);
    } finally {
      if (m.kept && api.tokenStore.get(m.kept.id)) await api.tokenStore.forget(m.kept.id);
    }
  });

  it('shows the Secret of a revocable token that was not kept, deletes it, and marks a kept one revoked when its Secret goes', async () => {
    const sa = await walk('test-admin', 'demo', 'reader');
    const dropped = await mint(CommandIds.mintRevocableToken, { serviceAccount: 'reader' });
    assert.ok(dropped.revocableSecret);
    const secretRow = await child(sa, dropped.revocableSecret);
    assert.equal(item(secretRow).contextValue, ContextValues.revocableSecret);
    assert.equal(item(secretRow).description, 'revocable, not kept');
    await until(() => /(?:^|\D)\d{1,6} revocable Secrets?/.test(String(item(sa).description)), 'the ServiceAccount row counting it');
    const r = await vscode.commands.executeCommand<{ deleted: boolean }>(CommandIds.deleteRevocableSecret, secretRow, true);
    assert.equal(r.deleted, true);
    await until(async () => !(await children(sa)).some((n) => label(n) === dropped.revocableSecret), 'the deleted Secret gone');

    const kept = await mint(CommandIds.mintRevocableToken, { serviceAccount: 'reader', keep: true });
    try {
      const row = await keptRow(sa, kept.kept?.id);
      assert.equal(item(row).contextValue, `${ContextValues.keptToken}.revocable`);
      assert.match(String(item(row).description), /revocable/);
      assert.ok(!(await children(sa)).some((n) => label(n) === kept.revocableSecret), 'a Secret a kept token uses is not listed twice');
      await kubectl('delete', 'secret', String(kept.revocableSecret), '-n', 'demo');
      await until(async () => String(item(await keptRow(sa, kept.kept?.id)).description).startsWith('revoked (Secret deleted)'), 'the kept token marked revoked');
    } finally {
      if (kept.kept) await api.tokenStore.forget(kept.kept.id);
    }
  });

  it('fills the namespace filter picker itself, before any context was expanded', async () => {
    api.tree.refresh(); // nothing expanded, nothing loaded by the view
    assert.deepEqual(api.tree.provider.knownNamespaces(), []);
    const picked = vscode.commands.executeCommand(CommandIds.filterNamespaces);
    try {
      await waitFor(async () => {
        const rows = (await captureWorkbench('live-tree-picker', { selector: '.quick-input-list .monaco-list-row' })).texts.join('\n');
        return ['payments', 'monitoring', 'kube-system'].every((n) => rows.includes(n)) ? true : undefined;
      }, 'the namespaces in the picker');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    }
    assert.equal(await picked, undefined, 'closed without choosing: the filter is unchanged');
  });

  it('stops watching while the view is hidden, and watches again when it is shown', async () => {
    const conns = api.services.session.connections();
    conns.cacheOptions.lingerMs = 200; // instead of 30 s; the caches read it when they stop
    const cache = conns.cache('test-admin');
    const watchesServiceAccounts = (): boolean => cache.running().some((k) => k.startsWith('serviceaccounts|'));
    try {
      await vscode.commands.executeCommand('workbench.view.extension.k8sTokens');
      const demo = await walk('test-admin', 'demo');
      await api.tree.view.reveal(demo, { expand: true });
      await children(demo);
      await until(watchesServiceAccounts, 'the ServiceAccount watch');
      await vscode.commands.executeCommand('workbench.view.explorer'); // the view is hidden
      await until(() => cache.running().length === 0, 'no watch while nothing shows the data');
      await vscode.commands.executeCommand('workbench.view.extension.k8sTokens');
      await until(watchesServiceAccounts, 'the watch again once the view is shown');
      await kubectl('create', 'serviceaccount', 'after-hiding', '-n', 'demo');
      await child(demo, 'after-hiding');
      await kubectl('delete', 'serviceaccount', 'after-hiding', '-n', 'demo');
    } finally {
      conns.cacheOptions.lingerMs = undefined;
    }
  });

  it('looks right at the default side bar width (screenshot)', async () => {
    const m = await mint(CommandIds.mintToken, { serviceAccount: 'ci-deployer', keep: true });
    try {
      const ci = await walk('test-admin', 'demo', 'ci-deployer');
      await until(() => /kept token/.test(String(item(ci).description)), 'the kept token counted on its row');
      const groups = await walk('test-admin', 'demo', 'ci-deployer', 'Bindings', 'Via groups');
      const secret = await walk('test-admin', 'demo', 'reader', 'Token Secrets', 'reader-token');
      await noToasts();
      // reveal() gives up silently when a redraw of the same rows lands in between: try again.
      const shot = await waitFor(async () => {
        await api.tree.view.reveal(groups, { expand: false, select: false, focus: false });
        await api.tree.view.reveal(secret, { expand: false, select: true, focus: true });
        const c = await captureWorkbench('live-tree', { selector: ROWS });
        const rows = c.texts.join('\n');
        return ['Kept token', 'Via groups', 'reader-token'].every((t) => rows.includes(t)) ? c : undefined;
      }, 'the rows in the view');
      const rows = shot.texts.join(' | ');
      assert.match(rows, /ci-deployer\s*\d+ kept tokens?/, rows);
      assert.match(rows, /Kept token\s*expires in/, rows);
      assert.ok(!/automount/.test(rows), `no automount noise: ${rows}`);
    } finally {
      if (m.kept) await api.tokenStore.forget(m.kept.id);
    }
  });
});
