/**
 * The README's screenshots, captured from the real workbench into test-results/ui/readme-*.png and
 * each checked for what it must show: the ServiceAccounts view on the demo cluster expanded down to
 * a kept token, a ServiceAccount's token Secrets and its bindings (direct ones, then "Via groups")
 * (readme-tree), the hover of a pod-bound token (readme-hover), the mint's multi-step input
 * (readme-mint-steps) and its result panel (readme-mint-result). (The dashboard's, readme-dashboard,
 * is taken by expiry.test.ts.)
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/common/commandIds';
import type { MintOutcome } from '../../src/tokens/mint';
import type { MintResultPanel } from '../../src/tokens/resultPanel';
import { captureWorkbench, getApi, sessionQuiet, testCluster, testserverOnly, until, waitFor } from './helpers';
import { noToasts, podBoundTokenFile, walkTree } from './workbenchShots';


describe('README screenshots', () => {
  it('captures the ServiceAccounts tree expanded to a kept token, token Secrets and bindings', async () => {
    await testCluster();
    const api = await getApi();
    api.tree.refresh();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.view.extension.k8sTokens');
    await sessionQuiet(api);
    const minted = (await vscode.commands.executeCommand(CommandIds.mintToken, { context: 'test-admin', namespace: 'demo', serviceAccount: 'ci-deployer', duration: '1h', audiences: [], keep: true })) as MintOutcome;
    assert.equal(minted.status, 'minted');
    try {
      const groups = await walkTree(api, 'test-admin', 'demo', 'ci-deployer', 'Bindings', 'Via groups');
      await walkTree(api, 'test-admin', 'demo', 'ci-deployer', 'Kept token');
      await api.tree.view.reveal(groups, { expand: false, select: false, focus: false });
      const secret = await walkTree(api, 'test-admin', 'demo', 'reader', 'Token Secrets', 'reader-token');
      await api.tree.view.reveal(secret, { expand: false, select: true, focus: true });
      // Wide enough for the descriptions (kept token expiry, granted role) to show in full.
      // The headless page has no window focus, so the resize commands act on the editor part:
      // narrowing the editor widens the side bar.
      for (let i = 0; i < 3; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth');
      await noToasts();
      const shot = await waitFor(async () => {
        // A live update of the view (other tests' ServiceAccounts arriving through the watch) can land
        // while VS Code expands a revealed node; revealing again is idempotent.
        await api.tree.view.reveal(groups, { expand: false, select: false, focus: false });
        await api.tree.view.reveal(secret, { expand: false, select: true, focus: true });
        const c = await captureWorkbench('readme-tree', { selector: '[id="workbench.view.extension.k8sTokens"] .monaco-list-row' });
        const rows = c.texts.join('\n');
        return ['test-admin', 'demo', 'payments', 'ci-deployer', 'Kept token', 'Bindings', 'Role ci-deployer', 'Via groups', 'reader', 'Token Secrets', 'reader-token'].every((t) => rows.includes(t)) ? c : undefined;
      }, 'the expanded rows in the view', 20_000);
      const rows = shot.texts.join(' | ');
      assert.match(rows, /ci-deployer\s*1 kept token/, rows);
      assert.match(rows, /Kept token\s*expires in/, rows);
      assert.match(rows, /reader-token\s*last used/, rows);
      assert.ok(fs.statSync(shot.screenshotPath).size > 10_000);
    } finally {
      if (minted.status === 'minted' && minted.kept) await api.tokenStore.forget(minted.kept.id);
    }
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

  it('captures the multi-step mint input', async () => {
    await testCluster();
    const api = await getApi();
    await sessionQuiet(api);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    const running = vscode.commands.executeCommand<MintOutcome>(CommandIds.mintToken, { context: 'test-admin', namespace: 'demo', serviceAccount: 'ci-deployer' });
    await noToasts();
    const shot = await waitFor(async () => {
      const c = await captureWorkbench('readme-mint-steps', { selector: '.quick-input-widget .quick-input-title, .quick-input-widget .monaco-list-row' });
      return c.texts.some((t) => t.includes('Mint token for demo/ci-deployer (1/3)')) && c.texts.some((t) => t.includes('default (k8sTokens.mint.defaultDuration)')) ? c : undefined;
    }, 'the first step of the mint input', 20_000);
    assert.ok(shot.texts.some((t) => /^10m/.test(t)) && shot.texts.some((t) => /^7d/.test(t)), shot.texts.join(' | '));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await running, undefined, 'Escape ends the flow without minting');
  });

  it('captures the result panel of a clamped, pod-bound mint [testserver-only]', async () => {
    const cluster = testserverOnly(await testCluster());
    const api = await getApi();
    await sessionQuiet(api);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    cluster.configure({ maxTokenExpirationSeconds: 86400 });
    const opened = new Promise<MintResultPanel>((resolve) => {
      const sub = api.tokens.results.onDidOpen((p) => {
        sub.dispose();
        resolve(p);
      });
    });
    try {
      await vscode.commands.executeCommand(CommandIds.mintToken, { context: 'test-admin', namespace: 'demo', serviceAccount: 'ci-deployer', duration: '2d', bind: { kind: 'Pod', name: 'web-0' }, show: true });
    } finally {
      cluster.configure({ maxTokenExpirationSeconds: 0 });
    }
    const panel = await opened;
    await until(() => panel.isReady, 'the result webview to say ready', 20_000);
    await noToasts();
    const shot = await waitFor(async () => {
      const c = await captureWorkbench('readme-mint-result', { frameUrlIncludes: 'webview', selector: 'main' });
      const text = c.texts.join('\n');
      return text.includes('Bound to Pod web-0') && text.includes('shortened the lifetime') ? c : undefined;
    }, 'the result panel with the clamp and the binding', 20_000);
    assert.match(shot.texts.join('\n'), /1d \(requested 2d\)/);
    assert.ok(fs.statSync(shot.screenshotPath).size > 10_000);
    panel.dispose();
    await vscode.commands.executeCommand('workbench.view.extension.k8sTokens');
  });
});
