/**
 * Pods and DELETE, the same on every backend: Pod defaults, the immutable Pod spec (only images
 * change, also through apply), graceful deletion of a scheduled Pod (no kubelet finishes it, so only a grace period of 0 removes it), tokens bound to a
 * terminating Pod staying valid, unscheduled Pods going at once, preconditions, and the Success
 * Status of an ordinary delete.
 */
import * as assert from 'node:assert/strict';
import * as k from '../../src/kube/index';
import { forEachBackend } from './env';

interface PodMeta {
  metadata: { name: string; uid: string; resourceVersion: string; generation?: number; deletionTimestamp?: string; deletionGracePeriodSeconds?: number };
}

forEachBackend('Pods and deletion', (env) => {
  const node = `k8s-tokens-diff-node-${k.randomSuffix(6)}`;
  const pods = (): string => `/api/v1/namespaces/${env.ns}/pods`;
  const pod = (name: string, nodeName?: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { serviceAccountName: 'runner', ...(nodeName ? { nodeName } : {}), containers: [{ name: 'app', image: 'registry.example/app:1' }] },
  });
  const del = (path: string, options?: Record<string, unknown>) => env.admin.request<PodMeta>({ method: 'DELETE', path, body: options && { apiVersion: 'v1', kind: 'DeleteOptions', ...options } });

  before(async () => {
    await env.serviceAccount('runner');
    await env.admin.request({ method: 'POST', path: '/api/v1/nodes', body: { apiVersion: 'v1', kind: 'Node', metadata: { name: node } } });
  });

  after(async () => {
    await env.admin.request({ method: 'DELETE', path: `/api/v1/nodes/${node}` }).catch(() => undefined);
  });

  it('defaults a Pod as the API server does (grace period 30 s, generation 1)', async () => {
    const created = await env.admin.request<{ metadata: { generation: number }; spec: Record<string, unknown> & { containers: Record<string, unknown>[] } }>({ method: 'POST', path: pods(), body: pod('defaults') });
    const { spec } = created.body;
    assert.deepEqual(
      [spec.restartPolicy, spec.terminationGracePeriodSeconds, spec.dnsPolicy, spec.schedulerName, spec.enableServiceLinks, spec.serviceAccount, created.body.metadata.generation],
      ['Always', 30, 'ClusterFirst', 'default-scheduler', true, 'runner', 1],
    );
    assert.deepEqual(
      [spec.containers[0].imagePullPolicy, spec.containers[0].terminationMessagePath, spec.containers[0].terminationMessagePolicy],
      ['IfNotPresent', '/dev/termination-log', 'File'],
    );
  });

  it('lets an apply change a Pod\'s container image but refuses any other change of its spec', async () => {
    const apply = (spec: Record<string, unknown>) =>
      env.admin.request({ method: 'PATCH', path: `${pods()}/applied`, query: { fieldManager: 'k8s-sa-tokens' }, body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'applied' }, spec }, headers: { 'content-type': 'application/apply-patch+yaml' } });
    assert.equal((await apply({ containers: [{ name: 'app', image: 'registry.example/app:1' }] })).status, 201);
    assert.equal((await apply({ containers: [{ name: 'app', image: 'registry.example/app:2' }] })).status, 200);
    await assert.rejects(apply({ serviceAccountName: 'runner', containers: [{ name: 'app', image: 'registry.example/app:2' }] }), (e: unknown) => {
      assert.ok(k.KubeError.is(e, 'invalid'), String(e));
      const head =
        'Pod "applied" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
        '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n';
      assert.ok(e.message.startsWith(head), e.message);
      return true;
    });
  });

  it('keeps a scheduled Pod Terminating for its grace period, with its bound token valid, until deleted with a grace period of 0', async () => {
    const created = await env.admin.request<PodMeta>({ method: 'POST', path: pods(), body: pod('scheduled', node) });
    const { token } = await k.requestToken(env.admin, { namespace: env.ns, serviceAccount: 'runner', boundObjectRef: { kind: 'Pod', name: 'scheduled', uid: created.body.metadata.uid } });
    const before = Date.now();
    const first = await del(`${pods()}/scheduled`);
    assert.equal(first.status, 200);
    const meta = first.body.metadata;
    assert.equal(meta.deletionGracePeriodSeconds, 30);
    assert.equal(meta.generation, 2, 'the first graceful delete bumps the generation');
    const due = Date.parse(meta.deletionTimestamp ?? '') - before;
    assert.ok(due > 25_000 && due <= 31_000, `deletionTimestamp ${meta.deletionTimestamp} is about 30 s after the delete`);
    // Still there, still authenticating: the token outlives deletionTimestamp by up to a minute.
    const again = await del(`${pods()}/scheduled`);
    assert.equal(again.body.metadata.resourceVersion, meta.resourceVersion, 'a second delete without a shorter grace period changes nothing');
    assert.equal((await k.tokenReview(env.admin, token)).authenticated, true);
    const shortened = await del(`${pods()}/scheduled`, { gracePeriodSeconds: 10 });
    assert.equal(shortened.body.metadata.deletionGracePeriodSeconds, 10);
    assert.equal(Date.parse(shortened.body.metadata.deletionTimestamp ?? ''), Date.parse(meta.deletionTimestamp ?? '') - 20_000, 'shortening moves the deadline back by the difference');
    const gone = await del(`${pods()}/scheduled`, { gracePeriodSeconds: 0 });
    assert.equal(gone.body.metadata.deletionGracePeriodSeconds, 0);
    await assert.rejects(env.admin.get(`${pods()}/scheduled`), (e: unknown) => k.KubeError.is(e, 'notFound'));
    await env.eventually(async () => {
      const review = await k.tokenReview(env.admin, token);
      return !review.authenticated && review.error === '[invalid bearer token, service account token has been invalidated]';
    }, 'the token bound to the deleted Pod is invalidated');
  });

  it('deletes a Pod that is not scheduled at once', async () => {
    await env.admin.request({ method: 'POST', path: pods(), body: pod('unscheduled') });
    const res = await del(`${pods()}/unscheduled`);
    assert.equal(res.body.metadata.deletionGracePeriodSeconds, 0);
    await assert.rejects(env.admin.get(`${pods()}/unscheduled`), (e: unknown) => k.KubeError.is(e, 'notFound'));
  });

  it('answers an ordinary delete with a Success Status, and a failed precondition with 409 naming the Kind', async () => {
    const cms = `/api/v1/namespaces/${env.ns}/configmaps`;
    const created = await env.admin.request<PodMeta>({ method: 'POST', path: cms, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'doomed' } } });
    await assert.rejects(del(`${cms}/doomed`, { preconditions: { uid: 'not-the-uid' } }), (e: unknown) => {
      assert.ok(k.KubeError.is(e, 'conflict'), String(e));
      assert.equal(e.message, `Operation cannot be fulfilled on ConfigMap "doomed": the UID in the precondition (not-the-uid) does not match the UID in record (${created.body.metadata.uid}). The object might have been deleted and then recreated`);
      assert.deepEqual(e.body?.details, { name: 'doomed', kind: 'ConfigMap' });
      return true;
    });
    const res = await del(`${cms}/doomed`);
    assert.deepEqual(res.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'doomed', kind: 'configmaps', uid: created.body.metadata.uid } });
  });

  it('keeps an object with finalizers until an update removes the last one', async () => {
    const cms = `/api/v1/namespaces/${env.ns}/configmaps`;
    await env.admin.request({ method: 'POST', path: cms, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } } });
    const res = await del(`${cms}/held`);
    assert.equal(res.body.metadata.deletionGracePeriodSeconds, 0);
    assert.ok(res.body.metadata.deletionTimestamp);
    assert.ok((await env.admin.get<PodMeta>(`${cms}/held`)).metadata.deletionTimestamp, 'still there while a finalizer holds it');
    await env.admin.request({ method: 'PATCH', path: `${cms}/held`, body: { metadata: { finalizers: null } }, headers: { 'content-type': 'application/merge-patch+json' } });
    await assert.rejects(env.admin.get(`${cms}/held`), (e: unknown) => k.KubeError.is(e, 'notFound'));
  });
});
