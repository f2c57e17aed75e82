/** Command handlers of the ServiceAccounts view that are more than one line. */
import * as vscode from 'vscode';
import { SettingKeys, type Config } from '../common/config';
import type { RoleRef } from '../kube/bindings';
import type { ClusterSession } from '../kube/session';
import { useContext } from './currentContext';
import { contextOf, type TreeNode } from './model';
import type { ServiceAccountTreeProvider } from './provider';
import type { RoleDocuments } from './roleDocument';

const asStrings = (v: unknown): string[] | undefined =>
  typeof v === 'string' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

const isNode = (v: unknown): v is TreeNode => typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string';

/** How long the filter picker waits for a context's namespaces before it shows what it has. */
const PICKER_LOAD_MS = 5000;

/**
 * The namespaces of every context, each as soon as its cache has listed them (the picker must
 * not depend on a context having been expanded). Contexts that fail or are slow are skipped.
 */
function loadNamespaces(session: ClusterSession, onNames: (names: string[]) => void): Promise<void> {
  let contexts: string[];
  try {
    contexts = session.connections().kubeconfigs.contexts.map((c) => c.name);
  } catch {
    return Promise.resolve();
  }
  const signal = AbortSignal.timeout(PICKER_LOAD_MS);
  return Promise.allSettled(
    contexts.map(async (ctx) => {
      const cache = session.connections().cache(ctx);
      const lease = cache.watchNamespaces();
      try {
        onNames((await cache.namespaces(signal)).map((n) => n.name));
      } finally {
        lease.dispose();
      }
    }),
  ).then(() => undefined);
}

/**
 * Sets k8sTokens.namespaceFilter. With `patterns` (a string or a list) it writes them directly;
 * otherwise a multi-select quick pick offers the namespaces of every context (loaded while it is
 * open) and accepts typed patterns.
 */
export async function filterNamespaces(config: Config, provider: ServiceAccountTreeProvider, session: ClusterSession, patterns?: unknown): Promise<string[] | undefined> {
  const given = asStrings(patterns);
  if (given) {
    await config.update(SettingKeys.namespaceFilter, given);
    return given;
  }
  const current = config.namespaceFilter;
  const known = new Set([...current, ...provider.knownNamespaces()]);
  let base = [...known].sort().map((label) => ({ label }));
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem>();
  qp.canSelectMany = true;
  qp.title = vscode.l10n.t('Show only these namespaces');
  qp.placeholder = vscode.l10n.t('Pick namespaces, or type a name or pattern such as team-* and press Enter');
  let selected = new Set(current);
  const build = (typed: string): void => {
    const extra = typed && !base.some((i) => i.label === typed) ? [{ label: typed, description: vscode.l10n.t('pattern') }] : [];
    qp.items = [...extra, ...base];
    qp.selectedItems = qp.items.filter((i) => selected.has(i.label));
  };
  build('');
  qp.busy = true;
  void loadNamespaces(session, (names) => {
    const before = known.size;
    for (const n of names) known.add(n);
    if (known.size === before) return;
    base = [...known].sort().map((label) => ({ label }));
    build(qp.value.trim());
  }).finally(() => (qp.busy = false));
  const result = await new Promise<string[] | undefined>((resolve) => {
    qp.onDidChangeSelection((items) => (selected = new Set(items.map((i) => i.label))));
    qp.onDidChangeValue((v) => build(v.trim()));
    qp.onDidAccept(() => {
      const typed = qp.value.trim();
      if (typed) selected.add(typed);
      resolve([...selected]);
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (result === undefined) return undefined;
  await config.update(SettingKeys.namespaceFilter, result);
  return result;
}

export async function clearNamespaceFilter(config: Config): Promise<void> {
  await config.update(SettingKeys.namespaceFilter, undefined);
}

/** Makes a context the current one in the kubeconfig file that decides it. Returns that file. */
export async function useContextCommand(session: ClusterSession, arg?: unknown): Promise<{ context: string; file: string } | undefined> {
  const name = typeof arg === 'string' ? arg : isNode(arg) ? contextOf(arg) : undefined;
  if (!name) return undefined;
  const loaded = session.connections().kubeconfigs;
  const entry = loaded.contexts.find((c) => c.name === name);
  if (!entry) throw new Error(vscode.l10n.t('No context named "{0}".', name));
  const file = await useContext(loaded.files, entry.file, name);
  void vscode.window.showInformationMessage(vscode.l10n.t('"{0}" is now the current context (written to {1}).', name, file));
  session.reload();
  return { context: name, file };
}

/** Adds kubeconfig files to k8sTokens.kubeconfigPaths (from the argument or an open dialog). */
export async function addKubeconfig(config: Config, paths?: unknown): Promise<string[] | undefined> {
  let chosen = asStrings(paths);
  if (!chosen) {
    const uris = await vscode.window.showOpenDialog({ canSelectMany: true, openLabel: vscode.l10n.t('Add Kubeconfig'), title: vscode.l10n.t('Add kubeconfig files') });
    chosen = uris?.map((u) => u.fsPath);
  }
  if (!chosen?.length) return undefined;
  // The user's list only: the effective one may come from the workspace's settings, which must
  // never be copied into the user's (that would carry a workspace's kubeconfig into every window).
  const all = [...new Set([...config.userKubeconfigPaths, ...chosen])];
  await config.update(SettingKeys.kubeconfigPaths, all);
  return all;
}

interface RoleTarget {
  context: string;
  roleRef: RoleRef;
  namespace?: string;
}

function roleTarget(arg: unknown): RoleTarget | undefined {
  if (isNode(arg) && arg.kind === 'binding') {
    const context = contextOf(arg);
    return context ? { context, roleRef: arg.binding.roleRef, namespace: arg.binding.namespace } : undefined;
  }
  const o = arg as Partial<RoleTarget> | undefined;
  if (o && typeof o.context === 'string' && o.roleRef && typeof o.roleRef.name === 'string') {
    return { context: o.context, roleRef: { kind: o.roleRef.kind === 'Role' ? 'Role' : 'ClusterRole', name: o.roleRef.name }, namespace: o.namespace };
  }
  return undefined;
}

/** Opens the Role or ClusterRole a binding grants, as YAML in a read-only editor. */
export async function openBindingRole(session: ClusterSession, roles: RoleDocuments, arg?: unknown): Promise<{ uri: string; text: string } | undefined> {
  const target = roleTarget(arg);
  if (!target) return undefined;
  const client = session.connections().client(target.context);
  const role = await session.module().getRole(client, target.roleRef, target.namespace);
  const doc = await roles.show(target.context, role);
  return { uri: doc.uri.toString(), text: doc.getText() };
}

/**
 * Deletes the Secret of revocable tokens that no kept token uses (a revocable mint whose token was
 * not kept). Asks first: every token bound to it stops working.
 */
export async function deleteRevocableSecret(session: ClusterSession, arg?: unknown, confirm?: boolean): Promise<{ deleted: boolean }> {
  if (!isNode(arg) || arg.kind !== 'revocableSecret') return { deleted: false };
  const context = contextOf(arg);
  const { namespace, name } = arg.secret;
  if (!context) return { deleted: false };
  const action = vscode.l10n.t('Delete Secret');
  const sure =
    confirm === true ||
    (await vscode.window.showWarningMessage(
      vscode.l10n.t('Delete Secret {0}/{1}?', namespace, name),
      { modal: true, detail: vscode.l10n.t('Every token bound to it stops working. No token kept in this VS Code uses it.') },
      action,
    )) === action;
  if (!sure) return { deleted: false };
  const deleted = await session.module().deleteSecret(session.connections().client(context), namespace, name);
  return { deleted };
}
