/**
 * Issue 12: Revoke never has a destructive default (bug 1), one duration input everywhere (bug 8),
 * and generated YAML in documents with names. Driven through the real UI where the bug was in the
 * UI: keys pressed in the workbench through the UI bridge.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/common/commandIds';
import type { ExtensionApi } from '../../src/extension';
import type { GeneratedYaml } from '../../src/scaffold/generateCommands';
import type { MintOutcome, MintSuccess } from '../../src/tokens/mint';
import type { RevokeOutcome } from '../../src/tokens/revoke';
import type { TreeNode } from '../../src/tree/model';
import { adminContextLoaded, captureWorkbench, getApi, sessionQuiet, testCluster, until, waitFor, type UiCapture, type HostCluster } from './helpers';

const QUICK_ROWS = '.quick-input-widget .quick-input-list .monaco-list-row';
const QUICK_MESSAGE = '.quick-input-widget .quick-input-message';
const run = <T>(id: string, arg?: unknown): Thenable<T> => vscode.commands.executeCommand<T>(id, arg);

function rowsUntil(name: string, accept: (rows: string[]) => boolean, what: string, selector = QUICK_ROWS): Promise<UiCapture> {
  return waitFor(async () => {
    const c = await captureWorkbench(name, { selector });
    return accept(c.texts) ? c : undefined;
  }, what, 20_000);
}

const press = (name: string, ...keys: string[]): Promise<UiCapture> => captureWorkbench(name, { press: keys });
const type = (name: string, text: string): Promise<UiCapture> => captureWorkbench(name, { type: text });

async function serviceAccountNode(api: ExtensionApi, namespace: string, name: string): Promise<TreeNode> {
  const ctx = await until(async () => (await api.tree.provider.getChildren()).find((n) => n.kind === 'context' && n.entry.name === 'test-admin'), 'context node');
  const ns = await until(async () => (await api.tree.provider.getChildren(ctx)).find((n) => n.kind === 'namespace' && n.name === namespace), 'namespace node');
  return until(async () => (await api.tree.provider.getChildren(ns)).find((n) => n.kind === 'serviceAccount' && n.sa.name === name), 'ServiceAccount node');
}

describe('Safe defaults: revoke, lifetimes, generated documents', () => {
  let api: ExtensionApi;
  let cluster: HostCluster;

  before(async () => {
    cluster = await testCluster();
    api = await getApi();
    await adminContextLoaded(api);
    await sessionQuiet(api);
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  after(async () => {
    for (const t of api.tokenStore.list()) await api.tokenStore.forget(t.id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  // Issue 12 bug 1: Enter on the Revoke of a non-revocable token deleted the bound Pod or recreated the SA.
  it('offers the levers for a non-revocable token with "Let it expire" preselected; Enter changes nothing', async () => {
    await cluster.objects.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'keeper', namespace: 'demo' }, spec: { serviceAccountName: 'reader', containers: [{ name: 'c', image: 'busybox' }] } });
    const uidBefore = (await cluster.objects.get('v1', 'ServiceAccount', 'reader', 'demo'))?.metadata.uid;
    const m = (await run<MintOutcome>(CommandIds.mintToken, { context: 'test-admin', namespace: 'demo', serviceAccount: 'reader', duration: '1h', bind: { kind: 'Pod', name: 'keeper' }, keep: true })) as MintSuccess;
    const running = run<RevokeOutcome>(CommandIds.revokeToken, { id: m.kept?.id });
    const list = await rowsUntil('revoke-levers', (rows) => rows.some((r) => r.includes('Let it expire')), 'the list of levers');
    assert.match(list.texts[0], /Let it expire/, 'the first (preselected) entry changes nothing');
    assert.ok(list.texts.some((r) => r.includes('Delete Pod keeper…')) && list.texts.some((r) => r.includes('Recreate ServiceAccount demo/reader…')), list.texts.join(' | '));
    await press('revoke-levers-enter', 'Enter');
    const outcome = await running;
    assert.equal(outcome?.status, 'explained');
    assert.ok(await cluster.objects.get('v1', 'Pod', 'keeper', 'demo'), 'the Pod is still there');
    assert.equal((await cluster.objects.get('v1', 'ServiceAccount', 'reader', 'demo'))?.metadata.uid, uidBefore, 'the ServiceAccount was not recreated');
    assert.equal(api.tokenStore.get(m.kept?.id ?? '')?.revokedAt, undefined);
    const toasts = await captureWorkbench('revoke-levers-no-second-warning', { selector: '.notification-toast' });
    assert.ok(!toasts.texts.some((t) => t.includes('cannot revoke')), `no second warning: ${toasts.texts.join(' | ')}`);

    // A destructive lever needs the object's name typed: Enter on the empty box does nothing.
    const second = run<RevokeOutcome>(CommandIds.revokeToken, { id: m.kept?.id });
    await rowsUntil('revoke-levers-2', (rows) => rows.some((r) => r.includes('Delete Pod keeper…')), 'the list of levers again');
    await press('revoke-choose-delete', 'ArrowDown', 'Enter');
    await rowsUntil('revoke-confirm-box', (t) => t.some((x) => x.includes('Type keeper to confirm')), 'the typed confirmation', QUICK_MESSAGE);
    await press('revoke-confirm-empty-enter', 'Enter');
    assert.ok(await cluster.objects.get('v1', 'Pod', 'keeper', 'demo'), 'Enter on an empty confirmation deletes nothing');
    await type('revoke-confirm-type', 'keeper');
    await press('revoke-confirm-enter', 'Enter');
    // Then how to delete the Pod, graceful first (the kubelet stops the containers before the object goes).
    const grace = await rowsUntil('revoke-pod-grace', (rows) => rows.some((r) => r.includes('Delete gracefully')), 'the choice of grace period');
    assert.match(grace.texts[0], /Delete gracefully/);
    await press('revoke-pod-grace-enter', 'Enter');
    const done = await second;
    assert.equal(done?.status === 'revoked' && done.how, 'deleteBoundObject');
    assert.equal(await cluster.objects.get('v1', 'Pod', 'keeper', 'demo'), undefined);
  });

  it('asks before deleting the Secret of a revocable token, with "Keep the token valid" preselected', async () => {
    const m = (await run<MintOutcome>(CommandIds.mintRevocableToken, { context: 'test-admin', namespace: 'demo', serviceAccount: 'reader', duration: '1h', keep: true })) as MintSuccess;
    const running = run<RevokeOutcome>(CommandIds.revokeToken, { id: m.kept?.id });
    const list = await rowsUntil('revoke-revocable', (rows) => rows.some((r) => r.includes('Keep the token valid')), 'the revoke question');
    assert.match(list.texts[0], /Keep the token valid/);
    await press('revoke-revocable-enter', 'Enter');
    assert.equal((await running)?.status, 'cancelled');
    assert.ok(await cluster.objects.get('v1', 'Secret', m.revocableSecret ?? '', 'demo'), 'Enter kept the Secret');
    await cluster.objects.delete('v1', 'Secret', m.revocableSecret ?? '', 'demo');
  });

  // Issue 12 bug 8: the generators wanted whole seconds and refused "1h".
  it('takes the same lifetimes as Mint in the Pod and CronJob generators, typed or given', async () => {
    const sa = { context: 'test-admin', namespace: 'demo', serviceAccount: 'reader', show: false };
    const pod = await run<GeneratedYaml>(CommandIds.generateProjectedPod, { ...sa, duration: '2h' });
    assert.match(pod.yaml, /expirationSeconds: 7200\n/);
    const cron = await run<GeneratedYaml>(CommandIds.generateRotationCronJob, { ...sa, duration: '1d' });
    assert.match(cron.yaml, /--duration=86400s/);
    assert.equal(await run<GeneratedYaml | undefined>(CommandIds.generateProjectedPod, { ...sa, duration: '5m' }), undefined, 'refused like a mint');

    // From the tree: audience, lifetime (typed "90m"), mount path.
    const running = run<GeneratedYaml>(CommandIds.generateProjectedPod, await serviceAccountNode(api, 'demo', 'reader'));
    await rowsUntil('generate-audience', (t) => t.some((x) => x.includes('Token audience')), 'the audience box', '.quick-input-widget .quick-input-title');
    await press('generate-audience-enter', 'Enter');
    await rowsUntil('generate-lifetime', (rows) => rows.some((r) => /^1h/.test(r) && r.includes('default')), 'the lifetime list');
    await type('generate-lifetime-type', '90m');
    await rowsUntil('generate-lifetime-90m', (rows) => /90m/.test(rows[0] ?? ''), 'the typed 90m');
    await press('generate-lifetime-enter', 'Enter');
    await rowsUntil('generate-mount', (t) => t.some((x) => x.includes('Mount path')), 'the mount path box', '.quick-input-widget .quick-input-title');
    await press('generate-mount-enter', 'Enter');
    const typed = await running;
    assert.match(typed.yaml, /expirationSeconds: 5400\n/);
  });

  it('opens generated YAML in an untitled document named after what it holds', async () => {
    const sa = { context: 'test-admin', namespace: 'demo', serviceAccount: 'reader' };
    const rbac = await run<GeneratedYaml>(CommandIds.generateRbac, { ...sa, resources: ['pods'], verbs: ['get'] });
    // (-2, -3… when an earlier test left an untitled document of the same name open)
    assert.match(rbac.uri, /^untitled:rbac-demo-reader(-\d+)?\.yaml$/);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === rbac.uri);
    assert.equal(doc?.isUntitled, true);
    assert.equal(doc?.languageId, 'yaml');
    assert.equal(doc?.getText(), rbac.yaml);
    const again = await run<GeneratedYaml>(CommandIds.generateRbac, { ...sa, resources: ['pods'], verbs: ['list'] });
    assert.match(again.uri, /^untitled:rbac-demo-reader-\d+\.yaml$/);
    assert.notEqual(again.uri, rbac.uri, 'a second one gets its own name');
    const pod = await run<GeneratedYaml>(CommandIds.generateProjectedPod, { ...sa, duration: '1h', show: false });
    assert.match(pod.uri, /^untitled:pod-demo-reader-projected-token(-\d+)?\.yaml$/);
    const cron = await run<GeneratedYaml>(CommandIds.generateRotationCronJob, { ...sa, duration: '1d', show: false });
    assert.match(cron.uri, /^untitled:cronjob-demo-reader-token-rotation(-\d+)?\.yaml$/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
