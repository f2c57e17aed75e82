/**
 * Decode Token and Check Token Against Cluster (the token doctor). Programmatic use:
 * `executeCommand('k8sTokens.decodeToken', token)` returns `{ uri, explanation }`;
 * `executeCommand('k8sTokens.checkToken', { token, context, show: false })` returns
 * `{ report, uri }` without any prompt. Both return undefined when there is nothing to do.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../common/commandIds';
import { registerCommand } from '../common/commands';
import { safeMessage } from '../text/displayText';
import { showMarkdownPreview } from '../common/markdownPreview';
import type { Services } from '../services';
import { decodeJwt, type DecodedJwt } from '../jwt/decode';
import { diagnoseToken, doctorTarget } from '../doctor/doctorFindings';
import type { DoctorReport } from '../doctor/findings';
import { describeDecodeError, explainJwt, type Explanation } from '../jwt/explain';
import { ClusterSession } from '../kube/session';
import { decodedText } from './decodedText';
import { documentBaseName, tokenIdentity } from './documentNames';
import { countText, doctorMarkdown, sortFindings, verdictText } from './markdownText';
import type { TokenDocuments } from './tokenDocuments';
import { resolveToken } from './tokenSource';

export interface DecodeOutcome {
  uri: vscode.Uri;
  explanation: Explanation;
}

export interface CheckOutcome {
  report: DoctorReport;
  /** The report document (`k8s-token:` scheme), opened unless `show: false`. */
  uri: vscode.Uri;
}

interface CheckArgs {
  context?: string;
  show: boolean;
}

function checkArgs(arg: unknown): CheckArgs {
  if (typeof arg !== 'object' || arg === null) return { show: true };
  const o = arg as { context?: unknown; show?: unknown };
  return { context: typeof o.context === 'string' && o.context.length > 0 ? o.context : undefined, show: o.show !== false };
}

/** The token from the argument, selection, cursor or clipboard, decoded; tells the user when there is none. */
async function decodedToken(services: Services, arg: unknown): Promise<{ token: string; jwt: DecodedJwt; explanation: Explanation } | undefined> {
  const found = await resolveToken(arg, services.config.hoverMaxLineLength);
  if (!found) {
    void vscode.window.showWarningMessage(vscode.l10n.t('No token found: select one, put the cursor on one, or copy one to the clipboard.'));
    return undefined;
  }
  const jwt = decodeJwt(found.token);
  if (!jwt.ok) {
    void vscode.window.showErrorMessage(describeDecodeError(jwt));
    return undefined;
  }
  return { token: found.token, jwt, explanation: explainJwt(jwt, { now: Date.now(), locale: vscode.env.language }) };
}

/**
 * What earlier checks taught about which cluster issues what (memory only, no token): the key id
 * that verified a token, and the issuer a cluster reports. The kid tells clusters apart even when
 * they share the default issuer, so it wins; the issuer is the fallback.
 */
const learned = { byKid: new Map<string, string>(), byIssuer: new Map<string, string>() };

/** The context a token most likely comes from, if an earlier check saw its key or its issuer. */
function likelyContext(x: Explanation): { context: string; why: string } | undefined {
  const { kid, issuer } = x.claims;
  const byKid = kid ? learned.byKid.get(kid) : undefined;
  if (byKid) return { context: byKid, why: vscode.l10n.t('its signing key') };
  const byIssuer = issuer !== undefined ? learned.byIssuer.get(issuer) : undefined;
  return byIssuer ? { context: byIssuer, why: vscode.l10n.t('its issuer') } : undefined;
}

async function pickContext(services: Services, x: Explanation): Promise<string | undefined> {
  const loaded = services.session.connections().kubeconfigs;
  const contexts = loaded.contexts.map((c) => c.name);
  if (contexts.length === 0) {
    void vscode.window.showErrorMessage(vscode.l10n.t('No kubeconfig context to check the token against. Add a kubeconfig file first.'));
    return undefined;
  }
  if (contexts.length === 1) return contexts[0];
  const likely = likelyContext(x);
  const first = [likely?.context, loaded.currentContext].filter((c): c is string => c !== undefined && contexts.includes(c));
  const ordered = [...new Set([...first, ...contexts])];
  const items = ordered.map((name) => ({
    label: name,
    description: [name === likely?.context ? likely.why : '', name === loaded.currentContext ? vscode.l10n.t('current') : ''].filter((s) => s).join(', '),
  }));
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Check the token against which cluster?'), placeHolder: x.headline });
  return picked?.label;
}

async function runDoctor(services: Services, token: string, x: Explanation, context: string): Promise<DoctorReport> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the token against context "{0}"…', context), cancellable: true },
    async (_progress, cancelToken) => {
      const cancel = ClusterSession.signalFor(cancelToken);
      try {
        const kube = services.session.module();
        const client = services.session.connections().client(context);
        const facts = await kube.gatherTokenFacts(client, token, doctorTarget(x.claims), { signal: cancel.signal });
        if (facts.signature.ok) {
          const { discovery, check } = facts.signature.value;
          if (check.status === 'verified' && check.kid) learned.byKid.set(check.kid, context);
          if (discovery.issuer) learned.byIssuer.set(discovery.issuer, context);
        }
        return diagnoseToken(x, facts);
      } finally {
        cancel.dispose();
      }
    },
  );
}

/**
 * The notification after a check: its kind follows the verdict (accepted: information, rejected:
 * error, not found out: warning), and a finding that offers an action gets its button, e.g. Set Up
 * Cross-Cluster Trust for a token of another cluster. The token goes to that command as an
 * argument, in memory only.
 */
async function notify(report: DoctorReport, token: string): Promise<void> {
  const worst = sortFindings(report.findings)[0];
  const counts = countText(report.findings);
  // Finding titles quote claims and cluster answers.
  const text = safeMessage(worst && worst.severity === 'error' ? vscode.l10n.t('{0} Cause: {1}. ({2})', verdictText(report), worst.title, counts) : `${verdictText(report)} (${counts})`);
  const action = report.findings.find((f) => f.action)?.action;
  const trust = vscode.l10n.t('Set Up Cross-Cluster Trust…');
  const buttons = action?.kind === 'crossClusterTrust' ? [trust] : [];
  const show = report.verdict === 'accepted' ? vscode.window.showInformationMessage : report.verdict === 'rejected' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
  const picked = await show(text, ...buttons);
  if (picked === trust && action?.kind === 'crossClusterTrust') {
    await vscode.commands.executeCommand(CommandIds.setUpCrossClusterTrust, { token, acceptingContext: report.context, issuer: action.issuer });
  }
}

async function showReport(documents: TokenDocuments, name: string, identity: string, content: string): Promise<vscode.Uri> {
  const uri = documents.add(name, identity, content, 'md');
  await showMarkdownPreview(uri);
  return uri;
}

export function registerTokenCommands(services: Services, documents: TokenDocuments): void {
  const { context, errors, log } = services;

  registerCommand(context, errors, CommandIds.decodeToken, async (arg: unknown): Promise<DecodeOutcome | undefined> => {
    const d = await decodedToken(services, arg);
    if (!d) return undefined;
    const c = d.explanation.claims;
    const editor = await documents.open(documentBaseName('decoded', c), tokenIdentity(c), decodedText(d.jwt, d.explanation), 'jsonc');
    return { uri: editor.document.uri, explanation: d.explanation };
  });

  registerCommand(context, errors, CommandIds.checkToken, async (arg: unknown): Promise<CheckOutcome | undefined> => {
    const args = checkArgs(arg);
    const d = await decodedToken(services, arg);
    if (!d) return undefined;
    const ctx = args.context ?? (await pickContext(services, d.explanation));
    if (!ctx) return undefined;
    const report = await runDoctor(services, d.token, d.explanation, ctx);
    log.info(`token check against ${ctx}: ${report.verdict}; ${report.findings.map((f) => f.code).join(', ')}`);
    const content = doctorMarkdown(report, d.explanation);
    const name = documentBaseName('check', d.explanation.claims, ctx);
    const identity = tokenIdentity(d.explanation.claims);
    const uri = args.show ? await showReport(documents, name, identity, content) : documents.add(name, identity, content, 'md');
    // Not awaited: the notification stays until the user answers it, the command returns now.
    notify(report, d.token).catch((e: unknown) => errors.report(e, CommandIds.checkToken));
    return { report, uri };
  });
}
