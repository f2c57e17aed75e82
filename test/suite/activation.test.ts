/**
 * Smoke test of the extension in a real VS Code: it activates, its commands match the manifest
 * in both directions, and its view container can be shown.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, getApi, waitFor } from './helpers';

interface Manifest {
  contributes: {
    commands: { command: string }[];
    viewsContainers: { activitybar: { id: string }[] };
    views: Record<string, { id: string }[]>;
  };
}

function manifest(): Manifest {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not known to this extension host`);
  return ext.packageJSON as Manifest;
}

describe('Activation', () => {
  it('activates and returns its API', async () => {
    const api = await getApi();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.ok(api.services.session, 'the API exposes the cluster session');
    assert.ok(api.tree, 'the API exposes the tree');
  });

  it('registers every command of contributes.commands', async () => {
    await getApi();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest().contributes.commands.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'declared in package.json but not registered');
  });

  it('declares in contributes.commands every k8sTokens.* command it registers', async () => {
    await getApi();
    const declared = new Set(manifest().contributes.commands.map((c) => c.command));
    // VS Code adds `<viewId>.focus`, `.resetViewLocation` etc. for our views, and
    // `workbench.view.extension.k8sTokens` for the container: those are not ours to declare.
    const viewIds = Object.values(manifest().contributes.views).flat().map((v) => v.id);
    const viewCommandSuffixes = ['focus', 'resetViewLocation', 'toggleVisibility', 'removeView', 'open'];
    const generated = (id: string): boolean => viewIds.some((v) => viewCommandSuffixes.some((s) => id === `${v}.${s}`));
    const undeclared = (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('k8sTokens.') && !declared.has(id) && !generated(id));
    assert.deepEqual(undeclared, [], 'registered but not declared in package.json');
  });

  it('shows the k8sTokens view container with the ServiceAccounts view', async () => {
    const containers = manifest().contributes.viewsContainers.activitybar.map((c) => c.id);
    assert.deepEqual(containers, ['k8sTokens']);
    const commands = new Set(await vscode.commands.getCommands(true));
    assert.ok(commands.has('workbench.view.extension.k8sTokens'), 'the view container is registered');
    await vscode.commands.executeCommand('workbench.view.extension.k8sTokens');
    // The focus command of the view exists once the workbench knows the view.
    await waitFor(
      async () => ((await vscode.commands.getCommands(true)).includes('k8sTokens.serviceAccounts.focus') ? true : undefined),
      'the k8sTokens.serviceAccounts view',
    );
    await vscode.commands.executeCommand('k8sTokens.serviceAccounts.focus');
  });
});
