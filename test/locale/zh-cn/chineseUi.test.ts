/**
 * The extension in a Simplified Chinese workbench (code-server --locale zh-cn with a minimal local
 * language pack: VS Code's own UI stays English, the extension's strings come from
 * package.nls.zh-cn.json and l10n/bundle.l10n.zh-cn.json). Takes the README's Chinese screenshot,
 * test-results/ui/tree-zh-cn.png: the ServiceAccounts tree and the hover of a token side by side.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import type { TreeNode } from '../../../src/tree/model';
import { captureWorkbench, getApi, sessionQuiet, testCluster, until, waitFor } from '../../suite/helpers';
import { noToasts } from '../../suite/workbenchShots';

async function walk(api: ExtensionApi, ...labels: string[]): Promise<TreeNode> {
  const labelOf = (n: TreeNode): string => {
    const l = api.tree.provider.getTreeItem(n).label;
    return typeof l === 'string' ? l : (l?.label ?? '');
  };
  let node: TreeNode | undefined;
  for (const label of labels) {
    const parent = node;
    node = await until(async () => ((await api.tree.provider.getChildren(parent)) ?? []).find((c) => labelOf(c) === label), `tree node ${labels.join(' > ')}`);
  }
  return node as TreeNode;
}

describe('Chinese UI (zh-cn)', () => {
  it('runs the extension host in zh-cn', () => {
    assert.equal(vscode.env.language, 'zh-cn');
  });

  it('shows the ServiceAccounts tree and a token hover in Chinese, with CJK text drawn', async () => {
    await testCluster();
    const api = await getApi();
    await sessionQuiet(api);
    const kube = api.services.session.module();
    const client = api.services.session.connections().client('test-admin');
    const { token } = await kube.requestToken(client, { namespace: 'demo', serviceAccount: 'ci-deployer', expirationSeconds: 7200, boundObjectRef: { kind: 'Pod', name: 'web-0' } });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zh-cn-hover-')), 'deploy-token.yaml');
    fs.writeFileSync(file, `# 用 Kubernetes SA Tokens 签发：demo/ci-deployer\nci:\n  token: ${token}\n`);

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.view.extension.k8sTokens');
    api.tree.refresh();
    const binding = await walk(api, 'test-admin', 'demo', 'ci-deployer', '绑定', 'demo/ci-deployer');
    await api.tree.view.reveal(binding, { expand: false, select: false, focus: false });
    const secret = await walk(api, 'test-admin', 'demo', 'reader', '令牌 Secret', 'reader-token');
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
