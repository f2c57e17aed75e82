/**
 * Set Up Cross-Cluster Trust through the real command, against two test API servers: cluster A
 * (context cluster-a, issuer https://cluster-a.k8s-sa-tokens.test) issues the tokens, cluster B
 * (test-admin) should accept them. From the palette with every answer given, from the doctor's
 * "issued by another cluster" finding (the token, the accepting context and the issuer; the rest
 * answered with the defaults), and from a context in the ServiceAccounts view. The documents open
 * as untitled YAML editors named after what they hold. The end-to-end proof with two real
 * kube-apiservers is test/differential/federation.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/common/commandIds';
import type { TrustOutcome } from '../../src/federation/registerFederation';
import type { CheckOutcome } from '../../src/hover/tokenCommands';
import type { TreeNode } from '../../src/tree/model';
import type { TestCluster } from '../../testserver/api';
import { startTestCluster } from '../../testserver/index';
import { answeringDefaults, captureWorkbench, getApi, resetKubeconfigs, sessionQuiet, testCluster, waitFor, type ExtensionApi } from './helpers';
import { noToasts } from './workbenchShots';

const ISSUER_A = 'https://cluster-a.k8s-sa-tokens.test';
const CHOICES = {
  audience: 'https://cluster-b.example',
  prefix: 'cluster-a:',
  accept: { namespace: 'demo', serviceAccount: 'ci-deployer' },
  grant: { clusterRole: 'view', namespace: 'demo' },
  mint: { namespace: 'demo', serviceAccount: 'ci-deployer', expirationSeconds: 3600 },
};

describe('Cross-cluster trust (Set Up Cross-Cluster Trust)', () => {
  let api: ExtensionApi;
  let clusterA: TestCluster;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'federation-'));

  before(async () => {
    await testCluster();
    clusterA = await startTestCluster({ seed: 'demo', issuers: [ISSUER_A] });
    const cfg = vscode.workspace.getConfiguration('k8sTokens');
    const file = clusterA.writeKubeconfig(path.join(dir, 'cluster-a.kubeconfig'), { contextName: 'cluster-a' });
    await cfg.update('kubeconfigPaths', [...cfg.get<string[]>('kubeconfigPaths', []), file], vscode.ConfigurationTarget.Global);
    api = await getApi();
    await waitFor(() => (api.services.session.connections().kubeconfigs.contexts.some((c) => c.name === 'cluster-a') ? true : undefined), 'the cluster-a context');
    await sessionQuiet(api);
  });
  after(async () => {
    await resetKubeconfigs();
    await clusterA.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const mintOnA = async (): Promise<string> =>
    (await api.services.session.module().requestToken(api.services.session.connections().client('cluster-a'), { namespace: 'demo', serviceAccount: 'ci-deployer' })).token;

  it('opens the four documents as untitled YAML editors named after what they hold, the configuration in front', async () => {
    const r = await vscode.commands.executeCommand<TrustOutcome | undefined>(CommandIds.setUpCrossClusterTrust, { acceptingContext: 'test-admin', issuerContext: 'cluster-a', choices: CHOICES });
    assert.ok(r, 'the command returned its outcome');
    assert.deepEqual(r.plan.problems, []);
    assert.deepEqual(r.documents.map((u) => [u.scheme, u.path]), [
      ['untitled', 'authentication-config-test-admin.yaml'],
      ['untitled', 'issuer-discovery-cluster-a.yaml'],
      ['untitled', 'rbac-test-admin-demo-ci-deployer.yaml'],
      ['untitled', 'token-request-cluster-a-demo-ci-deployer.yaml'],
    ]);
    for (const [i, uri] of r.documents.entries()) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      assert.ok(doc, `${uri.path} is open`);
      assert.equal(doc.languageId, 'yaml');
      assert.ok(doc.isUntitled, 'not saved anywhere until the user saves it');
      assert.equal(doc.getText(), r.plan.documents[i].content);
    }
    assert.equal(vscode.window.activeTextEditor?.document.uri.path, 'authentication-config-test-admin.yaml');
    const config = r.plan.documents[0].content;
    assert.match(config, new RegExp(`url: ${ISSUER_A.replace(/\./g, '\\.')}`));
    assert.match(config, new RegExp(`discoveryURL: ${clusterA.url.replace(/\./g, '\\.')}/\\.well-known/openid-configuration`), 'A\'s issuer resolves nowhere: B fetches discovery from A\'s API server');
    // The README's picture: the four tabs in the plan's order, the configuration in front.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await noToasts();
    const shot = await captureWorkbench('readme-federation', { selector: '.tabs-container .tab' });
    assert.deepEqual(shot.texts.map((t) => t.trim()), r.plan.documents.map((d) => d.name));
    assert.ok(fs.statSync(shot.screenshotPath).size > 10_000);
  });

  it('starts from the doctor: a token of another cluster gets the trust action, and the command takes the rest as defaults', async () => {
    const token = await mintOnA();
    const checked = await vscode.commands.executeCommand<CheckOutcome | undefined>(CommandIds.checkToken, { token, context: 'test-admin', show: true });
    assert.ok(checked);
    const cause = checked.report.findings[0];
    assert.equal(cause.code, 'issuerMismatch', 'the real cause first');
    assert.deepEqual(cause.action, { kind: 'crossClusterTrust', issuer: ISSUER_A });
    assert.match(checked.uri.path, /^\/check-demo-ci-deployer-on-test-admin(-\d+)?\.md$/, 'the report names the token and the context');
    // The rendered report (a webview) and the notification with its button, in one picture.
    const report = await waitFor(async () => {
      const c = await captureWorkbench('doctor-report-other-cluster', { frameUrlIncludes: 'webview', selector: 'h1, h2' });
      return c.texts.some((t) => t.includes('checked against context')) ? c : undefined;
    }, 'the rendered report');
    assert.deepEqual(report.texts.slice(0, 2), ['✘ Token demo/ci-deployer checked against context "test-admin"', '✘ Error: Issued by another cluster']);
    const toast = await captureWorkbench('doctor-report-other-cluster-toast', { selector: '.notification-toast' });
    assert.ok(toast.texts.some((t) => t.includes('Cause: Issued by another cluster') && t.includes('Set Up Cross-Cluster Trust')), `the notification names the cause and offers the action: ${toast.texts.join(' | ')}`);

    // What the notification's button runs.
    const r = await answeringDefaults(
      vscode.commands.executeCommand<TrustOutcome | undefined>(CommandIds.setUpCrossClusterTrust, { token, acceptingContext: 'test-admin', issuer: ISSUER_A }),
      'the trust prompts to be answered',
    );
    assert.deepEqual(r.plan.problems, []);
    assert.equal(r.plan.expectedUser.username, 'cluster-a:system:serviceaccount:demo:ci-deployer', 'A picked first, the token\'s ServiceAccount, the default prefix');
    assert.equal(r.plan.documents[0].name, 'authentication-config-test-admin.yaml');
    assert.match(r.plan.documents[0].content, /claims\.sub == 'system:serviceaccount:demo:ci-deployer'/, 'only that ServiceAccount, the recommended scope');
    assert.match(r.plan.documents[2].content, /namespace: demo/, 'granted in the namespace of the same name on B');
  });

  it('checks on B with a fresh token of A: the test server has no --authentication-config, so B refuses it', async () => {
    const r = await vscode.commands.executeCommand<TrustOutcome | undefined>(CommandIds.setUpCrossClusterTrust, { acceptingContext: 'test-admin', issuerContext: 'cluster-a', choices: CHOICES, show: false, check: true });
    assert.ok(r);
    assert.deepEqual(r.documents, []);
    assert.deepEqual(r.check, { accepted: false });
  });

  it('starts from a context in the ServiceAccounts view, which becomes the accepting cluster', async () => {
    const contexts = (await api.tree.provider.getChildren(undefined)) ?? [];
    const node = contexts.find((n: TreeNode) => n.kind === 'context' && n.entry.name === 'test-admin');
    assert.ok(node, 'the test-admin context node');
    const r = await answeringDefaults(vscode.commands.executeCommand<TrustOutcome | undefined>(CommandIds.setUpCrossClusterTrust, node), 'the trust prompts to be answered');
    assert.equal(r.plan.documents[0].name, 'authentication-config-test-admin.yaml');
    assert.ok(r.plan.documents.some((d) => d.name.startsWith('token-request-cluster-a-')), r.plan.documents.map((d) => d.name).join(', '));
  });
});
