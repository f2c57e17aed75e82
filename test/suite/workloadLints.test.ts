/**
 * Workload lints, binding subjects, cluster-learnt token defaults and snippets in a real workbench
 * against the test API server (issue 13 workload lints and details 7; issue 12 bug 5 and snippets).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE } from '../../src/scaffold/diagnostics';
import type { ExtensionApi } from '../../src/extension';
import { adminContextLoaded, captureWorkbench, getApi, sessionQuiet, testCluster, testserverOnly, until, type HostCluster } from './helpers';

async function openYaml(content: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content });
  await vscode.window.showTextDocument(doc);
  return doc;
}

const ours = (doc: vscode.TextDocument, code?: string): vscode.Diagnostic[] =>
  vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === DIAGNOSTIC_SOURCE && (code === undefined || d.code === code));
const diagnostic = (doc: vscode.TextDocument, code: string, match?: RegExp): Promise<vscode.Diagnostic> =>
  until(() => ours(doc, code).find((d) => !match || match.test(d.message)), `a ${code} diagnostic${match ? ` matching ${match}` : ''}`);

async function applyFix(doc: vscode.TextDocument, d: vscode.Diagnostic, title: RegExp): Promise<vscode.CodeAction> {
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
  const action = actions.find((a) => title.test(a.title));
  assert.ok(action?.edit, `a fix matching ${title}: ${actions.map((a) => a.title).join(' | ')}`);
  assert.ok(await vscode.workspace.applyEdit(action.edit));
  return action;
}

const deployment = (extra: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: lint-web
  namespace: demo
spec:
  selector: {matchLabels: {app: lint-web}}
  template:
    metadata: {labels: {app: lint-web}}
    spec:
${extra}      containers:
        - name: app
          image: busybox
`;

describe('Workload lints and snippets', () => {
  let api: ExtensionApi;
  let cluster: HostCluster;

  before(async () => {
    cluster = await testCluster();
    api = await getApi();
    await adminContextLoaded(api);
    await sessionQuiet(api);
    api.services.session.module(); // connected: the cluster layer is loaded
  });
  after(async () => {
    for (const doc of vscode.workspace.textDocuments.filter((d) => d.isUntitled && !d.isClosed)) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('offers the snippets behind k8s-sa- only, not on ordinary words such as name: ci-token', async () => {
    const doc = await openYaml('metadata:\n  name: ci-token\n  labels:\n    app: token\nk8s-sa-rot\n');
    const at = async (line: number): Promise<string[]> => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(line, doc.lineAt(line).text.length));
      return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    };
    for (const line of [1, 3]) assert.deepEqual((await at(line)).filter((l) => l.startsWith('k8s-')), [], `line ${line}`);
    const offered = await at(4);
    assert.ok(offered.includes('k8s-sa-token-rotation-cronjob'), offered.join(', '));
    assert.ok(offered.includes('k8s-sa-rolebinding'));

    // The suggest widget as a user sees it.
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(4, 10, 4, 10);
    await vscode.commands.executeCommand('editor.action.triggerSuggest');
    const shown = await until(async () => {
      const c = await captureWorkbench('snippets-k8s-sa', { selector: '.suggest-widget .monaco-list-row' });
      return c.texts.some((t) => t.includes('k8s-sa-token-rotation-cronjob')) ? c : undefined;
    }, 'the suggest widget with our snippets');
    assert.ok(shown.screenshotPath);
    await vscode.commands.executeCommand('hideSuggestWidget');
  });

  it('lints a Deployment running as the default ServiceAccount with its token automounted, and fixes both', async () => {
    const doc = await openYaml(deployment(''));
    const def = await diagnostic(doc, 'default-service-account');
    assert.match(def.message, /Deployment "lint-web" runs as the default ServiceAccount/);
    assert.equal(def.severity, vscode.DiagnosticSeverity.Information);
    const auto = await diagnostic(doc, 'automountServiceAccountToken');
    assert.match(auto.message, /consider automountServiceAccountToken: false/);
    await applyFix(doc, def, /dedicated ServiceAccount "lint-web"/);
    assert.match(doc.getText(), / {6}serviceAccountName: lint-web\n/);
    assert.match(doc.getText(), /kind: ServiceAccount\nmetadata:\n {2}name: lint-web\n {2}namespace: demo\n/);
    await until(() => ours(doc, 'default-service-account').length === 0, 'the default-service-account hint to go away');
    await applyFix(doc, await diagnostic(doc, 'automountServiceAccountToken'), /false/);
    assert.match(doc.getText(), / {6}automountServiceAccountToken: false\n/);
    await until(() => ours(doc).length === 0, 'no diagnostics left');
  });

  it('checks RoleBinding subjects against the cluster and offers the closest existing ServiceAccount', async () => {
    const doc = await openYaml('apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: lint-read, namespace: demo}\nsubjects:\n  - kind: ServiceAccount\n    name: reder\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n');
    const d = await diagnostic(doc, 'subjectServiceAccountMissing');
    assert.match(d.message, /^serviceaccounts "reder" not found: namespace "demo" of context "test-admin" has no such ServiceAccount, so RoleBinding "lint-read" grants nothing to it/);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    const fix = await applyFix(doc, d, /existing ServiceAccount "reader"/);
    assert.equal(fix.isPreferred, true, 'the closest name is the preferred fix');
    assert.match(doc.getText(), /name: reader\n/);
    await until(() => ours(doc).length === 0, 'no diagnostics left');
  });

  it('flags the cluster\'s legacy token Secret mounted as a volume and replaces it with a projected token', async () => {
    const doc = await openYaml(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: lint-legacy, namespace: demo}\nspec:\n  serviceAccountName: reader\n  automountServiceAccountToken: false\n  containers: [{name: c, image: busybox}]\n  volumes:\n    - name: tok\n      secret:\n        secretName: reader-token\n',
    );
    const d = await diagnostic(doc, 'legacyTokenSecretMounted');
    assert.match(d.message, /mounts the legacy token Secret "reader-token" \(type kubernetes.io\/service-account-token in namespace "demo" of context "test-admin"\)/);
    await applyFix(doc, d, /projected token/);
    assert.match(doc.getText(), /projected: \{sources: \[\{serviceAccountToken:/);
    await until(() => ours(doc).length === 0, 'no diagnostics left');
  });

  it('learns several API audiences and the maximum lifetime from minted tokens, not only the issuer [testserver-only]', async () => {
    const kube = api.services.session.module();
    const client = api.services.session.connections().client('test-admin');
    const vault = 'https://vault.example.com';
    testserverOnly(cluster).configure({ apiAudiences: [cluster.issuer, vault], maxTokenExpirationSeconds: 7200 });
    try {
      // A token minted from the context (no audiences asked, a lifetime over the maximum) teaches both.
      await kube.requestToken(client, { namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 86400 });
      const pod = (audience: string, seconds: number, sa = 'reader'): string =>
        `apiVersion: v1\nkind: Pod\nmetadata: {name: lint-aud, namespace: demo}\nspec:\n  serviceAccountName: ${sa}\n  automountServiceAccountToken: false\n  containers: [{name: c, image: busybox}]\n  volumes:\n    - name: t\n      projected:\n        sources:\n          - serviceAccountToken: {path: token, audience: ${audience}, expirationSeconds: ${seconds}}\n`;
      // lint-ghost does not exist: its diagnostic shows that the cluster checks of this document ran.
      const accepted = await openYaml(pod(vault, 3600, 'lint-ghost'));
      const other = await openYaml(pod('https://other.example.com', 86400));
      const unknown = await diagnostic(other, 'audienceUnknown');
      assert.ok(unknown.message.includes(`(${cluster.issuer}, ${vault})`), unknown.message);
      const max = await diagnostic(other, 'expirationAboveMaximum');
      assert.match(max.message, /expirationSeconds 86400 is above the longest lifetime context "test-admin" grants, 7200 s \(learnt from a token minted there\)/);
      await applyFix(other, max, /7200/);
      assert.match(other.getText(), /expirationSeconds: 7200\}/);
      await diagnostic(accepted, 'serviceAccountMissing');
      assert.deepEqual(ours(accepted).map((d) => d.code), ['serviceAccountMissing'], 'the second API audience is accepted');
    } finally {
      testserverOnly(cluster).configure({ apiAudiences: [], maxTokenExpirationSeconds: 0 });
      // Teach the defaults back for the other suites.
      await kube.requestToken(client, { namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 86400 });
    }
    assert.deepEqual(kube.learntTokenDefaults(client), { apiAudiences: [cluster.issuer] });
  });
});
