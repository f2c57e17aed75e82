/**
 * The token audit commands and their report view.
 *   - Audit Token Use in Audit Logs…: a kube-apiserver audit log (a file, or a folder of rotated
 *     plain and gzip logs) read as a stream with a cancellable progress notification; who still uses
 *     stale or legacy tokens, in the report view. Programmatic use:
 *     `executeCommand('k8sTokens.auditTokenUse', { path, show?: false })` returns the AuditReport.
 *   - Find Legacy Token Secrets…: from a context node of the tree or the palette; every legacy token
 *     Secret of the cluster, what uses it, and per workload a patch (untitled YAML) that replaces it
 *     with a projected token. `executeCommand('k8sTokens.findLegacyTokenSecrets', { context, audience?,
 *     expirationSeconds?, show?: false })` returns the LegacyReport without prompts.
 */
import * as vscode from 'vscode';
import { nonEmptyString } from '../common/args';
import { CommandIds } from '../common/commandIds';
import { registerCommand } from '../common/commands';
import { ClusterSession } from '../kube/session';
import type { Services } from '../services';
import { partialTarget } from '../tokens/targets';
import { auditReport } from './auditReport';
import { ScanCancelled, scanAuditLogs, type ScanProgress } from './auditScan';
import { legacyReport } from './legacyReport';
import { planMigration } from './migration';
import { AuditViews } from './panel';
import { KUBE_API_ACCESS_SECONDS, type TokenOptions } from './projectedToken';
import type { AuditReport, LegacyReport } from './protocol';

export interface AuditApi {
  readonly views: AuditViews;
}

type Args = Record<string, unknown>;
const optionsOf = (arg: unknown): Args => (typeof arg === 'object' && arg !== null && !('kind' in arg) ? (arg as Args) : {});
/** At most this many patch documents open by themselves; the rest from the view's buttons. */
const AUTO_OPEN_DOCUMENTS = 5;

const mb = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0);

async function pickLogPath(): Promise<string | undefined> {
  // Desktop VS Code on Linux and Windows cannot offer files and folders in one dialog: ask which first.
  const file = { label: vscode.l10n.t('$(file) An Audit Log File…'), folder: false };
  const folder = { label: vscode.l10n.t('$(folder) A Folder of Audit Logs…'), detail: vscode.l10n.t('Every *.log, *.gz and rotated log (audit.log.1, audit-…log.gz) in it'), folder: true };
  const pick = await vscode.window.showQuickPick([file, folder], { title: vscode.l10n.t('Audit Token Use in Audit Logs'), placeHolder: vscode.l10n.t('Read a kube-apiserver audit log (JSON lines, plain or gzip)') });
  if (!pick) return undefined;
  const uris = await vscode.window.showOpenDialog({ canSelectFiles: !pick.folder, canSelectFolders: pick.folder, canSelectMany: false, openLabel: vscode.l10n.t('Audit') });
  return uris?.[0]?.fsPath;
}

async function auditCommand(services: Services, views: AuditViews, arg: unknown): Promise<AuditReport | undefined> {
  const o = optionsOf(arg);
  // From the explorer's context menu: a Uri (whose `path` is not a file system path on Windows).
  const target = (arg instanceof vscode.Uri ? arg.fsPath : nonEmptyString(o.path)) ?? (await pickLogPath());
  if (!target) return undefined;
  const scan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading audit logs'), cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    let shown = 0;
    const onProgress = (p: ScanProgress): void => {
      const percent = p.totalBytes > 0 ? (100 * p.bytesRead) / p.totalBytes : 100;
      // Whole percents only: a notification redrawn for every 1 MiB chunk of a 1 GB log would cost more than the reading.
      if (Math.floor(percent) <= shown && p.bytesRead < p.totalBytes) return;
      const file = p.fileCount > 1 ? vscode.l10n.t('file {0} of {1}, ', p.fileIndex + 1, p.fileCount) : '';
      progress.report({ increment: percent - shown, message: `${file}${vscode.l10n.t('{0} MB of {1} MB', mb(p.bytesRead), mb(p.totalBytes))}` });
      shown = percent;
    };
    try {
      return await scanAuditLogs(target, { signal: abort.signal, onProgress });
    } catch (e) {
      if (e instanceof ScanCancelled) return undefined;
      throw e;
    } finally {
      sub.dispose();
    }
  });
  if (!scan) return undefined;
  const report = auditReport(target, scan);
  services.log.info(`token audit: ${scan.lines} lines, ${scan.requests} token requests, ${scan.rows.length} rows, ${scan.malformed} malformed, ${scan.tooLong} too long`);
  if (o.show !== false) views.show({ kind: 'audit', audit: report });
  return report;
}

async function pickContext(services: Services): Promise<string | undefined> {
  const contexts = services.session.connections().kubeconfigs.contexts;
  if (contexts.length <= 1) return contexts[0]?.name;
  const items = [...contexts].sort((a, b) => Number(b.isCurrent) - Number(a.isCurrent)).map((c) => ({ label: c.name, description: c.isCurrent ? vscode.l10n.t('current') : c.server }));
  return (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Find Legacy Token Secrets'), placeHolder: vscode.l10n.t('Pick a kubeconfig context') }))?.label;
}

/** The projected token's audience and lifetime: given as arguments, or chosen (the first choices are kube-api-access's). */
async function tokenOptions(o: Args): Promise<TokenOptions | undefined> {
  const given = typeof o.expirationSeconds === 'number' && o.expirationSeconds >= 600 ? o.expirationSeconds : undefined;
  if (typeof o.audience === 'string' || given) return { audience: typeof o.audience === 'string' ? o.audience : '', expirationSeconds: given ?? KUBE_API_ACCESS_SECONDS };
  const title = vscode.l10n.t('Find Legacy Token Secrets');
  const api = { label: vscode.l10n.t("The cluster's API audiences"), detail: vscode.l10n.t('Like the legacy token: valid for the Kubernetes API'), audience: '' };
  const other = { label: vscode.l10n.t('Another audience…'), detail: vscode.l10n.t('For a service that validates the token itself (e.g. Vault)'), audience: undefined };
  const a = await vscode.window.showQuickPick([api, other], { title, placeHolder: vscode.l10n.t('Audience of the projected token in the patches') });
  if (!a) return undefined;
  const audience = a.audience ?? (await vscode.window.showInputBox({ title, prompt: vscode.l10n.t('Audience of the projected token'), validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Type an audience.')) }))?.trim();
  if (audience === undefined) return undefined;
  const lifetimes = [
    { label: vscode.l10n.t('{0} s, like kube-api-access', KUBE_API_ACCESS_SECONDS), detail: vscode.l10n.t('With --service-account-extend-token-expiration the API server accepts it longer and audits its stale use after 1 hour'), seconds: KUBE_API_ACCESS_SECONDS },
    { label: vscode.l10n.t('1 hour'), seconds: 3600 },
    { label: vscode.l10n.t('24 hours'), seconds: 86400 },
  ];
  const l = await vscode.window.showQuickPick(lifetimes, { title, placeHolder: vscode.l10n.t('Lifetime of the projected token (the kubelet renews it at 80 % or after 24 hours)') });
  return l ? { audience, expirationSeconds: l.seconds } : undefined;
}

async function findLegacyCommand(services: Services, views: AuditViews, arg: unknown): Promise<LegacyReport | undefined> {
  const o = optionsOf(arg);
  const context = partialTarget(arg).context ?? nonEmptyString(o.context) ?? (await pickContext(services));
  if (!context) return undefined;
  const options = await tokenOptions(o);
  if (!options) return undefined;
  const entry = services.session.connections().kubeconfigs.contexts.find((c) => c.name === context);
  const facts = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Finding legacy token Secrets in {0}…', context), cancellable: true }, async (_p, token) => {
    const cancel = ClusterSession.signalFor(token);
    try {
      const client = services.session.connections().client(context);
      return await services.session.module().gatherLegacyTokenFacts(client, { fallbackNamespaces: [entry?.namespace ?? 'default'], signal: cancel.signal });
    } finally {
      cancel.dispose();
    }
  });
  const plans = planMigration(facts, options);
  const { report, documents } = legacyReport(context, facts, plans, options);
  if (o.show === false) return report;
  const panel = views.show({ kind: 'legacy', legacy: report }, { context, plans, documents });
  const ids = documents.flatMap((d, id) => (d ? [id] : []));
  // The patches, as untitled YAML beside the report (a few; more from the report's buttons).
  for (const id of ids.slice(0, AUTO_OPEN_DOCUMENTS)) await panel.openDocument(id, true);
  return report;
}

export function registerAudit(services: Services): AuditApi {
  const views = new AuditViews(services);
  services.context.subscriptions.push(views);
  registerCommand(services.context, services.errors, CommandIds.auditTokenUse, (arg) => auditCommand(services, views, arg));
  registerCommand(services.context, services.errors, CommandIds.findLegacyTokenSecrets, (arg) => findLegacyCommand(services, views, arg));
  return { views };
}
