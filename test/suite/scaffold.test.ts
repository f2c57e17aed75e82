/**
 * Scaffolding in a real workbench against the test API server: diagnostics and their quick fixes in
 * YAML editors, the generators, and Generate RBAC → Apply → SubjectAccessReview proof.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/common/commandIds';
import type { ExtensionApi } from '../../src/extension';
import { isAllowed } from '../../src/permissions/matrix';
import { PermissionsDocuments } from '../../src/permissions/view';
import type { ApplyOutcome } from '../../src/scaffold/applyCommand';
import { DIAGNOSTIC_SOURCE } from '../../src/scaffold/diagnostics';
import { analyzeManifest } from '../../src/scaffold/manifestAnalysis';
import type { GeneratedYaml } from '../../src/scaffold/generateCommands';
import type { TreeNode } from '../../src/tree/model';
import { adminContextLoaded, answeringDefaults, getApi, resetKubeconfigs, sessionQuiet, testCluster, until, writeExtraKubeconfig, type HostCluster } from './helpers';

const run = <T>(id: string, arg?: unknown): Thenable<T> => vscode.commands.executeCommand<T>(id, arg);


async function openYaml(content: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content });
  await vscode.window.showTextDocument(doc);
  return doc;
}

const ours = (doc: vscode.TextDocument, code?: string): vscode.Diagnostic[] =>
  vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === DIAGNOSTIC_SOURCE && (code === undefined || d.code === code));

const diagnostic = (doc: vscode.TextDocument, code: string): Promise<vscode.Diagnostic> => until(() => ours(doc, code)[0], `a ${code} diagnostic`);

/** Applies the quick fix whose title matches, as the lightbulb would. */
async function applyFix(doc: vscode.TextDocument, d: vscode.Diagnostic, title: RegExp): Promise<void> {
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
  const action = actions.find((a) => title.test(a.title));
  assert.ok(action?.edit, `a fix matching ${title}: ${actions.map((a) => a.title).join(' | ')}`);
  assert.ok(await vscode.workspace.applyEdit(action.edit));
}

const projectedPod = (sa: string, token: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: scaffold-test
  namespace: demo
spec:
  serviceAccountName: ${sa}
  # A Pod that mounts its own token: no automounted one (else the workload lint would hint at it).
  automountServiceAccountToken: false
  containers:
    - name: app
      image: busybox
  volumes:
    - name: tok
      projected:
        sources:
          - serviceAccountToken:
${token}
`;

describe('Scaffolding', () => {
  let api: ExtensionApi;
  let cluster: HostCluster;

  before(async () => {
    cluster = await testCluster();
    api = await getApi();
    await adminContextLoaded(api);
    await sessionQuiet(api);
  });
  afterEach(() => resetKubeconfigs());
  after(async () => {
    // Untitled documents stay open during the suite (a closed one's name is reused at once, which
    // would mix up documents); at the end they are reverted, so closing asks nothing.
    for (const doc of vscode.workspace.textDocuments.filter((d) => d.isUntitled && !d.isClosed)) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('reports expirationSeconds below 600 in the API server wording, and the quick fix corrects it', async () => {
    const doc = await openYaml(projectedPod('reader', '              path: token\n              expirationSeconds: 60'));
    const d = await diagnostic(doc, 'expirationTooShort');
    assert.equal(d.message, 'spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(doc.getText(d.range), '60');
    await applyFix(doc, d, /600/);
    assert.match(doc.getText(), /expirationSeconds: 600\n/);
    await until(() => ours(doc, 'expirationTooShort').length === 0, 'the diagnostic to go away');
  });

  it('fixes an absolute token path and a legacy token Secret without its ServiceAccount annotation', async () => {
    const doc = await openYaml(`${projectedPod('reader', '              path: /etc/token')}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: reader-token-2\n  namespace: demo\ntype: kubernetes.io/service-account-token\n`);
    const path = await diagnostic(doc, 'tokenPathAbsolute');
    assert.match(path.message, /spec\.volumes\[0\]\.projected\.path: Invalid value: "\/etc\/token": must be a relative path/);
    await applyFix(doc, path, /etc\/token/);
    await until(() => ours(doc, 'tokenPathAbsolute').length === 0, 'the path diagnostic to go away');
    const secret = await diagnostic(doc, 'legacySecretWithoutServiceAccount');
    assert.equal(secret.message, 'metadata.annotations[kubernetes.io/service-account.name]: Required value');
    await applyFix(doc, secret, /service-account\.name: reader/);
    assert.match(doc.getText(), /path: etc\/token\n/);
    assert.match(doc.getText(), /annotations:\n {4}kubernetes\.io\/service-account\.name: reader\n/);
    await until(() => ours(doc).length === 0, 'no diagnostics left');
  });

  it('checks against the connected cluster: a missing ServiceAccount and an audience it does not accept', async () => {
    api.services.session.module(); // connected: the cluster layer is loaded
    const doc = await openYaml(projectedPod('ghost-sa', '              path: token\n              audience: vault'));
    const missing = await diagnostic(doc, 'serviceAccountMissing');
    assert.match(missing.message, /^serviceaccounts "ghost-sa" not found: namespace "demo" of context "test-admin"/);
    assert.equal(missing.severity, vscode.DiagnosticSeverity.Warning);
    const audience = await diagnostic(doc, 'audienceUnknown');
    assert.match(audience.message, new RegExp(`Audience "vault" is not an API audience of context "test-admin" \\(${cluster.issuer.replace(/\./g, '\\.')}\\)`));
    await applyFix(doc, missing, /existing ServiceAccount "reader"/);
    await until(() => ours(doc, 'serviceAccountMissing').length === 0, 'the ServiceAccount diagnostic to go away');
    await applyFix(doc, await diagnostic(doc, 'audienceUnknown'), /Use the API audience/);
    assert.match(doc.getText(), /serviceAccountName: reader\n/);
    assert.ok(doc.getText().includes(`audience: ${cluster.issuer}`), doc.getText());
    await until(() => ours(doc).length === 0, 'no diagnostics left');
  });

  it('generates from a ServiceAccount node of the tree, asking audience, lifetime and mount path', async () => {
    api.tree.refresh();
    const kids = async (n?: TreeNode): Promise<TreeNode[]> => (await api.tree.provider.getChildren(n)) ?? [];
    const ctx = await until(async () => (await kids()).find((n) => n.kind === 'context' && n.entry.name === 'test-admin'), 'context node');
    const ns = await until(async () => (await kids(ctx)).find((n) => n.kind === 'namespace' && n.name === 'demo'), 'namespace node');
    const sa = await until(async () => (await kids(ns)).find((n) => n.kind === 'serviceAccount' && n.sa.name === 'reader'), 'ServiceAccount node');
    // Accept each prompt's default: no audience, 3600 s, the default mount path.
    const result = await answeringDefaults(run<GeneratedYaml>(CommandIds.generateProjectedPod, sa), 'the three prompts to be answered');
    assert.match(result.yaml, /serviceAccountName: reader\n/);
    assert.match(result.yaml, /expirationSeconds: 3600\n/);
    assert.match(result.yaml, /mountPath: \/var\/run\/secrets\/tokens\n/);
    assert.doesNotMatch(result.yaml, /audience/);
  });

  it('generates a projected-token Pod and a rotation CronJob for a ServiceAccount, with nothing to report', async () => {
    const pod = await run<GeneratedYaml>(CommandIds.generateProjectedPod, { context: 'test-admin', namespace: 'demo', serviceAccount: 'reader', audience: 'vault', expirationSeconds: 900 });
    assert.match(pod.yaml, /serviceAccountName: reader\n/);
    assert.match(pod.yaml, /expirationSeconds: 900\n/);
    const podDoc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === pod.uri);
    assert.equal(podDoc?.languageId, 'yaml');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), pod.uri);
    const cron = await run<GeneratedYaml>(CommandIds.generateRotationCronJob, { context: 'test-admin', namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 3600 });
    assert.match(cron.yaml, /kind: CronJob/);
    assert.match(cron.yaml, /kubectl create token reader --duration=3600s/);
    assert.deepEqual([...analyzeManifest(pod.yaml).findings, ...analyzeManifest(cron.yaml).findings], []);
    assert.match(cron.yaml, /automountServiceAccountToken: true\n/);
    assert.match(cron.yaml, /image: docker.io\/alpine\/k8s:/);
  });

  it('generates RBAC, applies it (dry run first) and proves it: chosen verbs allowed, another verb denied', async () => {
    const name = `scaffold-${Date.now().toString(36)}`;
    await cluster.objects.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'demo' } });
    const gen = await run<GeneratedYaml>(CommandIds.generateRbac, { context: 'test-admin', namespace: 'demo', serviceAccount: name, resources: ['configmaps', 'deployments.apps'], verbs: ['get', 'list'], scope: 'namespace' });
    assert.match(gen.yaml, /kind: Role\n/);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), gen.uri);
    const rolePath = `/apis/rbac.authorization.k8s.io/v1/namespaces/demo/roles/${name}-access`;
    const before = await cluster.requestCount('PATCH', rolePath);

    const outcome = await run<ApplyOutcome>(CommandIds.applyManifest, { context: 'test-admin', confirm: false, show: true });
    assert.equal(outcome.status, 'applied', JSON.stringify(outcome.results));
    assert.deepEqual(outcome.results.map((r) => [r.kind, r.name, r.namespace, r.phase, r.ok, r.action]), [
      ['Role', `${name}-access`, 'demo', 'apply', true, 'created'],
      ['RoleBinding', `${name}-access`, 'demo', 'apply', true, 'created'],
    ]);
    // A server-side apply as a dry run, then one for real, per object.
    assert.equal((await cluster.requestCount('PATCH', rolePath)) - before, 2);
    assert.ok(await cluster.objects.get('rbac.authorization.k8s.io/v1', 'RoleBinding', `${name}-access`, 'demo'));

    const proof = outcome.proof;
    assert.ok(proof, 'a proof');
    assert.equal(proof.exact, true, JSON.stringify(proof.mismatches));
    const m = proof.matrix;
    assert.deepEqual(m.serviceAccount, { namespace: 'demo', name });
    assert.equal(m.method, 'accessReview');
    for (const verb of ['get', 'list']) {
      assert.equal(isAllowed(m, verb, 'configmaps'), true, `${verb} configmaps allowed`);
      assert.equal(isAllowed(m, verb, 'deployments', 'apps'), true, `${verb} deployments allowed`);
    }
    for (const verb of ['delete', 'watch', 'create']) {
      assert.equal(m.rows.find((r) => r.resource === 'configmaps')?.cells[verb]?.allowed, false, `${verb} configmaps denied`);
      assert.equal(isAllowed(m, verb, 'deployments', 'apps'), false, `${verb} deployments denied`);
    }
    assert.equal(m.rows.find((r) => r.resource === 'configmaps')?.cells.get.grants[0]?.bindingName, `${name}-access`);
    const shown = api.permissions.documents.provideTextDocumentContent(PermissionsDocuments.uriFor(m));
    assert.match(shown, /Proof: SubjectAccessReviews allow exactly the chosen verbs/);
    assert.match(shown, /Denied on configmaps: watch, create, update, patch, delete/);
  });

  it('creates nothing when the dry run refuses an object, and names the missing permission on 403', async () => {
    const bad = await openYaml(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: scaffold-ok, namespace: demo}\n---\n${projectedPod('reader', '              path: token\n              expirationSeconds: 60')}`);
    const refused = await run<ApplyOutcome>(CommandIds.applyManifest, { uri: bad.uri.toString(), context: 'test-admin', confirm: false });
    assert.equal(refused.status, 'dryRunFailed');
    assert.deepEqual(refused.results.map((r) => [r.kind, r.phase, r.ok]), [['ConfigMap', 'dryRun', true], ['Pod', 'dryRun', false]]);
    assert.match(refused.results[1].message ?? '', /may not specify a duration less than 10 minutes/);
    assert.equal(await cluster.objects.get('v1', 'ConfigMap', 'scaffold-ok', 'demo'), undefined, 'nothing created');

    await writeExtraKubeconfig({ contextName: 'scaffold-jane', user: { name: 'jane' } });
    await until(() => api.services.session.connections().kubeconfigs.contexts.some((c) => c.name === 'scaffold-jane'), 'context scaffold-jane');
    await sessionQuiet(api);
    const doc = await openYaml('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: scaffold-jane, namespace: demo}\n');
    const forbidden = await run<ApplyOutcome>(CommandIds.applyManifest, { uri: doc.uri.toString(), context: 'scaffold-jane', confirm: false });
    assert.equal(forbidden.status, 'dryRunFailed');
    // Server-side apply is a PATCH: RBAC checks the verb patch (and create, for a new object, after it).
    assert.equal(forbidden.results[0].missingPermission, 'patch configmaps in namespace "demo"');
    assert.match(forbidden.results[0].message ?? '', /Permission denied: jane may not patch configmaps in namespace "demo"/);
  });
});
