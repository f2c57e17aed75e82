import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { decideKubeconfigPaths, effectiveValue, type KubeconfigPathsDecision } from './restrictedSettings';

/** Setting keys, relative to the `k8sTokens` section. Kept equal to package.json. */
export const SettingKeys = {
  kubeconfigPaths: 'kubeconfigPaths',
  namespaceFilter: 'namespaceFilter',
  pageSize: 'pageSize',
  requestTimeoutSeconds: 'requestTimeoutSeconds',
  mintDefaultDuration: 'mint.defaultDuration',
  hoverEnabled: 'hover.enabled',
  hoverLanguages: 'hover.languages',
  hoverMaxLineLength: 'hover.maxLineLength',
  hoverSchemes: 'hover.schemes',
  kubeconfigLensEnabled: 'kubeconfigLens.enabled',
  diagnosticsEnabled: 'diagnostics.enabled',
  expiryNotifyBeforeMinutes: 'expiry.notifyBeforeMinutes',
  statusBarEnabled: 'statusBar.enabled',
} as const;

export const SECTION = 'k8sTokens';

/** Typed read access to the extension's settings. Reads fresh values on every access. */
export class Config {
  private get cfg(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }
  private read<T>(key: string, fallback: T): T {
    // `get` with a default never returns undefined, but a user can write a value of the wrong type.
    const v = this.cfg.get<T>(key, fallback);
    return typeof v === typeof fallback || (Array.isArray(fallback) && Array.isArray(v)) ? v : fallback;
  }
  /**
   * A setting listed in package.json `restrictedConfigurations`: in a workspace that is not trusted,
   * only the user's value counts (src/common/restrictedSettings.ts).
   */
  private readRestricted<T>(key: string, fallback: T): T {
    const v = effectiveValue(this.cfg.inspect(key), vscode.workspace.isTrusted);
    return typeof v === typeof fallback ? (v as T) : fallback;
  }
  /**
   * The extra kubeconfig files (absolute), and those of the workspace that Restricted Mode does not
   * read. `trusted` is the workspace's trust; tests pass false to see the untrusted decision.
   */
  kubeconfigPathsDecision(trusted = vscode.workspace.isTrusted): KubeconfigPathsDecision {
    return decideKubeconfigPaths({ inspected: this.cfg.inspect(SettingKeys.kubeconfigPaths), trusted, home: os.homedir(), workspaceBase: workspaceBase() });
  }
  get kubeconfigPaths(): string[] {
    return this.kubeconfigPathsDecision().paths;
  }
  /** The user's own list (the value in user settings), as written there. */
  get userKubeconfigPaths(): string[] {
    const v = this.cfg.inspect(SettingKeys.kubeconfigPaths)?.globalValue;
    return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string' && p.length > 0) : [];
  }
  get namespaceFilter(): string[] {
    return this.read<string[]>(SettingKeys.namespaceFilter, []).filter((p) => typeof p === 'string' && p.length > 0);
  }
  get pageSize(): number {
    return Math.max(10, this.read(SettingKeys.pageSize, 200));
  }
  get requestTimeoutMs(): number {
    return Math.max(1, this.read(SettingKeys.requestTimeoutSeconds, 20)) * 1000;
  }
  get mintDefaultDuration(): string {
    return this.read(SettingKeys.mintDefaultDuration, '1h');
  }
  get hoverEnabled(): boolean {
    return this.read(SettingKeys.hoverEnabled, true);
  }
  get hoverLanguages(): string[] {
    return this.read<string[]>(SettingKeys.hoverLanguages, ['*']);
  }
  get hoverMaxLineLength(): number {
    // Restricted: it bounds the work done on the workspace's own (possibly hostile) files.
    return this.readRestricted(SettingKeys.hoverMaxLineLength, 20000);
  }
  get hoverSchemes(): string[] {
    return this.read<string[]>(SettingKeys.hoverSchemes, ['*']);
  }
  get kubeconfigLensEnabled(): boolean {
    return this.read(SettingKeys.kubeconfigLensEnabled, true);
  }
  get diagnosticsEnabled(): boolean {
    return this.read(SettingKeys.diagnosticsEnabled, true);
  }
  get expiryNotifyBeforeMinutes(): number {
    return this.read(SettingKeys.expiryNotifyBeforeMinutes, 10);
  }
  get statusBarEnabled(): boolean {
    return this.read(SettingKeys.statusBarEnabled, true);
  }
  async update(key: string, value: unknown, target = vscode.ConfigurationTarget.Global): Promise<void> {
    await this.cfg.update(key, value, target);
  }
  /** True when the change event touches `k8sTokens.<key>`. */
  static affects(e: vscode.ConfigurationChangeEvent, key: string): boolean {
    return e.affectsConfiguration(`${SECTION}.${key}`);
  }
}

/** What relative kubeconfig paths in workspace settings mean: the .code-workspace file's folder, else the first folder. */
function workspaceBase(): string | undefined {
  const file = vscode.workspace.workspaceFile;
  if (file?.scheme === 'file') return path.dirname(file.fsPath);
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return folder?.uri.fsPath;
}
