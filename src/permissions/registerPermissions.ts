/**
 * Show Permissions Matrix: what a ServiceAccount may do in its namespace, and which binding grants
 * each permission. Programmatic use:
 * `executeCommand('k8sTokens.showPermissions', { context, namespace, name, show: false, export: { format: 'yaml', target } })`
 * returns the PermissionMatrix without any prompt or dialog.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../common/commandIds';
import { registerCommand } from '../common/commands';
import type { Services } from '../services';
import { ClusterSession } from '../kube/session';
import { isTreeNode, partialTarget, resolveTarget } from '../tokens/targets';
import { collectPermissions, type PermissionsTarget } from './collect';
import { methodLabel } from './export';
import { allowedCells, type PermissionMatrix } from './matrix';
import { exportMatrix, isExportFormat, PermissionsDocuments, type ExportFormat } from './view';
import { nonEmptyString } from '../common/args';

export interface PermissionsApi {
  readonly documents: PermissionsDocuments;
}

interface PermissionsArgs {
  inNamespace?: string;
  /** Open the preview (default true). */
  show?: boolean;
  export?: { format: ExportFormat; target: string };
}


/** Reads the options of a plain argument object; tree nodes carry none. */
function argsOf(arg: unknown): PermissionsArgs {
  if (typeof arg !== 'object' || arg === null || isTreeNode(arg)) return {};
  const o = arg as Record<string, unknown>;
  const exp = typeof o.export === 'object' && o.export !== null ? (o.export as Record<string, unknown>) : undefined;
  return {
    inNamespace: nonEmptyString(o.inNamespace),
    show: o.show !== false,
    export: exp && isExportFormat(exp.format) && nonEmptyString(exp.target) ? { format: exp.format, target: exp.target as string } : undefined,
  };
}

/** `{ kind: 'serviceAccount', context, namespace, name }`, `{ …, serviceAccount }` or a tree node → what resolveTarget reads. */
function targetArg(arg: unknown): { context?: string; namespace?: string; serviceAccount?: string } {
  if (isTreeNode(arg)) return partialTarget(arg);
  const o = (typeof arg === 'object' && arg !== null ? arg : {}) as Record<string, unknown>;
  return { context: nonEmptyString(o.context), namespace: nonEmptyString(o.namespace), serviceAccount: nonEmptyString(o.serviceAccount) ?? nonEmptyString(o.name) };
}

async function showPermissions(services: Services, documents: PermissionsDocuments, arg: unknown): Promise<PermissionMatrix | undefined> {
  const options = argsOf(arg);
  const resolved = await resolveTarget(services.session, targetArg(arg));
  if (!resolved) return undefined;
  const target: PermissionsTarget = { context: resolved.context, namespace: resolved.namespace, name: resolved.serviceAccount, inNamespace: options.inNamespace };
  const who = `${target.namespace}/${target.name}`;
  const matrix = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Evaluating the permissions of {0}…', who), cancellable: true },
    async (_progress, token) => {
      const cancel = ClusterSession.signalFor(token);
      try {
        const kube = services.session.module();
        return await collectPermissions(kube, services.session.connections().client(target.context), target, cancel.signal);
      } finally {
        cancel.dispose();
      }
    },
  );
  services.log.info(`permissions of ${who} in ${matrix.namespace} (${target.context}) via ${matrix.method}: ${allowedCells(matrix).length} allowed cells`);
  if (options.export) await exportMatrix(matrix, options.export.format, options.export.target);
  if (options.show !== false) {
    await documents.show(matrix);
    offerExport(services, matrix);
  }
  return matrix;
}

/** A non-blocking message with the summary and the export buttons. */
function offerExport(services: Services, matrix: PermissionMatrix): void {
  const asMarkdown = vscode.l10n.t('Export as Markdown…');
  const asYaml = vscode.l10n.t('Export as YAML…');
  const summary = vscode.l10n.t('{0}/{1}: {2} allowed resource permissions ({3}).', matrix.serviceAccount.namespace, matrix.serviceAccount.name, allowedCells(matrix).length, methodLabel(matrix.method));
  const shown = matrix.fallbacks.length
    ? vscode.window.showWarningMessage(`${summary} ${matrix.fallbacks.join(' ')}`, asMarkdown, asYaml)
    : vscode.window.showInformationMessage(summary, asMarkdown, asYaml);
  void shown.then(async (choice) => {
    const format: ExportFormat | undefined = choice === asMarkdown ? 'markdown' : choice === asYaml ? 'yaml' : undefined;
    if (!format) return;
    try {
      const file = await exportMatrix(matrix, format);
      if (file) void vscode.window.showInformationMessage(vscode.l10n.t('Permissions exported to {0}.', file));
    } catch (e) {
      services.errors.report(e, CommandIds.showPermissions);
    }
  });
}

export function registerPermissions(services: Services): PermissionsApi {
  const documents = new PermissionsDocuments();
  services.context.subscriptions.push(documents);
  registerCommand(services.context, services.errors, CommandIds.showPermissions, (arg) => showPermissions(services, documents, arg));
  return { documents };
}
