/**
 * Smoke test of the PACKAGED extension: the .vsix installed with `code-server --install-extension`,
 * not the source tree. scripts/run-vsix-smoke.mjs sets K8S_TOKENS_EXTENSIONS_DIR (where it installed
 * the .vsix) and K8S_TOKENS_REPO (the source tree, which must not be what runs).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';

const EXTENSION_ID = 'k8s-sa-tokens.k8s-sa-tokens';

interface Manifest {
  displayName: string;
  contributes: { commands: { command: string }[] };
}

function requiredEnv(name: string): string {
  const v = process.env[name];
  assert.ok(v, `${name} is set by scripts/run-vsix-smoke.mjs`);
  return v;
}

function installed(): vscode.Extension<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  return ext;
}

describe('Packaged extension (.vsix)', () => {
  it('runs from the extensions folder, not from the source tree', () => {
    const extensionsDir = fs.realpathSync(requiredEnv('K8S_TOKENS_EXTENSIONS_DIR'));
    const extPath = fs.realpathSync(installed().extensionPath);
    assert.ok(extPath.startsWith(extensionsDir + path.sep), `${extPath} is inside ${extensionsDir}`);
    assert.notEqual(extPath, fs.realpathSync(requiredEnv('K8S_TOKENS_REPO')));
    assert.ok(fs.existsSync(path.join(extPath, 'dist', 'extension.js')), 'dist/extension.js is installed');
    for (const absent of ['src', 'node_modules', 'out', 'test', 'dist/extension.js.map']) {
      assert.equal(fs.existsSync(path.join(extPath, absent)), false, `${absent} is not in the package`);
    }
  });

  it('has its manifest strings localized from package.nls.json', () => {
    const manifest = installed().packageJSON as Manifest;
    assert.ok(manifest.displayName && !manifest.displayName.startsWith('%'), `displayName resolved: ${manifest.displayName}`);
  });

  it('activates without loading the cluster layer (dist/kube.js)', async () => {
    const ext = installed();
    const api = ext.isActive ? ext.exports : await ext.activate();
    assert.equal(ext.isActive, true);
    assert.equal(api.services.session.isLoaded, false, 'ClusterSession has not required dist/kube.js');
    const kubeBundle = fs.realpathSync(path.join(ext.extensionPath, 'dist', 'kube.js'));
    const loaded = Object.keys(require.cache).filter((p) => p === kubeBundle || p.includes(`${path.sep}@kubernetes${path.sep}client-node${path.sep}`));
    assert.deepEqual(loaded, [], 'no cluster-layer module is in require.cache');
  });

  it('registers every command it declares', async () => {
    const ext = installed();
    if (!ext.isActive) await ext.activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = (ext.packageJSON as Manifest).contributes.commands.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'declared in package.json but not registered');
  });

  it('contributes the k8sTokens view container with the ServiceAccounts view', async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    assert.ok(commands.has('workbench.view.extension.k8sTokens'), 'view container command exists');
    assert.ok(commands.has('k8sTokens.serviceAccounts.focus'), 'view focus command exists');
    await vscode.commands.executeCommand('workbench.view.extension.k8sTokens');
  });
});
