/**
 * The README's tree screenshot: the ServiceAccounts view on the demo cluster, expanded down to a
 * ServiceAccount's token Secrets and bindings, captured from the real workbench into
 * test-results/ui/readme-tree.png, and the hover of a pod-bound token in readme-hover.png; each
 * checked for what it must show. (The dashboard's screenshot is taken by expiry.test.ts.)
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { captureWorkbench, getApi, sessionQuiet, testCluster, waitFor } from './helpers';
import { noToasts, podBoundTokenFile, walkTree } from './workbenchShots';


describe('README screenshots', () => {
  it('captures the ServiceAccounts tree expanded to token Secrets and bindings', async () => {
    await testCluster();
    const api = await getApi();
    api.tree.refresh();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.view.extension.k8sTokens');
    const binding = await walkTree(api, 'test-admin', 'demo', 'ci-deployer', 'Bindings', 'demo/ci-deployer');
    await api.tree.view.reveal(binding, { expand: false, select: false, focus: false });
    const secret = await walkTree(api, 'test-admin', 'demo', 'reader', 'Token Secrets', 'reader-token');
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

  it('captures the hover of a pod-bound token in a YAML file', async () => {
    await testCluster();
    const api = await getApi();
    await sessionQuiet(api);
    const file = await podBoundTokenFile(api, 'Minted with Kubernetes SA Tokens: Mint Token… on demo/ci-deployer');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(file)));
    const at = new vscode.Position(2, 20);
    editor.selection = new vscode.Selection(at, at);
    await noToasts();
    await vscode.commands.executeCommand('editor.action.showHover');
    const shot = await waitFor(async () => {
      const c = await captureWorkbench('readme-hover', { selector: '.monaco-hover .rendered-markdown' });
      const text = c.texts.join('\n');
      return text.includes('ci-deployer') && text.includes('web-0') ? c : undefined;
    }, 'the token hover in the workbench', 20_000);
    assert.match(shot.texts.join('\n'), /system:serviceaccount:demo:ci-deployer/);
    assert.ok(fs.statSync(shot.screenshotPath).size > 10_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.extension.k8sTokens');
  });
});
