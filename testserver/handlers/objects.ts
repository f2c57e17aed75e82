/**
 * Generic REST storage: get, list (paging, selectors, tables), create (generateName, dryRun,
 * NamespaceLifecycle), update, patch (JSON merge, strategic merge, JSON patch, server-side apply in
 * apply.ts) and delete (graceful for scheduled Pods, in deletion.ts). Writes run in kube-apiserver's
 * order: decode defaults, field manager (managedFields), RBAC escalation checks, admission and
 * validation, then storage unless `dryRun=All`.
 */
import type { KObject } from '../api';
import { admit, randomSuffix } from '../admission';
import { applyDefaults } from '../defaults';
import { validateFields, validatePatchedFields, withoutUnknownFields } from '../fieldValidation';
import { isDryRun, json, parseJsonObject, type ApiRequest, type ApiResponse, type Services } from '../http';
import { isRecord } from '../jwt';
import { EscalationCheck } from '../rbacEscalation';
import { apiVersionOf, core, type ResourceType } from '../resources';
import { recordUpdate, type FieldManagerContext } from '../ssa/managedFields';
import { zeroObject } from '../ssa/schema';
import { normalizeObject, type NewObject } from '../store';
import { alreadyExists, ApiError, badRequest, conflict, notFound, qualifiedResource } from '../status';
import { fieldSelector, labelSelector, toTable, wantsTable } from '../tables';
import { applyJsonPatch, mergePatch } from './patch';
import { finishDeletionAfterUpdate } from './deletion';
import { renderObject } from './render';
import { strategicMergePatch } from './strategicMerge';

/** `managerOrUserAgent`: the fieldManager parameter, else the User-Agent's product (printable, 128 characters at most). */
export function fieldManagerOf(req: ApiRequest, svc: Services, rt: ResourceType): FieldManagerContext {
  const ua = String(req.headers['user-agent'] ?? '').split('/')[0].replace(/[^\x20-\x7e]/g, '').slice(0, 128);
  return { kind: rt.kind, apiVersion: apiVersionOf(rt), manager: req.query.get('fieldManager') || ua || 'unknown', now: svc.ctx.now() };
}

/** The RBAC escalation and bind checks of writes to Roles, ClusterRoles and bindings. */
export function checkEscalation(req: ApiRequest, svc: Services, rt: ResourceType, obj: KObject, old?: KObject): void {
  new EscalationCheck(svc.ctx.store, svc.authz).check(req.user, rt, req.info.namespace, obj, old);
}

/** NamespaceLifecycle admission: namespaced writes need an existing namespace. */
function requireNamespace(svc: Services, rt: ResourceType, ns: string): void {
  if (rt.namespaced && !svc.ctx.store.get(core.namespaces, undefined, ns)) throw notFound('namespaces', '', ns);
}

export function checkTypeMeta(rt: ResourceType, body: Record<string, unknown>): void {
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
  return renderObject(req, svc, rt, obj);
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
  const defaulted = applyDefaults(rt, withoutUnknownFields(rt.kind, { ...body, metadata: { ...meta, name } }));
  return createPrepared(req, svc, rt, recordUpdate(fieldManagerOf(req, svc, rt), zeroObject(rt.kind), defaulted));
}

/**
 * Stores a decoded, defaulted new object that already carries its managedFields: RBAC escalation
 * checks, NamespaceLifecycle, admission and validation, then storage unless `dryRun=All`.
 */
export function createPrepared(req: ApiRequest, svc: Services, rt: ResourceType, obj: Record<string, unknown>): ApiResponse {
  const store = svc.ctx.store;
  const ns = req.info.namespace;
  const prepared = store.prepareNew(rt, obj as NewObject);
  const name = prepared.metadata.name;
  if (rt === core.pods) prepared.metadata.generation = 1;
  checkEscalation(req, svc, rt, prepared);
  requireNamespace(svc, rt, ns);
  const admitted = admit(svc.ctx, rt, prepared, 'create');
  if (isDryRun(req)) {
    if (store.get(rt, ns, name)) throw alreadyExists(rt.resource, rt.group, name);
    // Like DryRunnableStorage: never stored, so no resourceVersion.
    delete (admitted.metadata as Record<string, unknown>).resourceVersion;
    return renderObject(req, svc, rt, admitted, 201);
  }
  const created = store.create(rt, admitted as NewObject);
  return renderObject(req, svc, rt, created, 201);
}

function conflictModified(rt: ResourceType, name: string): ApiError {
  return conflict(qualifiedResource(rt.resource, rt.group), rt.group, rt.resource, name, 'the object has been modified; please apply your changes to the latest version and try again');
}

/** Validates, admits and stores (unless dry run) a full replacement of `old`; `alreadyManaged`: `next` carries its managedFields (apply). */
export function replace(req: ApiRequest, svc: Services, rt: ResourceType, old: KObject, next: Record<string, unknown>, alreadyManaged = false): ApiResponse {
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
  const fixed = {
    ...next,
    apiVersion: apiVersionOf(rt),
    kind: rt.kind,
    metadata: { ...meta, name: old.metadata.name, namespace: old.metadata.namespace, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp, resourceVersion: old.metadata.resourceVersion },
  };
  // Metadata the client may not change keeps its stored value (rest.BeforeUpdate / FillObjectMetaSystemFields).
  for (const k of ['generation', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) (fixed.metadata as Record<string, unknown>)[k] = old.metadata[k];
  const candidate = normalizeObject(alreadyManaged ? fixed : recordUpdate(fieldManagerOf(req, svc, rt), old, applyDefaults(rt, fixed)));
  checkEscalation(req, svc, rt, candidate, old);
  const admitted = admit(svc.ctx, rt, candidate, 'update', old);
  if (isDryRun(req)) return renderObject(req, svc, rt, admitted);
  // GuaranteedUpdate writes nothing (and keeps the resourceVersion) when nothing changed.
  if (JSON.stringify(normalizeObject(admitted)) === JSON.stringify(old)) return renderObject(req, svc, rt, old);
  const stored = svc.ctx.store.update(rt, admitted);
  finishDeletionAfterUpdate(svc, rt, stored);
  return renderObject(req, svc, rt, stored);
}

export function updateObject(req: ApiRequest, svc: Services, rt: ResourceType): ApiResponse {
  const body = parseJsonObject(req);
  checkTypeMeta(rt, body);
  validateFields(req, rt, body, 'update');
  const old = svc.ctx.store.mustGet(rt, req.info.namespace, req.info.name);
  return replace(req, svc, rt, old, withoutUnknownFields(rt.kind, body));
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

/** JSON patch, JSON merge patch and strategic merge patch; server-side apply is apply.ts. */
export function patchObject(req: ApiRequest, svc: Services, rt: ResourceType): ApiResponse {
  const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim();
  // The patch type is negotiated before anything is looked up (handlers/patch.go).
  if (!PATCH_TYPES.includes(contentType)) throw new ApiError(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {});
  const old = svc.ctx.store.mustGet(rt, req.info.namespace, req.info.name);
  const current = structuredClone(old) as unknown as Record<string, unknown>;
  let next: unknown;
  let patchDoc: Record<string, unknown> | undefined;
  if (contentType === 'application/json-patch+json') {
    let ops: unknown;
    try {
      ops = JSON.parse(req.body.toString('utf8'));
    } catch (e) {
      throw badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    next = applyJsonPatch(current, ops);
  } else if (contentType === 'application/merge-patch+json') {
    next = mergePatch(current, parseJsonObject(req));
  } else {
    const doc = parseJsonObject(req);
    patchDoc = doc;
    next = strategicMergePatch(rt.kind, current, doc);
  }
  if (!isRecord(next)) throw badRequest('the patch did not produce an object');
  validatePatchedFields(req, rt, next, patchDoc);
  const patched = withoutUnknownFields(rt.kind, next);
  const meta = isRecord(patched.metadata) ? patched.metadata : {};
  // A patch may carry a resourceVersion precondition; otherwise it applies to the current object.
  if (meta.resourceVersion === old.metadata.resourceVersion || meta.resourceVersion === undefined) meta.resourceVersion = old.metadata.resourceVersion;
  patched.metadata = meta;
  return replace(req, svc, rt, old, patched);
}
