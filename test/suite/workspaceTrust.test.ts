/**
 * Restricted Mode, as far as the host tier can show it. The harness turns workspace trust off
 * (`security.workspace.trust.enabled: false`), so every workspace here is trusted and VS Code never
 * drops a restricted workspace value itself. What this file proves in the real workbench:
 * - the extension's manifest declares limited support and the settings a workspace must not decide;
 * - a workspace's k8sTokens.kubeconfigPaths reaches the session through inspect() (trusted), with
 *   relative paths resolved against the workspace folder;
 * - the same real inspect() values, decided as untrusted, leave the workspace's files out and name them.
 * The decision itself is unit-tested in test/unit/restrictedSettings.test.ts; a real untrusted
 * window is the Restricted Mode suite (test/untrusted/, `npm run test:host -- --untrusted`), whose
 * "never runs the exec plugin" this file's last test controls: the same plugin does run when trusted.
 * Not shown anywhere automatically: that a trust grant reloads the session (checked by hand).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/common/commandIds';
import type { MintOutcome } from '../../src/tokens/mint';
import { EXTENSION_ID, adminContextLoaded, getApi, resetKubeconfigs, sessionQuiet, testCluster, until } from './helpers';

interface Manifest {
  capabilities?: { untrustedWorkspaces?: { supported?: unknown; description?: unknown; restrictedConfigurations?: unknown } };
  contributes: { configuration: { properties: Record<string, unknown> } | { properties: Record<string, unknown> }[] };
}

describe('Restricted Mode (workspace trust)', () => {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const settingsDir = path.join(folder, '.vscode');
  const hadSettingsDir = fs.existsSync(settingsDir);
  const section = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('k8sTokens');

  after(async () => {
    await section().update('kubeconfigPaths', undefined, vscode.ConfigurationTarget.Workspace);
    await resetKubeconfigs();
    // The fixture workspace is shared: leave it as it was.
    if (!hadSettingsDir) fs.rmSync(settingsDir, { recursive: true, force: true });
    const api = await getApi();
    await adminContextLoaded(api);
    await sessionQuiet(api);
  });

  it('declares limited support, restricting the kubeconfig paths and the hover line limit', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as Manifest;
    const trust = manifest.capabilities?.untrustedWorkspaces;
    assert.equal(trust?.supported, 'limited');
    // packageJSON comes with its %keys% already replaced from package.nls.json.
    assert.match(String(trust?.description), /^In Restricted Mode, kubeconfig files named in this workspace's settings are not read/);
    const restricted = trust?.restrictedConfigurations;
    assert.ok(Array.isArray(restricted));
    assert.deepEqual([...restricted].sort(), ['k8sTokens.hover.maxLineLength', 'k8sTokens.kubeconfigPaths']);
    const blocks = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
    for (const key of restricted) assert.ok(blocks.some((b) => key in b.properties), `${key} is a contributed setting`);
  });

  it("reads a trusted workspace's kubeconfig paths through inspect(), and the same values untrusted leave them out", async () => {
    assert.equal(vscode.workspace.isTrusted, true, 'the harness disables workspace trust: every workspace is trusted');
    const cluster = await testCluster();
    const api = await getApi();
    await adminContextLoaded(api);
    const userPaths = api.services.config.kubeconfigPathsDecision().paths;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trust-'));
    const wsKubeconfig = cluster.writeKubeconfig(path.join(dir, 'workspace.kubeconfig'), { contextName: 'from-workspace' });
    await section().update('kubeconfigPaths', [wsKubeconfig, 'team/kubeconfig'], vscode.ConfigurationTarget.Workspace);

    const inspected = section().inspect<string[]>('kubeconfigPaths');
    assert.deepEqual(inspected?.workspaceValue, [wsKubeconfig, 'team/kubeconfig']);
    const trusted = api.services.config.kubeconfigPathsDecision();
    assert.deepEqual(trusted, { paths: [wsKubeconfig, path.join(folder, 'team', 'kubeconfig')], ignored: [], source: 'workspace' });
    await until(() => api.services.session.connections().kubeconfigs.contexts.some((c) => c.name === 'from-workspace'), 'the workspace kubeconfig read by the session');

    const untrusted = api.services.config.kubeconfigPathsDecision(false);
    assert.deepEqual(untrusted.ignored, [wsKubeconfig, path.join(folder, 'team', 'kubeconfig')]);
    assert.deepEqual(untrusted.paths, userPaths, "untrusted: the user's paths only");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("never copies a workspace's kubeconfig paths into the user's settings when a file is added", async () => {
    await testCluster();
    await section().update('kubeconfigPaths', ['/repo/planted.kubeconfig'], vscode.ConfigurationTarget.Workspace);
    const before = section().inspect<string[]>('kubeconfigPaths')?.globalValue ?? [];
    await vscode.commands.executeCommand(CommandIds.addKubeconfig, ['/home/me/added.kubeconfig']);
    const after = section().inspect<string[]>('kubeconfigPaths');
    assert.deepEqual(after?.globalValue, [...before, '/home/me/added.kubeconfig']);
    assert.deepEqual(after?.workspaceValue, ['/repo/planted.kubeconfig']);
  });

  it("runs the exec plugin of a trusted workspace's kubeconfig (the control of the untrusted suite's 'never runs')", async () => {
    await testCluster();
    const api = await getApi();
    const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'exec-marker-')), 'exec-plugin-ran');
    process.env.K8S_TOKENS_EXEC_MARKER = marker;
    const kubeconfig = path.resolve(folder, '..', 'untrusted-workspace', 'workspace.kubeconfig');
    await section().update('kubeconfigPaths', [kubeconfig], vscode.ConfigurationTarget.Workspace);
    await until(() => api.services.session.connections().kubeconfigs.contexts.some((c) => c.name === 'from-workspace'), 'the workspace kubeconfig read by the session');
    const r = await vscode.commands.executeCommand<MintOutcome>(CommandIds.mintToken, { context: 'from-workspace', namespace: 'demo', serviceAccount: 'reader', duration: '1h' });
    assert.equal(r?.status, 'failed', 'its server is a closed port');
    assert.ok(fs.existsSync(marker), 'the exec plugin ran before the request');
  });
});
