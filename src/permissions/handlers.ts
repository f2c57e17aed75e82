/**
 * What the permissions view's methods do on the host: each handler takes checked params (protocol.ts
 * guards ran first) and returns the method's result. Cluster calls go through the session, so the
 * cluster layer is loaded only when the view first asks.
 */
import * as vscode from 'vscode';
import { describePermission } from '../errors/describe';
import { KubeError } from '../errors/kubeError';
import type { Services } from '../services';
import { collectPermissions } from './collect';
import { openExport, type ExportKind } from './exportDocument';
import type { PermissionMatrix } from './matrix';
import type { ExportParams, ExportResult, MatrixParams, MatrixResult, NamespacesParams, NamespacesResult, ServiceAccountsParams, ServiceAccountsResult, WhoCanParams, WhoCanResult } from './protocol';
import { ALL_NAMESPACES, parseResource, whoCan, type WhoCanReport } from './whoCan';

/** The last results shown, which the export buttons write (never data sent back by the webview). */
export interface ShownResults {
  matrix?: PermissionMatrix;
  report?: WhoCanReport;
}

export class ViewError extends Error {}

function knownContext(services: Services, context: string): void {
  if (!services.session.connections().kubeconfigs.contexts.some((c) => c.name === context)) {
    throw new ViewError(vscode.l10n.t('Context {0} is not in the loaded kubeconfig files.', context));
  }
}

export async function listNamespaceNames(services: Services, p: NamespacesParams, signal?: AbortSignal): Promise<NamespacesResult> {
  knownContext(services, p.context);
  try {
    const page = await services.session.module().listNamespaces(services.session.connections().client(p.context), { limit: 500, signal });
    return { namespaces: page.items.map((n) => n.name).sort(), listable: true };
  } catch (e) {
    if (KubeError.is(e, 'forbidden')) return { namespaces: [], listable: false };
    throw e;
  }
}

export async function listServiceAccountNames(services: Services, p: ServiceAccountsParams, signal?: AbortSignal): Promise<ServiceAccountsResult> {
  knownContext(services, p.context);
  try {
    const page = await services.session.module().listServiceAccounts(services.session.connections().client(p.context), p.namespace, { limit: 500, signal });
    return { names: page.items.map((s) => s.name).sort(), listable: true };
  } catch (e) {
    if (KubeError.is(e, 'forbidden')) return { names: [], listable: false };
    throw e;
  }
}

export async function computeMatrix(services: Services, p: MatrixParams, signal?: AbortSignal): Promise<MatrixResult> {
  knownContext(services, p.context);
  const client = services.session.connections().client(p.context);
  const target = { context: p.context, namespace: p.serviceAccount.namespace, name: p.serviceAccount.name, inNamespace: p.namespace };
  const matrix = await collectPermissions(services.session.module(), client, target, signal);
  services.log.info(`permissions of ${p.serviceAccount.namespace}/${p.serviceAccount.name} in ${p.namespace || 'all namespaces'} (${p.context}) via ${matrix.method}`);
  return { matrix };
}

export async function answerWhoCan(services: Services, p: WhoCanParams, signal?: AbortSignal): Promise<WhoCanResult> {
  knownContext(services, p.context);
  const resource = parseResource(p.resource);
  if (!resource) throw new ViewError(vscode.l10n.t('"{0}" is not a resource. Write it as kubectl does, e.g. serviceaccounts/token or deployments.apps.', p.resource));
  const client = services.session.connections().client(p.context);
  const snapshot = await services.session.module().readRbacSnapshot(client, p.namespace === ALL_NAMESPACES ? undefined : p.namespace, signal);
  if (snapshot.forbidden.length === 4) {
    const e = snapshot.forbidden[0];
    throw new ViewError(vscode.l10n.t('The RBAC objects cannot be read: you may not {0}.', e.permission ? describePermission(e.permission) : e.message));
  }
  const answer = whoCan(snapshot, { verb: p.verb, ...resource, name: p.name || undefined, namespace: p.namespace });
  const forbidden = snapshot.forbidden.map((e) => vscode.l10n.t('Paths through objects you may not read are missing: you may not {0}.', e.permission ? describePermission(e.permission) : e.message));
  services.log.info(`who can ${p.verb} ${p.resource} in ${p.namespace || 'all namespaces'} (${p.context}): ${answer.paths.length} paths`);
  return { report: { ...answer, context: p.context, generatedAt: new Date().toISOString(), forbidden } };
}

export async function exportShown(shown: ShownResults, p: ExportParams, column?: vscode.ViewColumn): Promise<ExportResult> {
  const kind: ExportKind | undefined = p.what === 'matrix' ? (shown.matrix ? { what: 'matrix', matrix: shown.matrix } : undefined) : shown.report ? { what: 'whoCan', report: shown.report } : undefined;
  if (!kind) throw new ViewError(vscode.l10n.t('Nothing to export yet.'));
  const doc = await openExport(kind, p.format, column);
  return { document: doc };
}
