/**
 * A minimal OpenAPI v3 surface, just enough for kubectl apply: the `/openapi/v3` index and, per
 * group-version, PATCH operations tagged with `x-kubernetes-group-version-kind` that declare the
 * `fieldValidation` query parameter. kubectl then leaves validation to the server instead of
 * downloading schemas (it refuses to apply when /openapi/v3 and /openapi/v2 are both missing).
 * No component schemas are served, so kubectl falls back to its built-in types for patches.
 */
import { createHash } from 'node:crypto';
import { json, type ApiResponse } from '../http';
import { apiGroups, resourceTypes } from '../resources';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const groupVersions = [{ group: '', version: 'v1' }, ...apiGroups.map((g) => ({ group: g.name, version: g.version }))];

function documentFor(group: string, version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const t of resourceTypes.filter((r) => r.group === group && r.version === version && !r.virtual)) {
    const base = `/${gvPath(group, version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}`;
    paths[`${base}/{name}`] = {
      patch: {
        operationId: `patch${t.kind}`,
        parameters: [
          { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
        ],
        responses: { '200': { description: 'OK' } },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group, version, kind: t.kind },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.34.1' }, paths, components: { schemas: {} } };
}

function hashOf(doc: unknown): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}

/** `/openapi/v3` and `/openapi/v3/<gv path>`; undefined for other paths. */
export function openApiV3(path: string): ApiResponse | undefined {
  if (path === '/openapi/v3') {
    const index: Record<string, unknown> = {};
    for (const gv of groupVersions) {
      const p = gvPath(gv.group, gv.version);
      index[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(documentFor(gv.group, gv.version))}` };
    }
    return json(200, { paths: index });
  }
  for (const gv of groupVersions) {
    if (path === `/openapi/v3/${gvPath(gv.group, gv.version)}`) return json(200, documentFor(gv.group, gv.version));
  }
  return undefined;
}
