/**
 * Generic REST storage: get, list (paging, selectors, tables), create (generateName, dryRun,
 * NamespaceLifecycle), update, patch (merge, strategic approximated as merge, JSON patch) and delete.
 */
import type { KObject } from '../api';
import { admit, randomSuffix } from '../admission';
import { validateFields } from '../fieldValidation';
import { isDryRun, json, parseJsonObject, type ApiRequest, type ApiResponse, type Services } from '../http';
import { isRecord } from '../jwt';
import { apiVersionOf, core, type ResourceType } from '../resources';
import { normalizeObject, type NewObject } from '../store';
import { alreadyExists, ApiError, badRequest, conflict, notFound, qualifiedResource } from '../status';
import { fieldSelector, labelSelector, toTable, wantsTable } from '../tables';
import { applyJsonPatch, mergePatch } from './patch';

function render(req: ApiRequest, svc: Services, rt: ResourceType, obj: KObject, status = 200): ApiResponse {
  if (wantsTable(String(req.headers.accept ?? ''))) {
    return json(status, toTable(rt, [obj], { resourceVersion: obj.metadata.resourceVersion }, req.query.get('includeObject'), svc.ctx.now()));
  }
  return json(status, obj);
}

/** NamespaceLifecycle admission: namespaced writes need an existing namespace. */
function requireNamespace(svc: Services, rt: ResourceType, ns: string): void {
  if (rt.namespaced && !svc.ctx.store.get(core.namespaces, undefined, ns)) throw notFound('namespaces', '', ns);
}

function checkTypeMeta(rt: ResourceType, body: Record<string, unknown>): void {
  const expected = apiVersionOf(rt);
  if (body.apiVersion !== undefined && body.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (body.kind !== undefined && body.kind !== rt.kind) {
    throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${rt.kind})`);
  }
}

export function getObject(req: ApiRequest, svc: Services, rt: ResourceType): ApiResponse {
  const obj = svc.ctx.store.mustGet(rt, req.info.namespace, req.info.name);
  return render(req, svc, rt, obj);
}

export function listObjects(req: ApiRequest, svc: Services, rt: ResourceType): ApiResponse {
  const labels = labelSelector(req.query.get('labelSelector'));
  const fields = fieldSelector(req.query.get('fieldSelector'));
  const filter = labels && fields ? (o: KObject) => labels(o) && fields(o) : (labels ?? fields);
  const limit = Number(req.query.get('limit') ?? '0');
  const result = svc.ctx.store.list(rt, rt.namespaced && req.info.namespace ? req.info.namespace : undefined, {
    limit: Number.isFinite(limit) && limit > 0 ? limit : undefined,
    continueToken: req.query.get('continue') ?? undefined,
    filter,
  });
  const meta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
  if (result.continueToken) meta.continue = result.continueToken;
  if (result.remainingItemCount !== undefined) meta.remainingItemCount = result.remainingItemCount;
  if (wantsTable(String(req.headers.accept ?? ''))) {
    return json(200, toTable(rt, result.items, meta, req.query.get('includeObject'), svc.ctx.now()));
  }
  return json(200, { kind: `${rt.kind}List`, apiVersion: apiVersionOf(rt), metadata: meta, items: result.items });
}

export function createObject(req: ApiRequest, svc: Services, rt: ResourceType): ApiResponse {
  const body = parseJsonObject(req);
  checkTypeMeta(rt, body);
  validateFields(req, rt, body, 'create');
  const meta = { ...(isRecord(body.metadata) ? body.metadata : {}) } as Record<string, unknown>;
  const ns = req.info.namespace;
  if (rt.namespaced) {
    if (meta.namespace && meta.namespace !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    meta.namespace = ns;
  }
  if (!meta.name && typeof meta.generateName === 'string' && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
  const name = typeof meta.name === 'string' ? meta.name : '';
  const store = svc.ctx.store;
  const prepared = store.prepareNew(rt, { ...body, metadata: { ...meta, name } } as NewObject);
  requireNamespace(svc, rt, ns);
  const admitted = admit(svc.ctx, rt, prepared, 'create');
  if (isDryRun(req)) {
    if (store.get(rt, ns, name)) throw alreadyExists(rt.resource, rt.group, name);
    // Like DryRunnableStorage: never stored, so no resourceVersion.
    delete (admitted.metadata as Record<string, unknown>).resourceVersion;
    return render(req, svc, rt, admitted, 201);
  }
  const created = store.create(rt, admitted as NewObject);
  return render(req, svc, rt, created, 201);
}

function conflictModified(rt: ResourceType, name: string): ApiError {
  return conflict(qualifiedResource(rt.resource, rt.group), rt.group, rt.resource, name, 'the object has been modified; please apply your changes to the latest version and try again');
}

/** Validates, admits and stores (unless dry run) a full replacement of `old`. */
function replace(req: ApiRequest, svc: Services, rt: ResourceType, old: KObject, next: Record<string, unknown>): ApiResponse {
  const meta = { ...(isRecord(next.metadata) ? next.metadata : {}) } as Record<string, unknown>;
  if (meta.name !== undefined && meta.name !== old.metadata.name) {
    throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${old.metadata.name})`);
  }
  if (rt.namespaced && meta.namespace !== undefined && meta.namespace !== old.metadata.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (meta.resourceVersion && meta.resourceVersion !== old.metadata.resourceVersion) throw conflictModified(rt, old.metadata.name);
  if (meta.uid && meta.uid !== old.metadata.uid) {
    throw conflict(qualifiedResource(rt.resource, rt.group), rt.group, rt.resource, old.metadata.name, `Precondition failed: UID in precondition: ${String(meta.uid)}, UID in object meta: ${old.metadata.uid}`);
  }
  const candidate = normalizeObject({
    ...next,
    apiVersion: apiVersionOf(rt),
    kind: rt.kind,
    metadata: { ...meta, name: old.metadata.name, namespace: old.metadata.namespace, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp, resourceVersion: old.metadata.resourceVersion },
  });
  const admitted = admit(svc.ctx, rt, candidate, 'update');
  if (isDryRun(req)) return render(req, svc, rt, admitted);
  return render(req, svc, rt, svc.ctx.store.update(rt, admitted));
}

export function updateObject(req: ApiRequest, svc: Services, rt: ResourceType): ApiResponse {
  const body = parseJsonObject(req);
  checkTypeMeta(rt, body);
  validateFields(req, rt, body, 'update');
  const old = svc.ctx.store.mustGet(rt, req.info.namespace, req.info.name);
  return replace(req, svc, rt, old, body);
}

export function patchObject(req: ApiRequest, svc: Services, rt: ResourceType): ApiResponse {
  const old = svc.ctx.store.mustGet(rt, req.info.namespace, req.info.name);
  const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim();
  const current = structuredClone(old) as unknown as Record<string, unknown>;
  let next: unknown;
  if (contentType === 'application/json-patch+json') {
    let ops: unknown;
    try {
      ops = JSON.parse(req.body.toString('utf8'));
    } catch (e) {
      throw badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    next = applyJsonPatch(current, ops);
  } else if (contentType === 'application/merge-patch+json' || contentType === 'application/strategic-merge-patch+json') {
    // Strategic merge is approximated by a JSON merge patch (lists are replaced, not merged by key).
    next = mergePatch(current, parseJsonObject(req));
  } else {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
  }
  if (!isRecord(next)) throw badRequest('the patch did not produce an object');
  const meta = isRecord(next.metadata) ? next.metadata : {};
  // A patch may carry a resourceVersion precondition; otherwise it applies to the current object.
  if (meta.resourceVersion === old.metadata.resourceVersion || meta.resourceVersion === undefined) meta.resourceVersion = old.metadata.resourceVersion;
  next.metadata = meta;
  return replace(req, svc, rt, old, next);
}

export function deleteObject(req: ApiRequest, svc: Services, rt: ResourceType): ApiResponse {
  const store = svc.ctx.store;
  const old = store.mustGet(rt, req.info.namespace, req.info.name);
  if (req.body.length > 0) {
    const opts = parseJsonObject(req);
    const pre = isRecord(opts.preconditions) ? opts.preconditions : {};
    if (typeof pre.uid === 'string' && pre.uid !== old.metadata.uid) {
      throw conflict(qualifiedResource(rt.resource, rt.group), rt.group, rt.resource, old.metadata.name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    if (typeof pre.resourceVersion === 'string' && pre.resourceVersion !== old.metadata.resourceVersion) throw conflictModified(rt, old.metadata.name);
  }
  if (isDryRun(req)) return render(req, svc, rt, old);
  if (rt === core.namespaces) {
    // Namespaces are finalized at once here: the answer shows the Terminating object, the contents go away.
    const terminating = structuredClone(old);
    terminating.metadata.deletionTimestamp = new Date(svc.ctx.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    terminating.status = { phase: 'Terminating' };
    store.delete(rt, undefined, old.metadata.name);
    return render(req, svc, rt, terminating);
  }
  store.delete(rt, req.info.namespace, req.info.name);
  return render(req, svc, rt, old);
}
