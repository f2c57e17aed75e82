/**
 * Check Token Against Cluster (the token doctor) through the real command, against the test API
 * server: a valid token, an expired one, a wrong audience, another cluster's key, a deleted and a
 * recreated ServiceAccount, and a deleted bound Secret. Each finding must carry its fix.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/common/commandIds';
import type { Finding } from '../../src/doctor/findings';
import type { CheckOutcome } from '../../src/hover/tokenCommands';
import type { ContextClient } from '../../src/kube/http';
import type { KubeModule } from '../../src/kube/session';
import type { TokenRequestInput } from '../../src/kube/tokenRequest';
import type { TestCluster } from '../../testserver/api';
import { startTestCluster } from '../../testserver/index';
import { answeringDefaults, captureWorkbench, getApi, resetKubeconfigs, sessionQuiet, testCluster, waitFor, type ExtensionApi, type HostCluster } from './helpers';
import { noToasts } from './workbenchShots';


const codes = (o: CheckOutcome): string[] => o.report.findings.map((f) => f.code);
function finding(o: CheckOutcome, code: string): Finding {
  const f = o.report.findings.find((x) => x.code === code);
  assert.ok(f, `no ${code} finding in ${JSON.stringify(o.report.findings, null, 1)}`);
  return f;
}

describe('Token doctor (Check Token Against Cluster)', () => {
  let api: ExtensionApi;
  let cluster: HostCluster;
  /** A cluster whose clock the test moves, to mint tokens that have already expired. */
  let clocked: TestCluster;
  /** Same issuer as the shared cluster, its own signing key. */
  let other: TestCluster;
  let offsetMs = 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-'));

  before(async () => {
    cluster = await testCluster();
    [clocked, other] = await Promise.all([startTestCluster({ now: () => Date.now() + offsetMs }), startTestCluster({ seed: 'demo' })]);
    const cfg = vscode.workspace.getConfiguration('k8sTokens');
    const files = [clocked.writeKubeconfig(path.join(dir, 'clocked.kubeconfig'), { contextName: 'doctor-clocked' }), other.writeKubeconfig(path.join(dir, 'other.kubeconfig'), { contextName: 'doctor-other' })];
    await cfg.update('kubeconfigPaths', [...cfg.get<string[]>('kubeconfigPaths', []), ...files], vscode.ConfigurationTarget.Global);
    api = await getApi();
    await waitFor(() => (['test-admin', 'doctor-clocked', 'doctor-other'].every((n) => api.services.session.connections().kubeconfigs.contexts.some((c) => c.name === n)) ? true : undefined), 'the three contexts');
    await sessionQuiet(api);
  });
  after(async () => {
    await resetKubeconfigs();
    await Promise.all([clocked.close(), other.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    offsetMs = 0;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const kube = (): KubeModule => api.services.session.module();
  const client = (context = 'test-admin'): ContextClient => api.services.session.connections().client(context);
  async function mint(input: Partial<TokenRequestInput> = {}, context = 'test-admin'): Promise<string> {
    return (await kube().requestToken(client(context), { namespace: 'demo', serviceAccount: 'ci-deployer', ...input })).token;
  }
  async function check(token: string, context = 'test-admin', show = false): Promise<CheckOutcome> {
    const r = await vscode.commands.executeCommand<CheckOutcome | undefined>(CommandIds.checkToken, { token, context, show });
    assert.ok(r, 'the check returned a report');
    return r;
  }
  async function newServiceAccount(prefix: string): Promise<string> {
    const name = `${prefix}-${Date.now().toString(36)}`;
    await client().request({ method: 'POST', path: '/api/v1/namespaces/demo/serviceaccounts', body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } } });
    return name;
  }

  it('accepts a valid token, says what it may do, and shows the report', async () => {
    const token = await mint({ expirationSeconds: 3600 });
    const r = await check(token, 'test-admin', true);
    assert.equal(r.report.verdict, 'accepted');
    assert.deepEqual(r.report.findings.filter((f) => f.severity === 'error'), []);
    for (const c of ['accepted', 'signatureVerified', 'serviceAccountOk', 'permissions']) assert.ok(codes(r).includes(c), c);
    assert.match(finding(r, 'permissions').detail, /create serviceaccounts\/token/);
    assert.equal(r.uri.scheme, 'k8s-token');
    const text = (await vscode.workspace.openTextDocument(r.uri)).getText();
    // Markdown with every claim-derived text escaped (`\` before punctuation); the title names the
    // token and the context, with the verdict's symbol (issue 12), and so does the document.
    assert.ok(text.startsWith('# ✔ Token demo\\/ci\\-deployer checked against context \\"test\\-admin\\"\n'), text);
    assert.match(r.uri.path, /^\/check-demo-ci-deployer-on-test-admin(-\d+)?\.md$/);
    assert.ok(text.includes('accepts this token\\.'));
    assert.ok(text.includes('Signed by this cluster'));
    assert.ok(!text.includes(token.split('.')[2]) && !text.includes(token.split('.')[1]), 'no token in the report');
    const state = JSON.stringify(api.services.context.globalState.keys().map((k) => api.services.context.globalState.get(k)));
    assert.ok(!state.includes(token), 'no token in globalState');
  });

  it('explains an expired token and how to get a new one', async () => {
    offsetMs = -2 * 3600_000;
    const token = await mint({ expirationSeconds: 3600 }, 'doctor-clocked');
    offsetMs = 0;
    const r = await check(token, 'doctor-clocked');
    assert.equal(r.report.verdict, 'rejected');
    assert.match(finding(r, 'rejected.expired').fix ?? '', /kubectl create token ci-deployer -n demo/);
    assert.ok(codes(r).includes('signatureVerified'), 'the signature is still the cluster\'s');
  });

  it('names the audience a token for another service needs', async () => {
    const r = await check(await mint({ audiences: ['vault'] }));
    assert.equal(r.report.verdict, 'rejected');
    const f = finding(r, 'rejected.audience');
    assert.match(f.detail, /The token is for vault/);
    assert.match(f.fix ?? '', /--audience https:\/\/kubernetes\.default\.svc\.cluster\.local/);
    assert.ok(codes(r).includes('ownAudienceAccepted'));
  });

  it('says a token signed by another cluster\'s key was issued elsewhere', async () => {
    const r = await check(await mint({}, 'doctor-other'));
    assert.equal(r.report.verdict, 'rejected');
    const f = finding(r, 'unknownKid');
    assert.match(f.detail, /issued by another cluster/);
    assert.ok(f.fix, 'with a fix');
    // The real cause first, and the TokenReview's generic "invalid signature" only in its detail.
    assert.equal(r.report.findings[0].code, 'unknownKid');
    assert.ok(!codes(r).includes('rejected.signature'), codes(r).join(', '));
    // The same token checked against its own cluster is fine.
    assert.equal((await check(await mint({}, 'doctor-other'), 'doctor-other')).report.verdict, 'accepted');
  });

  it('proposes the context whose key verified a token of the same signer before', async () => {
    await check(await mint({}, 'doctor-other'), 'doctor-other');
    const checking = vscode.commands.executeCommand<CheckOutcome | undefined>(CommandIds.checkToken, { token: await mint({}, 'doctor-other'), show: false });
    // Accept the first item of the context pick: the proposed one.
    const result = await answeringDefaults(checking, 'the context pick to be answered');
    assert.equal(result.report.context, 'doctor-other');
    assert.equal(result.report.verdict, 'accepted');
  });

  it('explains a deleted ServiceAccount and how to recreate it', async () => {
    const name = await newServiceAccount('doctor-gone');
    const token = await mint({ serviceAccount: name });
    assert.ok(await cluster.objects.delete('v1', 'ServiceAccount', name, 'demo'));
    const r = await check(token);
    assert.equal(r.report.verdict, 'rejected');
    assert.match(finding(r, 'rejected.saDeleted').fix ?? '', new RegExp(`kubectl create serviceaccount ${name} -n demo`));
  });

  it('explains a recreated ServiceAccount (same name, new uid)', async () => {
    const name = await newServiceAccount('doctor-phoenix');
    const token = await mint({ serviceAccount: name });
    const renewed = await kube().recreateServiceAccount(client(), 'demo', name);
    const r = await check(token);
    assert.equal(r.report.verdict, 'rejected');
    const f = finding(r, 'rejected.saRecreated');
    assert.ok(f.detail.includes(renewed.uid), f.detail);
    assert.ok(f.fix, 'with a fix');
  });

  it('follows a Secret-bound token from accepted to revoked when its Secret is deleted', async () => {
    const secret = await kube().createRevocableSecret(client(), 'demo', 'reader');
    const token = await mint({ serviceAccount: 'reader', boundObjectRef: { kind: 'Secret', name: secret.name, uid: secret.uid } });
    const first = await check(token);
    assert.equal(first.report.verdict, 'accepted');
    assert.ok(codes(first).includes('boundObjectOk'));
    await kube().deleteSecret(client(), 'demo', secret.name);
    const r = await check(token);
    assert.equal(r.report.verdict, 'rejected');
    const f = finding(r, 'rejected.invalidated');
    assert.match(f.detail, new RegExp(`bound Secret "${secret.name}" was deleted`));
    assert.ok(f.fix, 'with a fix');
  });

  it('names each report after its token: the same token again reuses it, another token of the same ServiceAccount gets a -N', async () => {
    // Earlier checks may still hold the plain name (VS Code disposes closed documents lazily): match the suffix.
    const name = /^\/check-demo-ci-deployer-on-test-admin(-\d+)?\.md$/;
    const first = await check(await mint(), 'test-admin', true);
    const other = await check(await mint({}, 'doctor-other'), 'test-admin', true);
    assert.match(first.uri.path, name);
    assert.match(other.uri.path, name);
    assert.notEqual(other.uri.path, first.uri.path, 'another token of the same ServiceAccount: another document');
    const token = await mint();
    const once = await check(token, 'doctor-other');
    assert.match(once.uri.path, /^\/check-demo-ci-deployer-on-doctor-other(-\d+)?\.md$/);
    assert.equal((await check(token, 'doctor-other')).uri.path, once.uri.path, 'the same token on the same context: the same document');
  });

  it('shows the real cause first and each fix once in the rendered report (screenshot)', async () => {
    // A token of a cluster with the same issuer and another key: the TokenReview says "invalid
    // signature", the JWKS check says which key is missing. One error, the cause, one fix.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    const r = await check(await mint({}, 'doctor-other'), 'test-admin', true);
    await noToasts();
    const shot = await waitFor(async () => {
      const c = await captureWorkbench('doctor-report-unknown-kid', { frameUrlIncludes: 'webview', selector: 'h1, h2, strong' });
      return c.texts.some((t) => t.includes('checked against context')) ? c : undefined;
    }, 'the rendered report');
    const headings = shot.texts.filter((t) => t.startsWith('✘') || t.startsWith('⚠') || t.startsWith('ℹ') || t.startsWith('✔'));
    assert.deepEqual(headings, ['✘ Token demo/ci-deployer checked against context "test-admin"', '✘ Error: No key with this kid in the cluster']);
    assert.equal(shot.texts.filter((t) => t === 'Fix:').length, 1, `one fix: ${shot.texts.join(' | ')}`);
    assert.equal(r.report.findings.filter((f) => f.severity === 'error').length, 1, JSON.stringify(r.report.findings));
  });

  it('says why a text is not a token instead of calling the cluster', async () => {
    const before = await cluster.requestCount('POST', '/apis/authentication.k8s.io/v1/tokenreviews');
    const r = await vscode.commands.executeCommand<CheckOutcome | undefined>(CommandIds.checkToken, { token: 'eyJhbGciOiJSUzI1NiJ9.%%%.x', context: 'test-admin' });
    assert.equal(r, undefined);
    assert.equal(await cluster.requestCount('POST', '/apis/authentication.k8s.io/v1/tokenreviews'), before);
  });
});
