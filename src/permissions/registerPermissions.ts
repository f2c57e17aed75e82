/**
 * The permissions commands and view.
 *   - Show Permissions: what a ServiceAccount may do, in the permissions view. Programmatic use:
 *     `executeCommand('k8sTokens.showPermissions', { context, namespace, name, inNamespace?, show: false, export: { format, target } })`
 *     returns the PermissionMatrix without any prompt (`inNamespace: ''` is all namespaces).
 *   - Who Can…: who may do something in a namespace, from the RBAC objects. From a namespace node,
 *     the palette, or `executeCommand('k8sTokens.whoCan', { context, namespace, verb, resource, name?, show: false })`,
 *     which returns the WhoCanReport.
 */
import * as vscode from 'vscode';
import { nonEmptyString } from '../common/args';
import { CommandIds } from '../common/commandIds';
import { registerCommand } from '../common/commands';
import type { Services } from '../services';
import { ClusterSession } from '../kube/session';
import { isTreeNode, partialTarget, resolveTarget } from '../tokens/targets';
import { writeExport } from './exportDocument';
import { answerWhoCan, computeMatrix, listNamespaceNames } from './handlers';
import type { PermissionMatrix } from './matrix';
import { PermissionsView } from './panel';
import { isExportFormat, type ExportFormat, type WhoCanInput } from './protocol';
import { DEFAULT_QUERY, matrixTarget, PermissionsDocuments } from './view';
import { ALL_NAMESPACES, type WhoCanReport } from './whoCan';

export interface PermissionsApi {
  readonly documents: PermissionsDocuments;
  readonly view: PermissionsView;
}

type Args = Record<string, unknown>;
/** The argument's options; tree nodes carry none. */
const optionsOf = (arg: unknown): Args => (typeof arg === 'object' && arg !== null && !isTreeNode(arg) ? (arg as Args) : {});

/** A namespace, or '' for all namespaces; undefined when not given. */
const namespaceOrAll = (v: unknown): string | undefined => (v === ALL_NAMESPACES ? ALL_NAMESPACES : nonEmptyString(v));

function exportArg(o: Args): { format: ExportFormat; target: string } | undefined {
  const exp = typeof o.export === 'object' && o.export !== null ? (o.export as Args) : undefined;
  const target = nonEmptyString(exp?.target);
  return exp && isExportFormat(exp.format) && target ? { format: exp.format, target } : undefined;
}

/** Runs a cluster question with a cancellable progress notification. */
function withProgress<T>(title: string, work: (signal: AbortSignal | undefined) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_progress, token) => {
    const cancel = ClusterSession.signalFor(token);
    try {
      return await work(cancel.signal);
    } finally {
      cancel.dispose();
    }
  });
}

async function showPermissions(services: Services, view: PermissionsView, arg: unknown): Promise<PermissionMatrix | undefined> {
  const o = optionsOf(arg);
  const partial = isTreeNode(arg) ? partialTarget(arg) : { context: nonEmptyString(o.context), namespace: nonEmptyString(o.namespace), serviceAccount: nonEmptyString(o.serviceAccount) ?? nonEmptyString(o.name) };
  const resolved = await resolveTarget(services.session, partial);
  if (!resolved) return undefined;
  const serviceAccount = { namespace: resolved.namespace, name: resolved.serviceAccount };
  const namespace = namespaceOrAll(o.inNamespace) ?? resolved.namespace;
  const { matrix } = await withProgress(vscode.l10n.t('Evaluating the permissions of {0}/{1}…', serviceAccount.namespace, serviceAccount.name), (signal) =>
    computeMatrix(services, { context: resolved.context, serviceAccount, namespace }, signal),
  );
  const exp = exportArg(o);
  if (exp) await writeExport({ what: 'matrix', matrix }, exp.format, exp.target);
  if (o.show !== false) view.show(matrixTarget(matrix), { matrix });
  return matrix;
}

async function pickContext(services: Services): Promise<string | undefined> {
  const contexts = services.session.connections().kubeconfigs.contexts;
  if (contexts.length <= 1) return contexts[0]?.name;
  const items = contexts.map((c) => ({ label: c.name, description: c.isCurrent ? vscode.l10n.t('current') : c.server }));
  return (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Who Can…'), placeHolder: vscode.l10n.t('Pick a kubeconfig context') }))?.label;
}

/** Namespaces to choose from, "All namespaces" first; a typed name when they may not be listed. */
async function pickNamespace(services: Services, context: string): Promise<string | undefined> {
  const listed = await listNamespaceNames(services, { context });
  const all = vscode.l10n.t('All namespaces');
  if (!listed.listable) {
    return vscode.window.showInputBox({ title: vscode.l10n.t('Who Can…'), prompt: vscode.l10n.t('You may not list namespaces; type one (empty: all namespaces).') });
  }
  const pick = await vscode.window.showQuickPick([{ label: all, value: ALL_NAMESPACES }, ...listed.namespaces.map((n) => ({ label: n, value: n }))], {
    title: vscode.l10n.t('Who Can…'),
    placeHolder: vscode.l10n.t('In which namespace?'),
  });
  return pick?.value;
}

async function whoCanCommand(services: Services, view: PermissionsView, arg: unknown): Promise<WhoCanReport | undefined> {
  const o = optionsOf(arg);
  const fromNode = isTreeNode(arg) ? partialTarget(arg) : {};
  const context = fromNode.context ?? nonEmptyString(o.context) ?? (await pickContext(services));
  if (!context) return undefined;
  const namespace = fromNode.namespace ?? namespaceOrAll(o.namespace) ?? (await pickNamespace(services, context));
  if (namespace === undefined) return undefined;
  const query: WhoCanInput = { verb: nonEmptyString(o.verb) ?? DEFAULT_QUERY.verb, resource: nonEmptyString(o.resource) ?? DEFAULT_QUERY.resource, name: nonEmptyString(o.name) ?? '' };
  const { report } = await withProgress(vscode.l10n.t('Reading the RBAC objects…'), (signal) => answerWhoCan(services, { context, namespace, ...query }, signal));
  if (o.show !== false) view.show({ context, namespace, tab: 'whoCan', query }, { report });
  return report;
}

export function registerPermissions(services: Services): PermissionsApi {
  const view = new PermissionsView(services);
  const documents = new PermissionsDocuments(view);
  services.context.subscriptions.push(view, documents);
  registerCommand(services.context, services.errors, CommandIds.showPermissions, (arg) => showPermissions(services, view, arg));
  registerCommand(services.context, services.errors, CommandIds.whoCan, (arg) => whoCanCommand(services, view, arg));
  return { documents, view };
}
