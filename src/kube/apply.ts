/**
 * Creating manifest objects through the REST API, with an optional server-side dry run
 * (`dryRun=All`), as `kubectl create` / `kubectl apply --dry-run=server` do for new objects.
 */
import { KubeError } from '../errors/kubeError';
import type { ContextClient } from './http';
import { resourceForKind, type ApiResourceInfo } from './discovery';

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

/** The collection path of the object's resource, e.g. `/apis/rbac.authorization.k8s.io/v1/namespaces/demo/roles`. */
export function collectionPath(resource: ApiResourceInfo, namespace: string | undefined): string {
  const base = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
  return resource.namespaced ? `${base}/namespaces/${encodeURIComponent(namespace ?? 'default')}/${resource.resource}` : `${base}/${resource.resource}`;
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
  const resource = resourceForKind(resources, obj.apiVersion, obj.kind);
  if (!resource) {
    throw new KubeError({ kind: 'unsupported', message: `the cluster does not serve kind "${obj.kind}" in version "${obj.apiVersion}"` });
  }
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
