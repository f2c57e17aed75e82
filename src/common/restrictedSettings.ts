/**
 * What a workspace may decide, and what only the user may (Restricted Mode). A kubeconfig names an
 * exec plugin, a program the extension runs to get credentials: a kubeconfig path taken from a
 * workspace's settings would let any cloned repository run code. So, in a workspace that is not
 * trusted, the settings listed in package.json `capabilities.untrustedWorkspaces.restrictedConfigurations`
 * are read from the user's settings only. VS Code already drops such workspace values for untrusted
 * workspaces; this is the second line, and it names what was ignored so the view can say so.
 * Plain Node (no vscode): the values come from `WorkspaceConfiguration.inspect()`.
 * Unit-tested in test/unit/restrictedSettings.test.ts.
 */
import * as path from 'node:path';

/** The part of `vscode.WorkspaceConfiguration.inspect()` that decides a window-scoped value. */
export interface InspectedSetting {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** The value in effect: a workspace value only when the workspace is trusted (folder > workspace > user > default). */
export function effectiveValue(inspected: InspectedSetting | undefined, trusted: boolean): unknown {
  if (!inspected) return undefined;
  if (trusted) {
    if (inspected.workspaceFolderValue !== undefined) return inspected.workspaceFolderValue;
    if (inspected.workspaceValue !== undefined) return inspected.workspaceValue;
  }
  return inspected.globalValue !== undefined ? inspected.globalValue : inspected.defaultValue;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string' && p.trim().length > 0) : []);

/**
 * An absolute path for a listed kubeconfig: `~` and `~/…` are the home folder; other relative paths
 * are resolved against `base` (never against the extension host's working directory, which is
 * whatever VS Code was started from).
 */
export function resolveListedPath(p: string, home: string, base: string): string {
  const t = p.trim();
  if (t === '~') return home;
  if (t.startsWith('~/')) return path.join(home, t.slice(2));
  return path.resolve(base, t);
}

export interface KubeconfigPathsInput {
  inspected: InspectedSetting | undefined;
  trusted: boolean;
  home: string;
  /**
   * What relative paths of a workspace value are resolved against: the folder of the
   * .code-workspace file, else the (first) workspace folder. Relative paths of the user's value
   * are resolved against the home folder: a user setting belongs to no workspace.
   */
  workspaceBase?: string;
}

export interface KubeconfigPathsDecision {
  /** The absolute paths to read, in order. */
  paths: string[];
  /** Paths a workspace lists that are not read because the workspace is not trusted. */
  ignored: string[];
  /** Where `paths` came from. */
  source: 'workspace' | 'user' | 'default';
}

/** The kubeconfig files the settings add to KUBECONFIG / ~/.kube/config, and those Restricted Mode ignores. */
export function decideKubeconfigPaths({ inspected, trusted, home, workspaceBase }: KubeconfigPathsInput): KubeconfigPathsDecision {
  const fromWorkspace = inspected?.workspaceFolderValue !== undefined ? inspected.workspaceFolderValue : inspected?.workspaceValue;
  const base = workspaceBase ?? home;
  const workspacePaths = strings(fromWorkspace).map((p) => resolveListedPath(p, home, base));
  const user = (v: unknown): string[] => strings(v).map((p) => resolveListedPath(p, home, home));
  const unique = (list: string[]): string[] => [...new Set(list)];
  if (fromWorkspace !== undefined && trusted) return { paths: unique(workspacePaths), ignored: [], source: 'workspace' };
  const ignored = trusted ? [] : unique(workspacePaths);
  if (inspected?.globalValue !== undefined) return { paths: unique(user(inspected.globalValue)), ignored, source: 'user' };
  return { paths: unique(user(inspected?.defaultValue)), ignored, source: 'default' };
}
