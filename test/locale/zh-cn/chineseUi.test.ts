/**
 * The extension in a Simplified Chinese workbench (code-server --locale zh-cn with a minimal local
 * language pack: VS Code's own UI stays English, the extension's strings come from
 * package.nls.zh-cn.json and l10n/bundle.l10n.zh-cn.json). Takes the README's Chinese screenshot,
 * test-results/ui/tree-zh-cn.png: the ServiceAccounts tree and the hover of a token side by side.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { captureWorkbench, getApi, sessionQuiet, testCluster, waitFor } from '../../suite/helpers';
import { noToasts, podBoundTokenFile, walkTree } from '../../suite/workbenchShots';

describe('Chinese UI (zh-cn)', () => {
  it('runs the extension host in zh-cn', () => {
    assert.equal(vscode.env.language, 'zh-cn');
  });

  it('shows the ServiceAccounts tree and a token hover in Chinese, with CJK text drawn', async () => {
    await testCluster();
    const api = await getApi();
    await sessionQuiet(api);
    const file = await podBoundTokenFile(api, '用 Kubernetes SA Tokens 签发：demo/ci-deployer');

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.view.extension.k8sTokens');
    api.tree.refresh();
    const binding = await walkTree(api, 'test-admin', 'demo', 'ci-deployer', '绑定', 'demo/ci-deployer');
    await api.tree.view.reveal(binding, { expand: false, select: false, focus: false });
    const secret = await walkTree(api, 'test-admin', 'demo', 'reader', '令牌 Secret', 'reader-token');
    await api.tree.view.reveal(secret, { expand: false, select: true, focus: false });

    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(file)));
    // Wide enough for the tree's descriptions; the headless page has no window focus, so the resize
    // commands act on the editor part: narrowing the editor widens the side bar.
    for (let i = 0; i < 3; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth');
    const at = new vscode.Position(2, 20);
    editor.selection = new vscode.Selection(at, at);
    await noToasts();
    await vscode.commands.executeCommand('editor.action.showHover');
    const rows = '[id="workbench.view.extension.k8sTokens"] .monaco-list-row';
    const hover = '.monaco-hover .rendered-markdown';
    const title = '[id="workbench.parts.sidebar"] .title-label';
    const shot = await waitFor(async () => {
      const c = await captureWorkbench('tree-zh-cn', { selector: `${title}, ${rows}, ${hover}` });
      const text = c.texts.join('\n');
      return ['SA 令牌', '令牌 Secret', '绑定', 'reader-token', '解码', '向集群检查', 'web-0'].every((t) => text.includes(t)) ? c : undefined;
    }, 'the Chinese tree and hover in the workbench', 20_000);
    assert.match(shot.texts.join('\n'), /上次使用/);
    assert.ok(fs.statSync(shot.screenshotPath).size > 10_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
