/**
 * The permissions view in the real workbench: the webview draws what the host shows, asks the host
 * (typed requests) for what it lacks, answers "who can", exports untitled documents, and refuses
 * malformed messages. DOM texts come from captureWorkbench (the webview is a nested iframe).
 * Seeded cluster: RoleBinding demo/ci-deployer → Role ci-deployer (create serviceaccounts/token, …).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/common/commandIds';
import type { ExtensionApi } from '../../src/extension';
import type { PermissionMatrix } from '../../src/permissions/matrix';
import type { PermissionsPanel } from '../../src/permissions/panel';
import type { HostMessage, ViewTarget, WebviewMessage } from '../../src/permissions/protocol';
import type { WhoCanReport } from '../../src/permissions/whoCan';
import type { TreeNode } from '../../src/tree/model';
import { adminContextLoaded, captureWorkbench, getApi, testCluster, until, waitFor } from './helpers';
import { noToasts } from './workbenchShots';

const query = { verb: 'create', resource: 'serviceaccounts/token', name: '' };
const ciDeployer = { context: 'test-admin', namespace: 'demo', name: 'ci-deployer' };

/** innerText of the matches in the webview frames, once `ready` accepts them. */
async function webviewTexts(name: string, selector: string, ready: (texts: string[]) => boolean, what: string, timeoutMs = 25_000): Promise<{ texts: string[]; screenshotPath: string }> {
  return waitFor(async () => {
    const c = await captureWorkbench(name, { frameUrlIncludes: 'webview', selector });
    return ready(c.texts) ? c : undefined;
  }, what, timeoutMs);
}

async function treeNode(api: ExtensionApi, ...names: string[]): Promise<TreeNode> {
  const labelOf = (n: TreeNode): string => {
    const l = api.tree.provider.getTreeItem(n).label;
    return typeof l === 'string' ? l : (l?.label ?? '');
  };
  let node: TreeNode | undefined;
  for (const name of names) {
    const parent = node;
    node = await until(async () => ((await api.tree.provider.getChildren(parent)) ?? []).find((c) => labelOf(c) === name), `tree node ${names.join(' > ')}`);
  }
  return node as TreeNode;
}

describe('Permissions view', () => {
  let api: ExtensionApi;
  let panel: PermissionsPanel;
  const received: WebviewMessage[] = [];
  const posted: HostMessage[] = [];

  before(async function () {
    // A new webview waits for the webview service worker of the one closed before it; on a loaded
    // machine that can take a while (the page logs "Found unexpected service worker controller").
    this.timeout(60_000);
    await testCluster();
    api = await getApi();
    await adminContextLoaded(api);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand<PermissionMatrix>(CommandIds.showPermissions, ciDeployer);
    panel = api.permissions.view.current as PermissionsPanel;
    assert.ok(panel);
    panel.onDidReceiveMessage((m) => received.push(m));
    panel.onDidPostMessage((m) => posted.push(m));
    await until(() => panel.isReady, 'the permissions webview to say ready', 50_000);
  });

  after(async () => {
    api.permissions.view.current?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('draws the matrix with denied cells marked, the export buttons and the heading', async () => {
    const shot = await webviewTexts(
      'permissions-matrix',
      'h1, tr.matrix-row, .exports button',
      (t) => t.includes('Permissions of ServiceAccount demo/ci-deployer') && t.some((r) => r.startsWith('deployments')),
      'the matrix in the webview',
    );
    const row = (name: string): string[] => (shot.texts.find((t) => t.split('\t')[0].trim() === name) ?? '').split('\t').map((c) => c.trim());
    // Resource, API group, then get list watch create update patch delete.
    assert.deepEqual(row('deployments'), ['deployments', 'apps', '✓', '✓', '✓', '✓', '✓', '✓', '✓'], shot.texts.join('\n'));
    assert.deepEqual(row('serviceaccounts/token'), ['serviceaccounts/token', 'core', '✗', '✗', '✗', '✓', '✗', '✗', '✗']);
    assert.deepEqual(shot.texts.filter((t) => ['Markdown', 'YAML', 'CSV'].includes(t.trim())).map((t) => t.trim()), ['Markdown', 'YAML', 'CSV']);
    assert.ok(fs.statSync(shot.screenshotPath).size > 10_000);
  });

  it('asks the host for a matrix it lacks, through a typed request', async () => {
    received.length = 0;
    const target: ViewTarget = { context: 'test-admin', serviceAccount: { namespace: 'demo', name: 'reader' }, namespace: 'demo', tab: 'matrix', query };
    api.permissions.view.show(target);
    const request = await until(() => received.find((m) => m.type === 'request' && m.method === 'matrix'), 'the webview to request the matrix', 20_000);
    assert.deepEqual(request.type === 'request' && request.params, { context: 'test-admin', serviceAccount: { namespace: 'demo', name: 'reader' }, namespace: 'demo' });
    const reply = await until(() => posted.find((m) => m.type === 'response' && request.type === 'request' && m.id === request.id), 'the response');
    assert.equal(reply.type === 'response' && reply.ok, true);
    await webviewTexts('permissions-reader', 'h1', (t) => t.includes('Permissions of ServiceAccount demo/reader'), 'the reader heading');
  });

  it('evaluates all namespaces when asked, and refuses malformed requests', async () => {
    const reply = await panel.receive({ type: 'request', id: 900001, method: 'matrix', params: { context: 'test-admin', serviceAccount: { namespace: 'demo', name: 'ci-deployer' }, namespace: '' } });
    assert.ok(reply?.type === 'response' && reply.ok);
    const m = (reply.result as { matrix: PermissionMatrix }).matrix;
    assert.equal(m.namespace, '');
    assert.deepEqual(m.rows.find((r) => r.resource === 'serviceaccounts/token')?.cells.create.namespaces, ['demo']);
    const before = posted.length;
    for (const bad of [
      { type: 'request', id: 5, method: 'matrix', params: { context: 'test-admin', serviceAccount: { namespace: 'demo', name: 'x' }, namespace: 'demo', extra: 1 } },
      { type: 'request', id: 6, method: 'eval', params: {} },
      { type: 'ready', now: true },
      'ready',
    ]) {
      assert.equal(await panel.receive(bad), undefined, JSON.stringify(bad));
    }
    assert.equal(posted.length, before, 'nothing answered');
    const unknown = await panel.receive({ type: 'request', id: 7, method: 'namespaces', params: { context: 'no-such-context' } });
    assert.ok(unknown?.type === 'response' && !unknown.ok && /no-such-context/.test(unknown.error));
  });

  it('answers Who Can… from a namespace node, with the binding path', async () => {
    const node = await treeNode(api, 'test-admin', 'demo');
    const report = await vscode.commands.executeCommand<WhoCanReport>(CommandIds.whoCan, node);
    assert.ok(report);
    assert.equal(report.query.namespace, 'demo');
    assert.ok(report.paths.some((p) => p.subject.name === 'ci-deployer' && p.binding.name === 'ci-deployer' && p.role.name === 'ci-deployer'));
    assert.equal(panel.panel.title, 'Who Can…');
    const shot = await webviewTexts(
      'permissions-whocan',
      'h2.question, tr.path-row, tr.kind-row',
      (t) => t.includes('Who can create serviceaccounts/token in namespace demo?') && t.some((r) => r.startsWith('ServiceAccount demo/ci-deployer')),
      'the who-can answer in the webview',
    );
    const sa = shot.texts.find((t) => t.startsWith('ServiceAccount demo/ci-deployer')) ?? '';
    assert.match(sa, /RoleBinding demo\/ci-deployer\s+Role ci-deployer\s+verbs: create · apiGroups: "" · resources: serviceaccounts\/token\s+in namespace demo/, sa);
    const masters = shot.texts.find((t) => t.startsWith('Group system:masters')) ?? '';
    assert.match(masters, /cluster administrators[\s\S]*ClusterRoleBinding cluster-admin[\s\S]*in every namespace/, masters);
    assert.ok(shot.texts.some((t) => /^ServiceAccounts \(\d+\)$/.test(t.trim())));
  });

  it('exports what it shows into untitled documents named after it', async () => {
    const names: string[] = [];
    for (const [what, format] of [
      ['whoCan', 'csv'],
      ['whoCan', 'markdown'],
    ] as const) {
      const reply = await panel.receive({ type: 'request', id: 910000 + names.length, method: 'export', params: { what, format } });
      assert.ok(reply?.type === 'response' && reply.ok, JSON.stringify(reply));
      names.push((reply.result as { document: string }).document);
    }
    await vscode.commands.executeCommand<PermissionMatrix>(CommandIds.showPermissions, ciDeployer);
    const md = await panel.receive({ type: 'request', id: 920000, method: 'export', params: { what: 'matrix', format: 'markdown' } });
    assert.ok(md?.type === 'response' && md.ok);
    names.push((md.result as { document: string }).document);
    assert.deepEqual(names, ['who-can-create-serviceaccounts-token-in-demo.csv', 'who-can-create-serviceaccounts-token-in-demo.md', 'permissions-demo-ci-deployer.md']);
    const doc = (name: string): vscode.TextDocument => {
      const d = vscode.workspace.textDocuments.find((t) => t.uri.scheme === 'untitled' && path.posix.basename(t.uri.path) === name);
      assert.ok(d, `untitled ${name}`);
      return d;
    };
    // The editor keeps the platform's line ends; the CSV itself is written with CRLF.
    const csv = doc(names[0]).getText().split(/\r?\n/);
    assert.equal(csv[0], 'subjectKind,subjectNamespace,subjectName,bindingKind,bindingNamespace,bindingName,roleKind,roleName,verbs,apiGroups,resources,resourceNames,namespace,aggregatedFrom');
    assert.ok(csv.includes('ServiceAccount,demo,ci-deployer,RoleBinding,demo,ci-deployer,Role,ci-deployer,create,"""""",serviceaccounts/token,,demo,'), csv.join('\n'));
    assert.match(doc(names[1]).getText(), /^# Who can create serviceaccounts\/token in namespace demo\?$/m);
    const matrixMd = doc(names[2]).getText();
    assert.match(matrixMd, /^# Permissions of ServiceAccount demo\/ci-deployer$/m);
    assert.ok(matrixMd.includes('(ServiceAccount demo/ci-deployer)') && !matrixMd.includes('ci-deployer/demo'), matrixMd);
    assert.equal(doc(names[2]).isDirty, true, 'untitled until saved');
  });

  it('is served with a strict CSP: no inline script, every script with the nonce, local resources only', () => {
    const html = panel.panel.webview.html;
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    assert.match(csp, /^default-src 'none';/);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 16, csp);
    assert.ok(!/unsafe-inline|unsafe-eval/.test(csp), csp);
    for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      assert.equal(body.trim(), '', 'inline script');
      assert.ok(attrs.includes(`nonce="${nonce}"`) && attrs.includes('permissions.js'), attrs);
    }
    assert.ok(!/<style|\son\w+=|\sstyle=/i.test(html));
  });

  it('draws in Chinese with the zh-cn bundle', async () => {
    const bundle = JSON.parse(fs.readFileSync(path.join(api.services.context.extensionPath, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    const m = await vscode.commands.executeCommand<PermissionMatrix>(CommandIds.showPermissions, { ...ciDeployer, show: false });
    const show: HostMessage = { type: 'show', target: { context: 'test-admin', serviceAccount: { namespace: 'demo', name: 'ci-deployer' }, namespace: 'demo', tab: 'matrix', query }, l10n: bundle, matrix: m };
    await panel.panel.webview.postMessage(show);
    const heading = bundle['Permissions of ServiceAccount {0}/{1}'].replace('{0}', 'demo').replace('{1}', 'ci-deployer');
    const shot = await webviewTexts('permissions-zh', 'h1, .tab, .exports-label, thead th', (t) => t.includes(heading), 'the Chinese heading');
    for (const key of ['What it may do', 'Who can…', 'Export', 'Resource', 'API group']) assert.ok(shot.texts.includes(bundle[key]), `${key} → ${bundle[key]} in ${shot.texts.join(' | ')}`);
    assert.ok(shot.texts.every((t) => !/What it may do|Who can…/.test(t)));
    // Back to English for whoever looks next.
    await vscode.commands.executeCommand<PermissionMatrix>(CommandIds.showPermissions, ciDeployer);
  });

  it('captures the view for the README', async function () {
    this.timeout(60_000); // a new webview, see before()
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand<PermissionMatrix>(CommandIds.showPermissions, ciDeployer);
    await noToasts();
    const shot = await webviewTexts('readme-permissions', 'h1, tr.matrix-row, .granted li', (t) => t.includes('Permissions of ServiceAccount demo/ci-deployer') && t.some((r) => r.startsWith('deployments')), 'the matrix for the README', 50_000);
    assert.ok(shot.texts.some((t) => t.includes('RoleBinding demo/ci-deployer → Role ci-deployer (ServiceAccount demo/ci-deployer)')), shot.texts.join('\n'));
    assert.ok(fs.statSync(shot.screenshotPath).size > 10_000);
    await vscode.commands.executeCommand('workbench.view.extension.k8sTokens');
  });
});
