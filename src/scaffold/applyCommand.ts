/**
 * Apply Manifest: every document of the YAML editor is first created with a server-side dry run
 * (`dryRun=All`); only when all are accepted (and the user confirms) are they created. Each object's
 * result is reported; a 403 names the missing permission. When the manifest binds a Role to a
 * ServiceAccount, SubjectAccessReviews then prove what the ServiceAccount may do, shown as a matrix.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../common/commandIds';
import { registerCommand } from '../common/commands';
import { safeMessage } from '../text/displayText';
import type { Services } from '../services';
import { describeKubeError, describePermission } from '../errors/describe';
import { KubeError } from '../errors/kubeError';
import type { ContextClient } from '../kube/http';
import { ClusterSession } from '../kube/session';
import type { PermissionsDocuments } from '../permissions/view';
import { parseManifest, type ManifestObjectLike } from './manifestDocuments';
import { proofCells, proofPlanFor, proofResult, type ProofResult } from './rbacGenerator';
import { nonEmptyString } from '../common/args';

export interface ObjectResult {
  /** Index of the YAML document. */
  index: number;
  kind?: string;
  name?: string;
  namespace?: string;
  phase: 'parse' | 'dryRun' | 'create';
  ok: boolean;
  /** Why it failed (explained), or the server's warnings. */
  message?: string;
  /** `verb resource in namespace` the caller lacks, on 403. */
  missingPermission?: string;
}

export interface ApplyOutcome {
  status: 'created' | 'dryRunFailed' | 'createFailed' | 'cancelled' | 'invalid';
  context: string;
  results: ObjectResult[];
  proof?: ProofResult;
  /** Why the proof could not be run (e.g. the caller may not create subjectaccessreviews). */
  proofError?: string;
}

interface ApplyArgs {
  uri?: string;
  context?: string;
  /** Ask before creating (default true). */
  confirm: boolean;
  /** Open the proof matrix (default true). */
  show: boolean;
}

function argsOf(arg: unknown): ApplyArgs {
  const o = (typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) ? arg : {}) as Record<string, unknown>;
  return { uri: arg instanceof vscode.Uri ? arg.toString() : nonEmptyString(o.uri), context: nonEmptyString(o.context), confirm: o.confirm !== false, show: o.show !== false };
}

const label = (r: ObjectResult): string => `${r.kind ?? '?'} ${r.namespace ? `${r.namespace}/` : ''}${r.name ?? `#${r.index + 1}`}`;

async function sendAll(
  services: Services,
  client: ContextClient,
  objects: { index: number; object: ManifestObjectLike }[],
  defaultNamespace: string,
  dryRun: boolean,
  signal: AbortSignal | undefined,
): Promise<ObjectResult[]> {
  const kube = services.session.module();
  const resources = await kube.listApiResources(client, signal);
  const results: ObjectResult[] = [];
  // In order, so a Namespace or ServiceAccount earlier in the file exists before what uses it.
  for (const { index, object } of objects) {
    const base = { index, kind: object.kind, name: object.metadata.name ?? object.metadata.generateName, namespace: object.metadata.namespace, phase: dryRun ? ('dryRun' as const) : ('create' as const) };
    try {
      const created = await kube.createManifestObject(client, resources, object, { dryRun, defaultNamespace, signal });
      results.push({ ...base, name: created.name, namespace: created.namespace, ok: true, message: created.warnings.length ? created.warnings.join('; ') : undefined });
    } catch (e) {
      if (KubeError.is(e, 'cancelled')) throw e;
      const missing = KubeError.is(e, 'forbidden') && e.permission ? describePermission(e.permission) : undefined;
      results.push({ ...base, ok: false, message: describeKubeError(e), missingPermission: missing });
    }
  }
  return results;
}

async function prove(services: Services, client: ContextClient, context: string, objects: ManifestObjectLike[], defaultNamespace: string, signal: AbortSignal | undefined): Promise<ProofResult | undefined> {
  const plan = proofPlanFor(objects, defaultNamespace);
  if (!plan) return undefined;
  const cells = proofCells(plan);
  const attrs = cells.map((c) => ({ verb: c.verb, group: c.check.group, resource: c.check.resource, subresource: c.check.subresource, namespace: plan.namespace }));
  const answers = await services.session.module().serviceAccountAccessReviews(client, plan.serviceAccount, attrs, { signal });
  return proofResult(context, plan, cells, answers);
}

function report(services: Services, outcome: ApplyOutcome): void {
  for (const r of outcome.results) services.log.info(`apply ${r.phase} ${label(r)} (${outcome.context}): ${r.ok ? 'ok' : 'failed'}${r.message ? `: ${r.message}` : ''}`);
  const failed = outcome.results.filter((r) => !r.ok);
  if (outcome.status === 'created') {
    const proof = outcome.proof ? ` ${outcome.proof.exact ? vscode.l10n.t('The permissions were proved with SubjectAccessReviews.') : vscode.l10n.t('The proof found differences: see the matrix.')}` : '';
    void vscode.window.showInformationMessage(vscode.l10n.t('Created {0} object(s) in context "{1}": {2}.', outcome.results.length, outcome.context, outcome.results.map(label).join(', ')) + proof);
  } else if (failed.length) {
    const what = outcome.status === 'dryRunFailed' ? vscode.l10n.t('The dry run refused {0} of {1} object(s); nothing was created.', failed.length, outcome.results.length) : vscode.l10n.t('{0} of {1} object(s) could not be created.', failed.length, outcome.results.length);
    void vscode.window.showErrorMessage(safeMessage(`${what} ${failed.map((r) => `${label(r)}: ${r.message ?? ''}`).join(' ')}`));
  }
}

async function applyManifest(services: Services, documents: PermissionsDocuments, arg: unknown): Promise<ApplyOutcome | undefined> {
  const args = argsOf(arg);
  const doc = args.uri ? await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri)) : vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== 'yaml') {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open a YAML manifest in the editor first.'));
    return undefined;
  }
  const loaded = services.session.connections().kubeconfigs;
  const context = args.context ?? loaded.currentContext;
  if (!context) {
    void vscode.window.showWarningMessage(vscode.l10n.t('No current kubeconfig context: pick one in the ServiceAccounts view.'));
    return undefined;
  }
  const defaultNamespace = loaded.contexts.find((c) => c.name === context)?.namespace ?? 'default';
  const parsed = parseManifest(doc.getText());
  const invalid = parsed.filter((p): p is { index: number; error: string } => 'error' in p);
  if (invalid.length || parsed.length === 0) {
    const results = invalid.map((p) => ({ index: p.index, phase: 'parse' as const, ok: false, message: p.error }));
    // YAML errors quote the document's lines, which may hold a token.
    void vscode.window.showErrorMessage(safeMessage(parsed.length === 0 ? vscode.l10n.t('The document holds no objects.') : vscode.l10n.t('Fix the YAML first: {0}', results.map((r) => `#${r.index + 1}: ${r.message}`).join(' '))));
    return { status: 'invalid', context, results };
  }
  const objects = parsed.filter((p): p is { index: number; object: ManifestObjectLike } => 'object' in p);
  const client = services.session.connections().client(context);
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Applying to "{0}"…', context), cancellable: true }, async (progress, token) => {
    const cancel = ClusterSession.signalFor(token);
    try {
      progress.report({ message: vscode.l10n.t('server-side dry run') });
      const dry = await sendAll(services, client, objects, defaultNamespace, true, cancel.signal);
      if (dry.some((r) => !r.ok)) {
        const outcome: ApplyOutcome = { status: 'dryRunFailed', context, results: dry };
        report(services, outcome);
        return outcome;
      }
      if (args.confirm) {
        const create = vscode.l10n.t('Create');
        const answer = await vscode.window.showInformationMessage(
          vscode.l10n.t('The dry run accepted {0} object(s) in context "{1}": {2}. Create them?', dry.length, context, dry.map(label).join(', ')),
          { modal: true },
          create,
        );
        if (answer !== create) return { status: 'cancelled', context, results: dry };
      }
      progress.report({ message: vscode.l10n.t('creating') });
      const results = await sendAll(services, client, objects, defaultNamespace, false, cancel.signal);
      const created = results.every((r) => r.ok);
      let proof: ProofResult | undefined;
      let proofError: string | undefined;
      if (created) {
        progress.report({ message: vscode.l10n.t('checking permissions with SubjectAccessReviews') });
        try {
          proof = await prove(services, client, context, objects.map((o) => o.object), defaultNamespace, cancel.signal);
        } catch (e) {
          // The objects exist now; a refused proof is reported, not turned into a failed apply.
          if (KubeError.is(e, 'cancelled')) throw e;
          proofError = describeKubeError(e, context);
          void vscode.window.showWarningMessage(vscode.l10n.t('Created, but the permissions could not be proved: {0}', proofError));
        }
        if (proof && args.show) await documents.show(proof.matrix);
      }
      const outcome: ApplyOutcome = { status: created ? 'created' : 'createFailed', context, results, proof, proofError };
      report(services, outcome);
      return outcome;
    } finally {
      cancel.dispose();
    }
  });
}

export function registerApplyCommand(services: Services, documents: PermissionsDocuments): void {
  registerCommand(services.context, services.errors, CommandIds.applyManifest, (arg) => applyManifest(services, documents, arg));
}
