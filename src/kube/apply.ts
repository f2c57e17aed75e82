/**
 * Sending manifest objects through the REST API: server-side apply (`kubectl apply --server-side`)
 * with our own field manager, optionally as a dry run (`dryRun=All`), and a plain create for objects
 * that only have a `generateName` (server-side apply needs a name).
 */
import { KubeError } from '../errors/kubeError';
import type { ContextClient } from './http';
import { resourceForKind, type ApiResourceInfo } from './discovery';

/** The field manager our applies are recorded under in `metadata.managedFields`. */
export const FIELD_MANAGER = 'k8s-sa-tokens';

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; generateName?: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface CreatedManifestObject {
  kind: string;
  name: string;
  /** Undefined for cluster-scoped objects. */
  namespace?: string;
  warnings: string[];
}

export interface AppliedManifestObject extends CreatedManifestObject {
  /** 201: the object did not exist (or, in a dry run, would not); 200: an existing object was changed or left as it was. */
  action: 'created' | 'configured';
  /** The object's uid (empty in a dry run of a new object). */
  uid: string;
}

/** The collection path of the object's resource, e.g. `/apis/rbac.authorization.k8s.io/v1/namespaces/demo/roles`. */
export function collectionPath(resource: ApiResourceInfo, namespace: string | undefined): string {
  const base = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
  return resource.namespaced ? `${base}/namespaces/${encodeURIComponent(namespace ?? 'default')}/${resource.resource}` : `${base}/${resource.resource}`;
}

function resourceOf(resources: readonly ApiResourceInfo[], obj: ManifestObject): ApiResourceInfo {
  const resource = resourceForKind(resources, obj.apiVersion, obj.kind);
  if (!resource) {
    throw new KubeError({ kind: 'unsupported', message: `the cluster does not serve kind "${obj.kind}" in version "${obj.apiVersion}"` });
  }
  return resource;
}

/**
 * POSTs the object (to its namespace, else `defaultNamespace`). With `dryRun` the server runs
 * admission and validation and answers as for a create, but stores nothing.
 */
export async function createManifestObject(
  client: ContextClient,
  resources: readonly ApiResourceInfo[],
  obj: ManifestObject,
  options: { dryRun: boolean; defaultNamespace: string; signal?: AbortSignal },
): Promise<CreatedManifestObject> {
  const resource = resourceOf(resources, obj);
  const namespace = resource.namespaced ? (obj.metadata.namespace ?? options.defaultNamespace) : undefined;
  const res = await client.request<{ metadata?: { name?: string; namespace?: string } }>({
    method: 'POST',
    path: collectionPath(resource, namespace),
    query: options.dryRun ? { dryRun: 'All' } : undefined,
    body: obj,
    signal: options.signal,
  });
  return { kind: obj.kind, name: res.body.metadata?.name ?? obj.metadata.name ?? '', namespace, warnings: res.warnings };
}

// Server-side apply refuses a field its schema does not know before any validation runs, whatever
// fieldValidation says, and answers 500: apimachinery pkg/util/managedfields/internal/structuredmerge.go,
// `failed to create typed patch object (%v): %v` (seen on kube-apiserver v1.37:
// ".extra: field not declared in schema"). It is the manifest that is wrong, not the server.
const TYPED_PATCH_ERROR = /^failed to create typed patch object \(([^)]*)\):\s*/;

export interface ApplyObjectOptions {
  dryRun: boolean;
  /** Take over fields another manager owns (`force=true`); only after the user chose to. */
  force: boolean;
  defaultNamespace: string;
  signal?: AbortSignal;
}

/**
 * Server-side apply of one object (`PATCH …/{name}`, `application/apply-patch+yaml`, fieldManager
 * k8s-sa-tokens): creates it, or merges our fields into the existing object. Another manager's
 * fields make it fail with 409 and the conflicts in `status.details.causes` unless `force`.
 * An object with only `generateName` is created instead (apply needs a name).
 */
export async function applyManifestObject(client: ContextClient, resources: readonly ApiResourceInfo[], obj: ManifestObject, options: ApplyObjectOptions): Promise<AppliedManifestObject> {
  if (!obj.metadata.name) {
    const created = await createManifestObject(client, resources, obj, options);
    return { ...created, action: 'created', uid: '' };
  }
  const resource = resourceOf(resources, obj);
  const namespace = resource.namespaced ? (obj.metadata.namespace ?? options.defaultNamespace) : undefined;
  const body = namespace === undefined ? obj : { ...obj, metadata: { ...obj.metadata, namespace } };
  try {
    const res = await client.request<{ metadata?: { name?: string; uid?: string } }>({
      method: 'PATCH',
      path: `${collectionPath(resource, namespace)}/${encodeURIComponent(obj.metadata.name)}`,
      query: { fieldManager: FIELD_MANAGER, force: options.force ? 'true' : undefined, dryRun: options.dryRun ? 'All' : undefined },
      // JSON is YAML: the apply patch type takes either.
      headers: { 'content-type': 'application/apply-patch+yaml' },
      body,
      signal: options.signal,
    });
    return { kind: obj.kind, name: res.body.metadata?.name ?? obj.metadata.name, namespace, warnings: res.warnings, action: res.status === 201 ? 'created' : 'configured', uid: res.body.metadata?.uid ?? '' };
  } catch (e) {
    const typed = KubeError.is(e, 'server') ? TYPED_PATCH_ERROR.exec(e.message) : null;
    if (KubeError.is(e) && typed) {
      throw new KubeError({ kind: 'invalid', status: e.status, status_: e.body, message: e.message.slice(typed[0].length).replace(/^errors:\s*/, '').split('\n').map((l) => l.trim()).filter(Boolean).join('; ') });
    }
    throw e;
  }
}
