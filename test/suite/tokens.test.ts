/**
 * Minting and what follows it, through the real commands in the workbench, against the test API
 * server. Commands get every option as an argument, so no prompt or modal opens.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/common/commandIds';
import type { ExtensionApi } from '../../src/extension';
import type { ExportOutcome } from '../../src/tokens/exportCommand';
import type { LegacySecretOutcome } from '../../src/tokens/legacySecret';
import type { MintOutcome, MintSuccess } from '../../src/tokens/mint';
import type { RevokeOutcome } from '../../src/tokens/revoke';
import { adminContextLoaded, answeringDefaults, getApi, resetKubeconfigs, sessionQuiet, testCluster, testserverOnly, until, writeExtraKubeconfig, type HostCluster } from './helpers';

const run = <T>(id: string, arg?: unknown): Thenable<T> => vscode.commands.executeCommand<T>(id, arg);
const target = { context: 'test-admin', namespace: 'demo', serviceAccount: 'reader' };

function minted(o: MintOutcome | undefined): MintSuccess {
  assert.ok(o, 'no result');
  assert.equal(o.status, 'minted', JSON.stringify(o));
  return o as MintSuccess;
}

describe('Token minting', () => {
  let api: ExtensionApi;
  let cluster: HostCluster;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokens-'));

  before(async () => {
    cluster = await testCluster();
    api = await getApi();
    await adminContextLoaded(api);
    await sessionQuiet(api);
  });
  afterEach(async () => {
    cluster.testserver?.configure({ maxTokenExpirationSeconds: 0, extendTokenExpiration: true });
    cluster.testserver?.setFault(undefined);
    await resetKubeconfigs();
  });

  it('mints with the given options, keeps metadata in globalState and the value only in SecretStorage', async () => {
    const m = minted(await run<MintOutcome>(CommandIds.mintToken, { ...target, duration: '2h', audiences: [], keep: true, copy: true }));
    assert.equal(m.report.grantedSeconds, 7200);
    assert.equal(m.report.clamp, undefined);
    assert.equal(m.claims.sub, 'system:serviceaccount:demo:reader');
    assert.equal(m.copied, true);
    assert.equal(await vscode.env.clipboard.readText(), m.token);
    assert.ok(m.kept);
    const entry = api.tokenStore.get(m.kept.id);
    assert.equal(entry?.grantedSeconds, 7200);
    assert.equal(entry?.jti, m.claims.jti);
    assert.equal(await api.tokenStore.token(m.kept.id), m.token);
    const state = JSON.stringify(api.services.context.globalState.keys().map((k) => api.services.context.globalState.get(k)));
    assert.ok(!state.includes(m.token), 'no token value in globalState');
  });

  it('asks lifetime, audiences and binding when they are not given, offering the defaults first', async () => {
    // Accept the first item of each quick pick: default lifetime (1h), cluster audiences, not bound.
    const m = minted(await answeringDefaults(run<MintOutcome>(CommandIds.mintToken, target), 'the three prompts to be answered'));
    assert.equal(m.report.requestedSeconds, 3600);
    assert.equal(m.boundObject, undefined);
    assert.deepEqual(m.audiences, ['https://kubernetes.default.svc.cluster.local']);
  });

  it('refuses less than 10 minutes before calling the cluster, in the API server wording', async () => {
    const before = await cluster.requestCount('POST', '/api/v1/namespaces/demo/serviceaccounts/reader/token');
    const r = await run<MintOutcome>(CommandIds.mintToken, { ...target, duration: '5m' });
    assert.equal(r.status, 'refused');
    assert.match(r.status === 'refused' ? r.message : '', /may not specify a duration less than 10 minutes/);
    assert.equal(await cluster.requestCount('POST', '/api/v1/namespaces/demo/serviceaccounts/reader/token'), before);
    const long = await run<MintOutcome>(CommandIds.mintToken, { ...target, duration: 2 ** 32 + 1 });
    assert.equal(long.status, 'refused');
  });

  it('explains the clamp of --service-account-max-token-expiration [testserver-only]', async () => {
    testserverOnly(cluster).configure({ maxTokenExpirationSeconds: 86400 });
    const m = minted(await run<MintOutcome>(CommandIds.mintToken, { ...target, duration: '2d' }));
    assert.deepEqual(m.report.clamp, { kind: 'maxExpiration', requestedSeconds: 172800, grantedSeconds: 86400 });
    assert.deepEqual(m.warnings, ['requested expiration of 172800 seconds shortened to 86400 seconds']);
    assert.match(m.report.notes[0], /--service-account-max-token-expiration=86400s/);
  });

  it('explains the Pod-bound extension (exp 365 d, status 3607 s)', async () => {
    const m = minted(await run<MintOutcome>(CommandIds.mintToken, { ...target, serviceAccount: 'ci-deployer', duration: '3607s', bind: { kind: 'Pod', name: 'web-0' } }));
    assert.equal(m.boundObject?.kind, 'Pod');
    assert.equal(m.report.extended, true);
    assert.equal(Math.round((m.report.expiresAt - m.report.issuedAt) / 1000), 31536000);
    assert.equal(Math.round((m.report.statusExpiresAt - m.report.issuedAt) / 1000), 3607);
    assert.match(m.report.notes.join(' '), /warnafter/);
  });

  it('sends requested audiences', async () => {
    const m = minted(await run<MintOutcome>(CommandIds.mintToken, { ...target, duration: '1h', audiences: ['vault', 'https://example.com'] }));
    assert.deepEqual(m.audiences, ['vault', 'https://example.com']);
    assert.deepEqual(m.claims.aud, ['vault', 'https://example.com']);
  });

  it('names the missing permission on 403 and offers the RBAC that grants it', async () => {
    await writeExtraKubeconfig({ contextName: 'jane-mint', user: { name: 'jane' } });
    await until(() => api.services.session.connections().kubeconfigs.contexts.some((c) => c.name === 'jane-mint'), 'jane-mint');
    await sessionQuiet(api);
    const r = await run<MintOutcome>(CommandIds.mintToken, { ...target, context: 'jane-mint', duration: '1h' });
    assert.equal(r.status, 'failed');
    if (r.status !== 'failed') return;
    assert.equal(r.errorKind, 'forbidden');
    assert.match(r.message, /jane may not create serviceaccounts\/token in namespace "demo"/);
    assert.match(r.rbacYaml ?? '', /resources:\n\s+- serviceaccounts\/token\n\s+verbs:\n\s+- create/);
    assert.match(r.rbacYaml ?? '', /kind: RoleBinding/);
  });

  it('explains 404 (ServiceAccount, namespace) and 422 binding errors', async () => {
    const sa = await run<MintOutcome>(CommandIds.mintToken, { ...target, serviceAccount: 'ghost', duration: '1h' });
    assert.match(sa.status === 'failed' ? sa.message : '', /ServiceAccount "ghost" does not exist in namespace "demo"/);
    const ns = await run<MintOutcome>(CommandIds.mintToken, { ...target, namespace: 'nowhere', duration: '1h' });
    assert.match(ns.status === 'failed' ? ns.message : '', /Namespace "nowhere" does not exist/);
    const pod = await run<MintOutcome>(CommandIds.mintToken, { ...target, duration: '1h', bind: { kind: 'Pod', name: 'web-0' } });
    assert.match(pod.status === 'failed' ? pod.message : '', /different serviceaccount name/);
  });

  it('explains an unsupported TokenRequest [testserver-only]', async () => {
    testserverOnly(cluster).setFault({ kind: 'tokenRequest404' });
    const old = await run<MintOutcome>(CommandIds.mintToken, { ...target, duration: '1h' });
    assert.equal(old.status === 'failed' && old.suggestLegacySecret, true);
    assert.match(old.status === 'failed' ? old.message : '', /runs with --service-account-issuer and --service-account-signing-key-file/);
  });

  it('explains a timeout, with the request timeout setting [testserver-only]', async () => {
    const cfg = vscode.workspace.getConfiguration('k8sTokens');
    await cfg.update('requestTimeoutSeconds', 1, vscode.ConfigurationTarget.Global);
    try {
      await sessionQuiet(api);
      testserverOnly(cluster).setFault({ kind: 'latency', delayMs: 2500, pathIncludes: '/serviceaccounts/reader/token' });
      const r = await run<MintOutcome>(CommandIds.mintToken, { ...target, duration: '1h' });
      assert.equal(r.status === 'failed' && r.errorKind, 'timeout');
      assert.match(r.status === 'failed' ? r.message : '', /did not answer in time.*k8sTokens\.requestTimeoutSeconds/);
    } finally {
      cluster.testserver?.setFault(undefined);
      await cfg.update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
      await sessionQuiet(api);
    }
  });

  it('mints a revocable token and revokes it, confirmed by a TokenReview', async () => {
    const m = minted(await run<MintOutcome>(CommandIds.mintRevocableToken, { ...target, duration: '1h', keep: true }));
    assert.match(m.revocableSecret ?? '', /^reader-revocable-[a-z0-9]{5}$/);
    const secret = await cluster.objects.get('v1', 'Secret', m.revocableSecret ?? '', 'demo');
    assert.equal(secret?.type, 'Opaque');
    assert.equal(secret?.metadata.labels?.['k8s-tokens/revocable-for'], 'reader');
    assert.equal(m.boundObject?.kind, 'Secret');
    assert.equal(m.boundObject?.uid, secret?.metadata.uid);
    const r = await run<RevokeOutcome>(CommandIds.revokeToken, { id: m.kept?.id, confirm: true });
    assert.equal(r.status, 'revoked');
    if (r.status !== 'revoked') return;
    assert.equal(r.how, 'deletedSecret');
    assert.deepEqual(r.check, { checked: true, rejected: true, method: 'tokenReview', serverError: r.check.checked && r.check.rejected ? r.check.serverError : undefined });
    assert.match(r.message, /no longer authenticates/);
    assert.equal(await cluster.objects.get('v1', 'Secret', m.revocableSecret ?? '', 'demo'), undefined);
    assert.ok(api.tokenStore.get(m.kept?.id ?? '')?.revokedAt);
  });

  it('says when the revocation could not be checked with a TokenReview, and checks with the token itself', async () => {
    // ci-deployer may mint for itself and manage Secrets in demo, but not create TokenReviews.
    const rbac = 'rbac.authorization.k8s.io';
    if (!(await cluster.objects.get(`${rbac}/v1`, 'Role', 'secret-manager', 'demo'))) {
      await cluster.objects.create({ apiVersion: `${rbac}/v1`, kind: 'Role', metadata: { name: 'secret-manager', namespace: 'demo' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'get', 'delete'] }] });
      await cluster.objects.create({
        apiVersion: `${rbac}/v1`,
        kind: 'RoleBinding',
        metadata: { name: 'ci-deployer-secret-manager', namespace: 'demo' },
        roleRef: { apiGroup: rbac, kind: 'Role', name: 'secret-manager' },
        subjects: [{ kind: 'ServiceAccount', name: 'ci-deployer', namespace: 'demo' }],
      });
    }
    const self = minted(await run<MintOutcome>(CommandIds.mintToken, { ...target, serviceAccount: 'ci-deployer', duration: '1h' }));
    await writeExtraKubeconfig({ contextName: 'as-ci-deployer', token: self.token });
    await until(() => api.services.session.connections().kubeconfigs.contexts.some((c) => c.name === 'as-ci-deployer'), 'as-ci-deployer');
    await sessionQuiet(api);
    // A real server's RBAC sees the new binding once its informer has it: mint until it does.
    const m = minted(
      await until(async () => {
        const o = await run<MintOutcome>(CommandIds.mintRevocableToken, { context: 'as-ci-deployer', namespace: 'demo', serviceAccount: 'ci-deployer', duration: '1h', keep: true });
        return o.status === 'failed' && o.errorKind === 'forbidden' ? undefined : o;
      }, 'ci-deployer to be allowed to create Secrets'),
    );
    const r = await run<RevokeOutcome>(CommandIds.revokeToken, { id: m.kept?.id, confirm: true });
    await cluster.objects.delete(`${rbac}/v1`, 'RoleBinding', 'ci-deployer-secret-manager', 'demo');
    await cluster.objects.delete(`${rbac}/v1`, 'Role', 'secret-manager', 'demo');
    assert.equal(r.status, 'revoked');
    if (r.status !== 'revoked') return;
    assert.equal(r.check.checked && r.check.method, 'selfSubjectReview');
    assert.equal(r.check.checked && r.check.rejected, true);
    assert.match(r.message, /answers 401 Unauthorized/);
    assert.match(r.message, /A TokenReview could not be made \(you may not create tokenreviews \(API group authentication\.k8s\.io\) cluster-wide\)/);
  });

  it('explains the options for a non-revocable token and deletes the bound Pod only when confirmed', async () => {
    // Not on a node: kube-apiserver deletes an unscheduled Pod at once (pod strategy CheckGracefulDelete).
    await cluster.objects.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'victim', namespace: 'demo' }, spec: { serviceAccountName: 'reader', containers: [{ name: 'c', image: 'busybox' }] } });
    const m = minted(await run<MintOutcome>(CommandIds.mintToken, { ...target, duration: '1h', bind: { kind: 'Pod', name: 'victim' }, keep: true }));
    const explained = await run<RevokeOutcome>(CommandIds.revokeToken, { id: m.kept?.id, action: 'deleteBoundObject' });
    assert.equal(explained.status, 'explained');
    assert.deepEqual(explained.status === 'explained' && explained.offered, ['deleteBoundObject', 'recreateServiceAccount']);
    assert.match(explained.status === 'explained' ? explained.message : '', /Delete Pod victim/);
    assert.ok(await cluster.objects.get('v1', 'Pod', 'victim', 'demo'), 'nothing deleted without confirmation');
    const r = await run<RevokeOutcome>(CommandIds.revokeToken, { id: m.kept?.id, action: 'deleteBoundObject', confirm: true });
    assert.equal(r.status === 'revoked' && r.how, 'deleteBoundObject');
    assert.equal(r.status === 'revoked' && r.check.checked && r.check.rejected, true);
    assert.equal(await cluster.objects.get('v1', 'Pod', 'victim', 'demo'), undefined);
  });

  it('copies, re-mints and forgets a kept token', async () => {
    const m = minted(await run<MintOutcome>(CommandIds.mintToken, { ...target, duration: '1h', keep: true }));
    const id = m.kept?.id ?? '';
    await vscode.env.clipboard.writeText('');
    assert.deepEqual(await run(CommandIds.copyToken, id), { copied: true });
    assert.equal(await vscode.env.clipboard.readText(), m.token);
    const again = minted(await run<MintOutcome>(CommandIds.remintToken, { id }));
    assert.equal(again.kept?.id, id, 're-mint keeps the entry');
    assert.notEqual(await api.tokenStore.token(id), m.token);
    assert.equal(await api.tokenStore.token(id), again.token);
    assert.deepEqual(await run(CommandIds.forgetToken, { id }), { forgotten: true });
    assert.equal(api.tokenStore.get(id), undefined);
    assert.equal(await api.tokenStore.token(id), undefined);
  });

  it('exports a working kubeconfig (0600) and never overwrites without confirmation', async () => {
    const m = minted(await run<MintOutcome>(CommandIds.mintToken, { ...target, serviceAccount: 'ci-deployer', duration: '1h', keep: true }));
    const file = path.join(dir, 'ci-deployer.kubeconfig');
    const r = await run<ExportOutcome>(CommandIds.exportKubeconfig, { id: m.kept?.id, target: file });
    assert.equal(r.status, 'exported');
    if (r.status !== 'exported') return;
    assert.equal(r.caSource, 'kubeconfig');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const kube = api.services.session.module();
    const conns = new kube.KubeConnections([file]);
    try {
      const who = await kube.selfSubjectReview(conns.client(r.context));
      assert.equal(who.username, 'system:serviceaccount:demo:ci-deployer');
    } finally {
      conns.dispose();
    }
    const before = fs.readFileSync(file, 'utf8');
    const again = await run<ExportOutcome>(CommandIds.exportKubeconfig, { id: m.kept?.id, target: file, overwrite: false });
    assert.equal(again.status, 'cancelled');
    assert.equal(fs.readFileSync(file, 'utf8'), before);
    // Minting and exporting in one go, from a ServiceAccount.
    const fresh = await run<ExportOutcome>(CommandIds.exportKubeconfig, { ...target, duration: '1h', target: path.join(dir, 'reader.kubeconfig') });
    assert.equal(fresh.status, 'exported');
  });

  it('creates a legacy token Secret only when confirmed, waits for the token, and copies it from the tree', async () => {
    const r = await run<LegacySecretOutcome>(CommandIds.createLegacyTokenSecret, { ...target, confirm: true, timeoutMs: 10000 });
    assert.equal(r.status, 'created');
    if (r.status !== 'created') return;
    assert.match(r.secretName, /^reader-token-[a-z0-9]{5}$/);
    const stored = await cluster.objects.get('v1', 'Secret', r.secretName, 'demo');
    assert.equal(stored?.type, 'kubernetes.io/service-account-token');
    assert.equal(stored?.metadata.annotations?.['kubernetes.io/service-account.name'], 'reader');

    // It appears in the tree; its token can be copied from there.
    api.tree.refresh();
    const ctx = (await api.tree.provider.getChildren()).find((n) => n.kind === 'context' && n.entry.name === 'test-admin');
    const ns = (await api.tree.provider.getChildren(ctx)).find((n) => n.kind === 'namespace' && n.name === 'demo');
    const sa = (await api.tree.provider.getChildren(ns)).find((n) => n.kind === 'serviceAccount' && n.sa.name === 'reader');
    const folder = (await api.tree.provider.getChildren(sa)).find((n) => n.kind === 'folder' && n.folder === 'tokenSecrets');
    const node = (await api.tree.provider.getChildren(folder)).find((n) => n.kind === 'tokenSecret' && n.secret.name === r.secretName);
    assert.ok(node);
    await vscode.env.clipboard.writeText('');
    const copied = await run<{ copied: boolean }>(CommandIds.copySecretToken, { context: 'test-admin', namespace: 'demo', name: r.secretName, confirm: true });
    assert.deepEqual(copied, { copied: true });
    assert.equal(await vscode.env.clipboard.readText(), r.token);
    await cluster.objects.delete('v1', 'Secret', r.secretName, 'demo'); // leave the shared cluster as seeded
  });

  it('registers every token and tree command', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of [
      CommandIds.mintToken, CommandIds.mintRevocableToken, CommandIds.remintToken, CommandIds.revokeToken, CommandIds.copyToken, CommandIds.forgetToken,
      CommandIds.exportKubeconfig, CommandIds.createLegacyTokenSecret, CommandIds.copySecretToken, CommandIds.refresh, CommandIds.retry, CommandIds.loadMore,
      CommandIds.filterNamespaces, CommandIds.clearNamespaceFilter, CommandIds.useContext, CommandIds.addKubeconfig, CommandIds.openBindingRole,
    ]) {
      assert.ok(all.includes(id), id);
    }
  });
});
