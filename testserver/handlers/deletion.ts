/**
 * DELETE as the generic registry store does it (k8s.io/apiserver registry/rest/delete.go BeforeDelete,
 * registry/generic/registry/store.go Delete, updateForGracefulDeletionAndFinalizers, finalizeDelete):
 * - preconditions (uid, resourceVersion) with their Conflict texts, named by the object's Kind;
 * - Pods delete gracefully (pkg/registry/core/pod/strategy.go CheckGracefulDelete): the grace
 *   period is `gracePeriodSeconds`, else `spec.terminationGracePeriodSeconds`; 0 when the Pod is not
 *   scheduled (no `spec.nodeName`) or has finished. A period above 0 only sets `deletionTimestamp`
 *   (now + period) and `deletionGracePeriodSeconds`: with no kubelet here, nothing ever finishes the
 *   deletion but another DELETE with a shorter period (0 removes it). A second DELETE may only shorten;
 *   an expired period becomes 1 s;
 * - objects with finalizers stay, with `deletionTimestamp` set, until an update removes them;
 * - everything else goes at once, answered with a Success Status (Pods: the object).
 */
import type { KObject } from '../api';
import { isDryRun, json, parseJsonObject, type ApiRequest, type ApiResponse, type Services } from '../http';
import { isRecord } from '../jwt';
import { core, type ResourceType } from '../resources';
import { rfc3339 } from '../store';
import { conflict } from '../status';
import { renderObject } from './render';

interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

function optionsOf(req: ApiRequest): DeleteOptions {
  const opts: DeleteOptions = {};
  const body = req.body.length > 0 ? parseJsonObject(req) : {};
  if (typeof body.gracePeriodSeconds === 'number') opts.gracePeriodSeconds = body.gracePeriodSeconds;
  const q = req.query.get('gracePeriodSeconds');
  if (q !== null && q !== '' && Number.isFinite(Number(q))) opts.gracePeriodSeconds = Number(q);
  if (isRecord(body.preconditions)) opts.preconditions = body.preconditions as DeleteOptions['preconditions'];
  // Negative values are treated as 1 s on the delete path.
  if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0) opts.gracePeriodSeconds = 1;
  return opts;
}

/** `schema.GroupResource{Group, Resource: Kind}.String()`: BeforeDelete names the Kind, not the resource. */
function preconditionFailed(rt: ResourceType, obj: KObject, msg: string) {
  const qualified = rt.group ? `${rt.kind}.${rt.group}` : rt.kind;
  return conflict(qualified, rt.group, rt.kind, obj.metadata.name, msg);
}

function checkPreconditions(rt: ResourceType, obj: KObject, pre: DeleteOptions['preconditions']): void {
  if (pre?.uid && pre.uid !== obj.metadata.uid) {
    throw preconditionFailed(rt, obj, `the UID in the precondition (${pre.uid}) does not match the UID in record (${obj.metadata.uid}). The object might have been deleted and then recreated`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw preconditionFailed(rt, obj, `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${obj.metadata.resourceVersion}). The object might have been modified`);
  }
}

/** CheckGracefulDelete of the Pod strategy. */
function podGracePeriod(pod: KObject, requested: number | undefined): number {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const phase = isRecord(pod.status) ? pod.status.phase : undefined;
  let period = requested ?? (typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 0);
  if (!spec.nodeName || phase === 'Failed' || phase === 'Succeeded') period = 0;
  return period < 0 ? 1 : period;
}

type Plan = { kind: 'delete' } | { kind: 'pending' } | { kind: 'update'; deletionTimestamp: string; gracePeriod: number; bumpGeneration: boolean };

/** What BeforeDelete decides for the stored object. */
function plan(rt: ResourceType, obj: KObject, opts: DeleteOptions, nowMs: number): Plan {
  const meta = obj.metadata;
  const currentGrace = typeof meta.deletionGracePeriodSeconds === 'number' ? meta.deletionGracePeriodSeconds : undefined;
  const finalizers = Array.isArray(meta.finalizers) && meta.finalizers.length > 0;
  if (meta.deletionTimestamp) {
    if (!currentGrace) return finalizers ? { kind: 'pending' } : { kind: 'delete' };
    if (opts.gracePeriodSeconds === undefined || opts.gracePeriodSeconds >= currentGrace) return { kind: 'pending' };
    let period = opts.gracePeriodSeconds;
    let at = Date.parse(meta.deletionTimestamp) - currentGrace * 1000 + period * 1000;
    if (at < nowMs) {
      at = nowMs;
      if (period !== 0) period = 1;
    }
    return { kind: 'update', deletionTimestamp: rfc3339(at), gracePeriod: period, bumpGeneration: false };
  }
  if (rt === core.pods) {
    const period = podGracePeriod(obj, opts.gracePeriodSeconds);
    return { kind: 'update', deletionTimestamp: rfc3339(nowMs + period * 1000), gracePeriod: period, bumpGeneration: true };
  }
  if (finalizers) return { kind: 'update', deletionTimestamp: rfc3339(nowMs), gracePeriod: 0, bumpGeneration: false };
  return { kind: 'delete' };
}

function successStatus(rt: ResourceType, obj: KObject): Record<string, unknown> {
  const details: Record<string, unknown> = { name: obj.metadata.name };
  if (rt.group) details.group = rt.group;
  details.kind = rt.resource;
  details.uid = obj.metadata.uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

export function deleteObject(req: ApiRequest, svc: Services, rt: ResourceType): ApiResponse {
  const store = svc.ctx.store;
  const old = store.mustGet(rt, req.info.namespace, req.info.name);
  const opts = optionsOf(req);
  checkPreconditions(rt, old, opts.preconditions);
  const dryRun = isDryRun(req);
  if (rt === core.namespaces) {
    // Namespaces are finalized at once here: the answer shows the Terminating object, the contents go away.
    const terminating = structuredClone(old);
    terminating.metadata.deletionTimestamp = rfc3339(svc.ctx.now());
    terminating.status = { phase: 'Terminating' };
    if (!dryRun) store.delete(rt, undefined, old.metadata.name);
    return renderObject(req, svc, rt, terminating);
  }
  const decided = plan(rt, old, opts, svc.ctx.now());
  let last = old;
  if (decided.kind === 'update') {
    const next = structuredClone(old);
    next.metadata.deletionTimestamp = decided.deletionTimestamp;
    next.metadata.deletionGracePeriodSeconds = decided.gracePeriod;
    if (decided.bumpGeneration && typeof next.metadata.generation === 'number' && next.metadata.generation > 0) next.metadata.generation++;
    const finalizers = Array.isArray(next.metadata.finalizers) && next.metadata.finalizers.length > 0;
    if (decided.gracePeriod > 0 || finalizers) return renderObject(req, svc, rt, dryRun ? next : store.update(rt, next));
    last = next;
  } else if (decided.kind === 'pending') {
    return renderObject(req, svc, rt, old);
  }
  if (!dryRun) store.delete(rt, req.info.namespace, req.info.name);
  return rt === core.pods ? renderObject(req, svc, rt, last) : json(200, successStatus(rt, last));
}

/**
 * After an update: an object being deleted whose last finalizer went away, with no grace period
 * pending, is deleted (the store's ShouldDeleteDuringUpdate).
 */
export function finishDeletionAfterUpdate(svc: Services, rt: ResourceType, obj: KObject): void {
  const meta = obj.metadata;
  const finalizers = Array.isArray(meta.finalizers) && meta.finalizers.length > 0;
  if (meta.deletionTimestamp && !finalizers && !meta.deletionGracePeriodSeconds) svc.ctx.store.delete(rt, meta.namespace, meta.name);
}
