/**
 * Restricted Mode in a real untrusted window: test/fixtures/untrusted-workspace sets
 * k8sTokens.kubeconfigPaths to its own kubeconfig, whose exec plugin touches $K8S_TOKENS_EXEC_MARKER,
 * and raises k8sTokens.hover.maxLineLength. The extension must read neither, say so in the view and
 * in the error of a command aimed at that kubeconfig's context, never run the plugin, and keep
 * working with the user's own kubeconfig (the test cluster's, in user settings).
 * The positive control (the same plugin does run when the workspace is trusted) is in
 * test/suite/workspaceTrust.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/common/commandIds';
import type { MintOutcome } from '../../src/tokens/mint';
import { adminContextLoaded, captureWorkbench, getApi, sessionQuiet, testCluster } from '../suite/helpers';
import { notificationShowing } from '../suite/workbenchShots';

const folder = (): string => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';

describe('Restricted Mode (untrusted workspace)', () => {
  const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'exec-marker-')), 'exec-plugin-ran');
  before(() => {
    // Exec plugins inherit the extension host's environment.
    process.env.K8S_TOKENS_EXEC_MARKER = marker;
  });

  it('opens the fixture workspace untrusted, whose settings do name a kubeconfig and a line limit', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const settings = JSON.parse(fs.readFileSync(path.join(folder(), '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(settings['k8sTokens.kubeconfigPaths'], ['./workspace.kubeconfig'], 'the test is not vacuous: the workspace does set it');
    // VS Code drops a restricted setting's workspace value in Restricted Mode, for inspect() too.
    const cfg = vscode.workspace.getConfiguration('k8sTokens');
    assert.equal(cfg.inspect('kubeconfigPaths')?.workspaceValue, undefined);
    assert.equal(cfg.inspect('hover.maxLineLength')?.workspaceValue, undefined);
  });

  it("reads the user's kubeconfig, not the workspace's, and says so in the view", async () => {
    await testCluster();
    const api = await getApi();
    await adminContextLoaded(api);
    await sessionQuiet(api);
    assert.equal(api.services.config.hoverMaxLineLength, 20000, "the workspace's limit is not used");
    const conns = api.services.session.connections();
    assert.ok(!conns.files.some((f) => f.startsWith(folder())), `no workspace file read: ${conns.files.join(', ')}`);
    assert.ok(!conns.kubeconfigs.contexts.some((c) => c.name === 'from-workspace'));
    assert.ok(conns.restricted, 'the session knows it is restricted');

    await vscode.commands.executeCommand('workbench.view.extension.k8sTokens');
    api.tree.refresh();
    const roots = await api.tree.provider.getChildren();
    const labels = roots.map((n) => api.tree.provider.getTreeItem(n)).map((t) => `${String(typeof t.label === 'string' ? t.label : t.label?.label)}|${String(t.description)}|${t.command?.command ?? ''}`);
    assert.ok(labels.some((l) => l.startsWith('test-admin|')), labels.join('\n'));
    assert.ok(
      labels.some((l) => /^Restricted Mode\|Kubeconfig files named in this workspace's settings are not read: their exec plugins would run programs chosen by the workspace\. Trust the workspace to use them\.\|workbench\.trust\.manage$/.test(l)),
      labels.join('\n'),
    );
    const shot = await captureWorkbench('restricted-mode-tree', { selector: '[id="workbench.view.extension.k8sTokens"] .monaco-list-row' });
    assert.match(shot.texts.join('\n'), /Restricted Mode/);
  });

  it("explains a command aimed at the workspace kubeconfig's context, and never runs its exec plugin", async () => {
    const api = await getApi();
    // Every cluster command gets its client this way.
    assert.throws(() => api.services.session.connections().client('from-workspace'), /No context named "from-workspace".*not read in Restricted Mode/s);
    // The command reports that error in a notification.
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand(CommandIds.mintToken, { context: 'from-workspace', namespace: 'demo', serviceAccount: 'reader', duration: '1h' });
    await notificationShowing('restricted-mode-error', 'not read in Restricted Mode');
    // The user's own cluster still works.
    const ok = await vscode.commands.executeCommand<MintOutcome>(CommandIds.mintToken, { context: 'test-admin', namespace: 'demo', serviceAccount: 'reader', duration: '1h' });
    assert.equal(ok?.status, 'minted');
    api.tree.refresh();
    await api.tree.provider.getChildren();
    assert.equal(fs.existsSync(marker), false, 'the exec plugin of the workspace kubeconfig never ran');
  });
});
