/**
 * The README's tree screenshot: the ServiceAccounts view on the demo cluster, expanded down to a
 * ServiceAccount's token Secrets and bindings, captured from the real workbench into
 * test-results/ui/readme-tree.png and checked for the rows it must show. (The dashboard's
 * screenshot is taken by expiry.test.ts.)
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/model';
import { captureWorkbench, getApi, testCluster, waitFor } from './helpers';
import { noToasts } from './workbenchShots';

const until = <T>(probe: () => T | Promise<T>, what: string): Promise<NonNullable<T>> => waitFor(async () => (await probe()) || undefined, what) as Promise<NonNullable<T>>;

async function walk(api: ExtensionApi, ...names: string[]): Promise<TreeNode> {
  const labelOf = (n: TreeNode): string => {
    const l = api.tree.provider.getTreeItem(n).label;
    return typeof l === 'string' ? l : (l?.label ?? '');
  };
  let node: TreeNode | undefined;
  for (const name of names) {
    const parent = node;
    node = await until(async () => ((await api.tree.provider.getChildren(parent)) ?? []).find((c) => labelOf(c) === name), `tree node ${names.join(' > ')}`);
  }
  return node as TreeNode;
}

describe('README screenshots', () => {
  it('captures the ServiceAccounts tree expanded to token Secrets and bindings', async () => {
    await testCluster();
    const api = await getApi();
    api.tree.refresh();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.view.extension.k8sTokens');
    const binding = await walk(api, 'test-admin', 'demo', 'ci-deployer', 'Bindings', 'demo/ci-deployer');
    await api.tree.view.reveal(binding, { expand: false, select: false, focus: false });
    const secret = await walk(api, 'test-admin', 'demo', 'reader', 'Token Secrets', 'reader-token');
    await api.tree.view.reveal(secret, { expand: false, select: true, focus: true });
    // Wide enough for the descriptions (automount, token count, granted role) to show in full.
    // The headless page has no window focus, so the resize commands act on the editor part:
    // narrowing the editor widens the side bar.
    for (let i = 0; i < 5; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth');
    await noToasts();
    const shot = await waitFor(async () => {
      const c = await captureWorkbench('readme-tree', { selector: '[id="workbench.view.extension.k8sTokens"] .monaco-list-row' });
      const rows = c.texts.join('\n');
      return ['test-admin', 'demo', 'payments', 'ci-deployer', 'Bindings', 'Role ci-deployer', 'reader', 'Token Secrets', 'reader-token'].every((t) => rows.includes(t)) ? c : undefined;
    }, 'the expanded rows in the view', 20_000);
    const rows = shot.texts.join(' | ');
    assert.match(rows, /ci-deployer\s*automount: true/, rows);
    assert.match(rows, /reader-token\s*last used/, rows);
    assert.ok(fs.statSync(shot.screenshotPath).size > 10_000);
  });
});
