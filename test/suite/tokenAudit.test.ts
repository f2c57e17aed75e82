/**
 * The token audit in the real workbench. Audit Token Use reads a folder of audit logs (the events
 * the real-cluster tier's kube-apiserver wrote, plus a gzip-compressed rotated log in the same
 * upstream format) and the view draws the report, sorts it and exports it. Find Legacy Token Secrets,
 * from the context node of the tree, lists the demo cluster's legacy token Secrets with the workloads
 * that mount them, opens each workload's patch as untitled YAML, and dry-runs a patch. Both views are
 * captured for the README (test-results/ui/readme-token-audit.png, readme-legacy-tokens.png).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as vscode from 'vscode';
import type { AuditPanel } from '../../src/audit/panel';
import type { AuditReport, HostMessage, LegacyReport } from '../../src/audit/protocol';
import { CommandIds } from '../../src/common/commandIds';
import { adminContextLoaded, answeringDefaults, captureWorkbench, getApi, testCluster, until, waitFor, type ExtensionApi } from './helpers';
import { noToasts, walkTree } from './workbenchShots';

const FIXTURE = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'audit', 'real-apiserver.log');

/** An audit event as kube-apiserver writes it (audit.k8s.io/v1, field order of the Event type). */
function event(i: number, user: string, annotations: Record<string, string>, extra: Record<string, string[]> | undefined, ua: string, ip: string, at: Date): string {
  const ts = at.toISOString().replace('Z', '000Z');
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/logging/pods?limit=500',
    verb: 'list',
    user: { username: user, uid: '6f1c1e0e-6a50-4b8e-9a1d-2f3c4d5e6f70', groups: ['system:serviceaccounts', 'system:authenticated'], ...(extra ? { extra } : {}) },
    sourceIPs: [ip],
    userAgent: ua,
    objectRef: { resource: 'pods', namespace: 'logging', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: ts,
    stageTimestamp: ts,
    annotations: { ...annotations, 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
  });
}

/** A day of a busy cluster: fluent-bit Pods past warnafter, a CI job with a legacy Secret token, a monitoring agent. */
function demoLog(): string {
  const lines: string[] = [];
  const start = Date.UTC(2026, 11, 1, 8, 0, 0);
  let i = 0;
  const stale = (sa: string, pod: string, ua: string, ip: string, seconds: number): void => {
    // One token per Pod: a stale token is one the client never re-read.
    const n = pod.length + pod.charCodeAt(pod.length - 1);
    const extra = { 'authentication.kubernetes.io/pod-name': [pod], 'authentication.kubernetes.io/pod-uid': [`1b2c3d4e-0000-4000-8000-${String(n).padStart(12, '0')}`], 'authentication.kubernetes.io/credential-id': [`JTI=7a4e${String(n).padStart(4, '0')}-5c2d-4f1e-9b3a-0c1d2e3f4a5b`] };
    lines.push(event(i++, `system:serviceaccount:logging:${sa}`, { 'authentication.k8s.io/stale-token': `subject: system:serviceaccount:logging:${sa}, seconds after warning threshold: ${seconds}` }, extra, ua, ip, new Date(start + i * 97_000)));
  };
  for (let n = 0; n < 40; n++) stale('fluent-bit', n % 2 ? 'fluent-bit-7xk2p' : 'fluent-bit-q9m4d', 'fluent-bit/1.8.12', n % 2 ? '10.244.1.17' : '10.244.2.9', 4_185_802 + n * 97);
  for (let n = 0; n < 12; n++) lines.push(event(i++, 'system:serviceaccount:ci:deployer', { 'authentication.k8s.io/legacy-token': 'system:serviceaccount:ci:deployer', 'authentication.k8s.io/legacy-token-manual-secret': 'deployer-token' }, undefined, 'kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819', '203.0.113.24', new Date(start + i * 311_000)));
  for (let n = 0; n < 5; n++) stale('metrics-agent', 'metrics-agent-0', 'python-requests/2.25.1', '10.244.3.4', 92_000 + n * 600);
  return `${lines.join('\n')}\n`;
}

async function shownReport(panel: AuditPanel): Promise<void> {
  const posted: HostMessage[] = [];
  panel.onDidPostMessage((m) => posted.push(m));
  await until(() => posted.some((m) => m.type === 'show'), 'the report posted to the webview', 50_000);
}

/** innerText of the matches in the webview frames, once `ready` accepts them. */
function webviewTexts(name: string, selector: string, ready: (texts: string[]) => boolean, what: string, click?: string): Promise<{ texts: string[]; screenshotPath: string }> {
  return waitFor(async () => {
    const c = await captureWorkbench(name, { frameUrlIncludes: 'webview', selector, ...(click ? { click } : {}) });
    return ready(c.texts) ? c : undefined;
  }, what, 25_000);
}

describe('Token audit view', () => {
  let api: ExtensionApi;
  let dir: string;
  const panels: AuditPanel[] = [];

  before(async function () {
    this.timeout(60_000);
    await testCluster();
    api = await getApi();
    await adminContextLoaded(api);
    api.audit.views.onDidOpen((p) => panels.push(p));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-tokens-audit-logs-'));
    fs.copyFileSync(FIXTURE, path.join(dir, 'audit.log'));
    fs.writeFileSync(path.join(dir, 'audit-2026-12-01T23-59-59.000.log.gz'), zlib.gzipSync(demoLog()));
    fs.writeFileSync(path.join(dir, 'audit-policy.yaml'), 'rules: []\n');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  after(async () => {
    for (const p of panels) p.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.explorer');
  });

  it('audits a folder of plain and gzip logs and draws who used stale and legacy tokens, most requests first', async function () {
    this.timeout(90_000);
    const report = (await vscode.commands.executeCommand(CommandIds.auditTokenUse, { path: dir })) as AuditReport;
    assert.deepEqual(report.files.map((f) => f.gzip).sort(), [false, true]);
    assert.deepEqual(
      report.rows.map((r) => [r.kind, r.identity, r.pod, r.count]),
      [
        ['stale', 'system:serviceaccount:logging:fluent-bit', 'fluent-bit-7xk2p', 20],
        ['stale', 'system:serviceaccount:logging:fluent-bit', 'fluent-bit-q9m4d', 20],
        ['legacy', 'system:serviceaccount:ci:deployer', '', 12],
        ['stale', 'system:serviceaccount:logging:metrics-agent', 'metrics-agent-0', 5],
        ['stale', 'system:serviceaccount:aud:ci', 'p1', 2],
        ['legacy', 'system:serviceaccount:aud:ci', '', 1],
      ],
    );
    const panel = panels[panels.length - 1];
    await shownReport(panel);
    await noToasts();
    // The report's columns need the width: the README screenshot shows the view without the side bar.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    const shot = await webviewTexts('readme-token-audit', 'h1, #uses tbody tr, .exports button', (t) => t.includes('Stale and legacy token use') && t.some((x) => x.includes('fluent-bit-7xk2p')) && t.some((x) => x.includes('fluent-bit-q9m4d')), 'the report table in the webview');
    const rows = shot.texts.filter((t) => t.includes('\t'));
    assert.match(rows[0], /^stale[\s\S]*logging\/fluent-bit\tfluent-bit-7xk2p\tJTI=7a4e[\s\S]*\t20\t[\s\S]*Re-read token/);
    assert.match(rows[2], /legacy[\s\S]*ci\/deployer\t–\tSecret deployer-token\t12\t[\s\S]*kubectl\/v1\.29\.2[\s\S]*203\.0\.113\.24[\s\S]*Migrate…/);
    assert.ok(shot.texts.includes('Markdown') && shot.texts.includes('CSV'));

    // Sorting by a header: fewest requests first after two clicks on Requests (descending, then ascending).
    await captureWorkbench('token-audit-sort', { frameUrlIncludes: 'webview', selector: 'th', click: '#uses-sort-count' });
    const sorted = await webviewTexts('token-audit-sorted', '#uses tbody tr', (t) => t[0]?.includes('aud/ci') === true, 'the rows sorted by requests, ascending');
    assert.match(sorted.texts[0], /\t1\t/);
  });

  it('exports the report as CSV into an untitled document named after the source', async () => {
    const panel = panels[panels.length - 1];
    await panel.receive({ type: 'export', format: 'csv' });
    const doc = await until(() => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'untitled' && d.uri.path.startsWith('token-audit-') && d.uri.path.endsWith('.csv')), 'the CSV export');
    // The editor keeps its own line ends; the export writes RFC 4180 CRLF.
    const lines = doc.getText().split(/\r?\n/);
    assert.equal(lines[0], 'Kind,Identity,Namespace,ServiceAccount,Pod,Credential,Requests,First seen,Last seen,User agents,Source IPs,What to do');
    assert.match(lines[1], /^stale,system:serviceaccount:logging:fluent-bit,logging,fluent-bit,fluent-bit-7xk2p,JTI=/);
    assert.equal(lines.filter(Boolean).length, 7);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('finds legacy token Secrets from the context node, opens the patch as untitled YAML and dry-runs it', async function () {
    this.timeout(90_000);
    const name = `audit-web-${Date.now().toString(36)}`;
    const admin = api.services.session.connections().client('test-admin');
    await admin.request({ method: 'POST', path: '/apis/apps/v1/namespaces/demo/deployments', body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'demo' }, spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { serviceAccountName: 'default', containers: [{ name: 'app', image: 'registry.example/app:1', volumeMounts: [{ name: 'api-token', mountPath: '/var/run/legacy' }] }], volumes: [{ name: 'api-token', secret: { secretName: 'reader-token' } }] } } } } });
    try {
      await legacyFlow(name);
    } finally {
      await admin.request({ method: 'DELETE', path: `/apis/apps/v1/namespaces/demo/deployments/${name}` }).catch(() => undefined);
    }
  });

  async function legacyFlow(name: string): Promise<void> {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const contextNode = await walkTree(api, 'test-admin');
    const report = await answeringDefaults(vscode.commands.executeCommand<LegacyReport>(CommandIds.findLegacyTokenSecrets, contextNode), 'the legacy token report');
    assert.equal(report.expirationSeconds, 3607);
    assert.equal(report.audience, '');
    const secret = report.secrets.find((s) => s.namespace === 'demo' && s.name === 'reader-token');
    assert.equal(secret?.serviceAccount, 'reader');
    const w = report.workloads.find((x) => x.kind === 'Deployment' && x.name === name);
    assert.equal(w?.action, 'patch');
    assert.deepEqual(secret?.workloads.includes(w?.id ?? -1), true);

    const doc = await until(() => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'untitled' && d.uri.path === `deployment-demo-${name}-projected-token.yaml`), 'the patch opened as untitled YAML');
    assert.equal(doc.languageId, 'yaml');
    assert.match(doc.getText(), /kubectl patch deployment .* -n demo --type strategic --patch-file/);
    assert.match(doc.getText(), /serviceAccountName: reader/);
    assert.match(doc.getText(), /- serviceAccountToken:\n\s+path: token\n\s+expirationSeconds: 3607/);

    const panel = panels[panels.length - 1];
    await shownReport(panel);
    const status = await panel.dryRun(w?.id ?? -1);
    assert.match(status, /accepts the patch/);
    await noToasts();
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    // The report wider than the patch beside it (the report's group is the active one).
    await panel.panel.reveal(undefined, false);
    for (let i = 0; i < 4; i++) await vscode.commands.executeCommand('workbench.action.increaseViewWidth');
    const shot = await webviewTexts('readme-legacy-tokens', 'h1, #secrets tbody tr, #workloads tbody tr', (t) => t.some((x) => x.startsWith('Legacy token Secrets in test-admin')) && t.some((x) => x.includes(name)), 'the legacy token report in the webview');
    assert.ok(shot.texts.some((t) => /demo\/reader-token\treader\t/.test(t)), shot.texts.join('\n'));
    assert.ok(shot.texts.some((t) => t.includes(name) && /patch/.test(t) && t.includes('Open Patch') && t.includes('Dry Run')), shot.texts.join('\n'));
  }
});
