/**
 * Apply Manifest, as `kubectl apply --server-side` does it: every document of the YAML editor is sent
 * with server-side apply under our field manager (k8s-sa-tokens), in dependency order (applyPlan.ts),
 * first as a dry run (`dryRun=All`); only when the dry run accepts all (and the user confirms) are
 * they applied. Fields another manager owns are taken over only when the user chooses to (a modal
 * whose default leaves them). When the manifest binds a role to a ServiceAccount, SubjectAccessReviews
 * then prove what the ServiceAccount may do, once its existence is checked. The tree is refreshed.
 */
import * as vscode from 'vscode';
import { nonEmptyString } from '../common/args';
import { CommandIds } from '../common/commandIds';
import { registerCommand } from '../common/commands';
import { KubeError } from '../errors/kubeError';
import { describeKubeError } from '../errors/describe';
import type { ContextClient } from '../kube/http';
import { ClusterSession } from '../kube/session';
import type { PermissionsDocuments } from '../permissions/view';
import type { Services } from '../services';
import { safeMessage } from '../text/displayText';
import { describeConflicts } from './applyErrors';
import { inApplyOrder } from './applyPlan';
import { proveApplied } from './applyProof';
import { objectLabel, report } from './applyReport';
import { applyPass, type ApplyOutcome, type ObjectResult } from './applyRun';
import { parseManifest, type ManifestObjectLike } from './manifestDocuments';

export type { ApplyOutcome, ObjectResult } from './applyRun';


interface ApplyArgs {
  uri?: string;
  context?: string;
  /** Ask before applying (default true). */
  confirm: boolean;
  /** Take over fields other managers own; undefined: ask when confirming, else leave them. */
  force?: boolean;
  /** Open the proof matrix (default true). */
  show: boolean;
}

function argsOf(arg: unknown): ApplyArgs {
  const o = (typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) ? arg : {}) as Record<string, unknown>;
  return {
    uri: arg instanceof vscode.Uri ? arg.toString() : nonEmptyString(o.uri),
    context: nonEmptyString(o.context),
    confirm: o.confirm !== false,
    force: typeof o.force === 'boolean' ? o.force : undefined,
    show: o.show !== false,
  };
}

type Parsed = { index: number; object: ManifestObjectLike };

/** Asks whether to take over the conflicting fields. The first (default) button leaves them. */
async function chooseForce(conflicted: readonly ObjectResult[], context: string): Promise<boolean> {
  const leave = vscode.l10n.t('Leave Their Fields');
  const take = vscode.l10n.t('Take Over Fields');
  const detail = conflicted.map((r) => `${objectLabel(r)}: ${describeConflicts(r.conflicts ?? [])}`).join('\n');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} object(s) in context "{1}" have fields that another field manager set. Applying would take these fields over (server-side apply with force); nothing is applied otherwise.', conflicted.length, context),
    { modal: true, detail },
    leave,
    take,
  );
  return answer === take;
}

async function confirmApply(dry: readonly ObjectResult[], context: string): Promise<boolean> {
  const apply = vscode.l10n.t('Apply');
  const notes = dry.flatMap((r) => [...(r.deferred ? [`${objectLabel(r)}: ${r.deferred}`] : []), ...(r.warnings ?? []).map((w) => `${objectLabel(r)}: ${vscode.l10n.t('warning: {0}', w)}`)]);
  const list = dry.map((r) => `${objectLabel(r)} (${r.action === 'configured' ? vscode.l10n.t('update') : vscode.l10n.t('new')})`).join(', ');
  const answer = await vscode.window.showInformationMessage(
    vscode.l10n.t('The dry run accepted {0} object(s) in context "{1}": {2}. Apply them?', dry.length, context, list),
    { modal: true, detail: notes.join('\n') || undefined },
    apply,
  );
  return answer === apply;
}

async function run(services: Services, client: ContextClient, context: string, objects: Parsed[], defaultNamespace: string, args: ApplyArgs, progress: vscode.Progress<{ message?: string }>, signal: AbortSignal | undefined): Promise<ApplyOutcome> {
  const kube = services.session.module();
  const resources = await kube.listApiResources(client, signal);
  const ordered = inApplyOrder(objects);
  const pass = (dryRun: boolean, force: ReadonlySet<number>, what: string): Promise<ObjectResult[]> =>
    applyPass(kube, client, resources, ordered, { dryRun, defaultNamespace, force, signal, onObject: (done, total) => progress.report({ message: `${what} (${done}/${total})` }) });

  let force: ReadonlySet<number> = new Set();
  let dry = await pass(true, force, vscode.l10n.t('server-side dry run'));
  const conflicted = dry.filter((r) => r.conflicts?.length);
  if (dry.some((r) => !r.ok && !r.conflicts?.length)) return { status: 'dryRunFailed', context, results: dry, dryRun: dry };
  if (conflicted.length) {
    const take = args.force ?? (args.confirm ? await chooseForce(conflicted, context) : false);
    if (!take) return { status: 'conflicts', context, results: dry, dryRun: dry };
    force = new Set(conflicted.map((r) => r.index));
    dry = await pass(true, force, vscode.l10n.t('server-side dry run, taking over fields'));
    if (dry.some((r) => !r.ok)) return { status: 'dryRunFailed', context, results: dry, dryRun: dry, forced: true };
  } else if (args.confirm && !(await confirmApply(dry, context))) {
    return { status: 'cancelled', context, results: dry, dryRun: dry };
  }
  const results = await pass(false, force, vscode.l10n.t('applying'));
  const applied = results.every((r) => r.ok);
  const outcome: ApplyOutcome = { status: applied ? 'applied' : 'applyFailed', context, results, dryRun: dry, forced: force.size > 0 };
  if (applied) {
    progress.report({ message: vscode.l10n.t('checking permissions with SubjectAccessReviews') });
    try {
      Object.assign(outcome, await proveApplied(services, client, context, ordered.map((o) => o.object), defaultNamespace, signal));
    } catch (e) {
      // The objects exist now; a refused proof is reported, not turned into a failed apply.
      if (KubeError.is(e, 'cancelled')) throw e;
      outcome.proofError = describeKubeError(e, context);
    }
  }
  return outcome;
}

async function applyManifest(services: Services, documents: PermissionsDocuments, arg: unknown, onApplied: () => void): Promise<ApplyOutcome | undefined> {
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
  const objects = parsed.filter((p): p is Parsed => 'object' in p);
  const client = services.session.connections().client(context);
  const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Applying to "{0}"…', context), cancellable: true }, async (progress, token) => {
    const cancel = ClusterSession.signalFor(token);
    try {
      return await run(services, client, context, objects, defaultNamespace, args, progress, cancel.signal);
    } finally {
      cancel.dispose();
    }
  });
  // Something may have changed even when a later object failed: the tree shows what is there now.
  if (outcome.status === 'applied' || outcome.status === 'applyFailed') onApplied();
  report(services, outcome);
  if (outcome.proof && args.show) await documents.show(outcome.proof.matrix);
  return outcome;
}

export function registerApplyCommand(services: Services, documents: PermissionsDocuments, onApplied: () => void): void {
  registerCommand(services.context, services.errors, CommandIds.applyManifest, (arg) => applyManifest(services, documents, arg, onApplied));
}
