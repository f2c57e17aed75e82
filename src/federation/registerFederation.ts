/**
 * Cross-cluster trust: the command Set Up Cross-Cluster Trust… (palette, a context in the
 * ServiceAccounts view, and the doctor's "issued by another cluster" finding). It opens the plan's
 * documents as untitled editors named after what they hold, says what is still to do, and offers
 * to check the trust: a short-lived token minted on A (in memory only) shown to B's `whoami`.
 * Programmatic use: `executeCommand('k8sTokens.setUpCrossClusterTrust', { acceptingContext,
 * issuerContext, choices, show: false, check: true })` returns `{ plan, documents, check }`
 * without any prompt.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../common/commandIds';
import { registerCommand } from '../common/commands';
import { KubeError } from '../errors/kubeError';
import type { UserInfo } from '../kube/reviews';
import type { Services } from '../services';
import { runTrustFlow, type TrustRun } from './trustFlow';
import type { TrustDocument, TrustPlan } from './trustPlan';

export type TrustCheck = { accepted: true; user: UserInfo } | { accepted: false };

export interface TrustOutcome {
  plan: TrustPlan;
  /** The untitled documents, in the plan's order (empty with `show: false`). */
  documents: vscode.Uri[];
  /** With `check: true`: what B said about a fresh token of A. */
  check?: TrustCheck;
}

/** Opens `doc` as an untitled YAML editor named `doc.name`; an editor already open under that name gets the new text. */
async function openDocument(doc: TrustDocument): Promise<vscode.Uri> {
  const text = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'untitled', path: doc.name }));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(text.uri, text.validateRange(new vscode.Range(0, 0, text.lineCount, 0)), doc.content);
  await vscode.workspace.applyEdit(edit);
  if (text.languageId !== 'yaml') await vscode.languages.setTextDocumentLanguage(text, 'yaml');
  return text.uri;
}

/**
 * Mints a 10-minute token on A as the plan's TokenRequest says and asks B who it is. Only this
 * proves that B reaches A's discovery: B's network cannot be seen from here. The token is dropped
 * at once.
 */
async function checkOnB(services: Services, run: TrustRun): Promise<TrustCheck> {
  if (!run.issuerContext) throw new KubeError({ kind: 'kubeconfig', message: vscode.l10n.t('Cluster A is not one of your contexts: mint the token there and run kubectl auth whoami with it on cluster B.') });
  const kube = services.session.module();
  const conns = services.session.connections();
  const m = run.choices.mint;
  const { token } = await kube.requestToken(conns.client(run.issuerContext), { namespace: m.namespace, serviceAccount: m.serviceAccount, audiences: [run.choices.audience], expirationSeconds: 600 });
  try {
    return { accepted: true, user: await kube.whoAmIWithToken(conns.client(run.acceptingContext), token) };
  } catch (e) {
    if (KubeError.is(e, 'unauthorized')) return { accepted: false };
    throw e;
  }
}

function reportCheck(run: TrustRun, check: TrustCheck): void {
  const m = run.choices.mint;
  if (check.accepted) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Cluster B accepts the token of {0}/{1} from cluster A: it is {2}, groups {3}.', m.namespace, m.serviceAccount, check.user.username ?? '?', (check.user.groups ?? []).join(', ')));
  } else {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Cluster B refuses the token of A (401 Unauthorized): its configuration is not installed yet or differs, or it cannot fetch A\'s discovery. B reloads the file within a minute of a change; its kube-apiserver log says why it refuses.'),
    );
  }
}

async function showPlan(services: Services, run: TrustRun): Promise<vscode.Uri[]> {
  const plan = run.plan;
  const uris: vscode.Uri[] = [];
  for (const doc of plan.documents) uris.push(await openDocument(doc));
  // Every document in its own tab, in the plan's order; the AuthenticationConfiguration, the one that needs the most care, in front.
  for (const uri of uris) await vscode.window.showTextDocument(uri, { preview: false });
  if (uris[0]) await vscode.window.showTextDocument(uris[0], { preview: false });
  if (plan.problems.length > 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Cross-cluster trust: {0}', plan.problems.join(' ')));
    return uris;
  }
  const named = (prefix: string): string | undefined => plan.documents.find((d) => d.name.startsWith(prefix))?.name;
  const onA = named('issuer-discovery-');
  const steps = [
    vscode.l10n.t('On cluster B: install {0} ({1}), apply {2}.', named('authentication-config-') ?? '', plan.apiServerFlag, named('rbac-') ?? ''),
    ...(onA ? [vscode.l10n.t('On cluster A: apply {0}.', onA)] : []),
    vscode.l10n.t('Then check that B accepts a token of A (minted as {0} says).', named('token-request-') ?? ''),
  ];
  const checkNow = vscode.l10n.t('Check on Cluster B');
  void vscode.window
    .showInformationMessage(vscode.l10n.t('Cross-cluster trust: {0}', steps.join(' ')), ...(run.issuerContext ? [checkNow] : []))
    .then(async (picked) => {
      if (picked === checkNow) reportCheck(run, await checkOnB(services, run));
    })
    .then(undefined, (e: unknown) => services.errors.report(e, CommandIds.setUpCrossClusterTrust));
  return uris;
}

const flag = (arg: unknown, name: 'show' | 'check'): boolean | undefined => {
  const v = typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>)[name] : undefined;
  return typeof v === 'boolean' ? v : undefined;
};

export function registerFederation(services: Services): void {
  const { context, errors, log } = services;
  registerCommand(context, errors, CommandIds.setUpCrossClusterTrust, async (arg: unknown): Promise<TrustOutcome | undefined> => {
    const run = await runTrustFlow(services, arg);
    if (!run) return undefined;
    log.info(`cross-cluster trust planned: ${run.plan.documents.map((d) => d.name).join(', ')}; ${run.plan.problems.length} problem(s)`);
    const documents = flag(arg, 'show') === false ? [] : await showPlan(services, run);
    return { plan: run.plan, documents, check: flag(arg, 'check') ? await checkOnB(services, run) : undefined };
  });
}
