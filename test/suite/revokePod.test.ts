/**
 * Revoking a Pod-bound token by deleting the Pod, on both backends. On a real cluster a Pod on a node is
 * deleted gracefully and its object stays until the kubelet confirms; node-1 of the demo seed has no
 * kubelet, so the Pod stays terminating and the token stops only when its deletionTimestamp is 60 s past.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/common/commandIds';
import type { MintOutcome, MintSuccess } from '../../src/tokens/mint';
import type { RevokeOutcome } from '../../src/tokens/revoke';
import { adminContextLoaded, getApi, sessionQuiet, testCluster, type HostCluster } from './helpers';

const run = <T>(id: string, arg?: unknown): Thenable<T> => vscode.commands.executeCommand<T>(id, arg);
const target = { context: 'test-admin', namespace: 'demo', serviceAccount: 'reader' };

function minted(o: MintOutcome | undefined): MintSuccess {
  assert.ok(o, 'no result');
  assert.equal(o.status, 'minted', JSON.stringify(o));
  return o as MintSuccess;
}

describe('Revoke by deleting the bound Pod', () => {
  let cluster: HostCluster;

  before(async () => {
    cluster = await testCluster();
    const api = await getApi();
    await adminContextLoaded(api);
    await sessionQuiet(api);
  });

  it('revokes by deleting a bound Pod gracefully: waits while the API server still accepts the token, then proves it', async function () {
    // pkg/serviceaccount/claims.go: a Pod-bound token works until the Pod is gone or its deletionTimestamp
    // (the end of the grace period) is more than 60 s past. node-1 has no kubelet, so the Pod stays terminating.
    this.timeout(150_000);
    const name = `graceful-${Date.now().toString(36)}`;
    await cluster.objects.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'demo' }, spec: { serviceAccountName: 'reader', nodeName: 'node-1', terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox' }] } });
    const m = minted(await run<MintOutcome>(CommandIds.mintToken, { ...target, duration: '1h', bind: { kind: 'Pod', name }, keep: true }));
    const r = await run<RevokeOutcome>(CommandIds.revokeToken, { id: m.kept?.id, action: 'deleteBoundObject', confirm: true });
    assert.equal(r.status, 'revoked');
    if (r.status !== 'revoked') return;
    assert.equal(r.pod?.how, 'leewayPassed', r.message);
    assert.equal(r.pod?.gracePeriodSeconds, 1);
    assert.match(r.message, /^Deleted Pod demo\/graceful-\w+ \(grace period 1 s\)\. It is still terminating .* more than 60 s past, so the API server no longer accepts tokens bound to it\. Confirmed by a TokenReview/);
    assert.equal(r.check.checked && r.check.rejected, true);
    assert.ok((await cluster.objects.get('v1', 'Pod', name, 'demo'))?.metadata.deletionTimestamp, 'the Pod is still terminating');
  });

  it('deletes a bound Pod at once (grace period 0) when asked, for a node without a kubelet', async () => {
    const name = `at-once-${Date.now().toString(36)}`;
    await cluster.objects.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'demo' }, spec: { serviceAccountName: 'reader', nodeName: 'node-1', containers: [{ name: 'c', image: 'busybox' }] } });
    const m = minted(await run<MintOutcome>(CommandIds.mintToken, { ...target, duration: '1h', bind: { kind: 'Pod', name }, keep: true }));
    const r = await run<RevokeOutcome>(CommandIds.revokeToken, { id: m.kept?.id, action: 'deleteBoundObject', confirm: true, gracePeriodSeconds: 0 });
    assert.equal(r.status === 'revoked' && r.pod?.how, 'gone', r.status === 'revoked' ? r.message : r.status);
    assert.equal(r.status === 'revoked' && r.check.checked && r.check.rejected, true);
    assert.equal(await cluster.objects.get('v1', 'Pod', name, 'demo'), undefined);
  });
});
