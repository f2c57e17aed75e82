/**
 * `/version`, `/api`, `/apis` and group-version resource lists, in the legacy (APIResourceList) format
 * and the aggregated `apidiscovery.k8s.io/v2` format kubectl asks for first.
 */
import type { ApiRequest, ApiResponse, Services } from '../http';
import { json } from '../http';
import { apiGroups, apiVersionOf, resourceTypes, subresourceTypes, type ResourceType } from '../resources';

export const serverVersion = {
  major: '1',
  minor: '34',
  gitVersion: 'v1.34.1',
  gitCommit: '93248f9ae092f571eb870b7664c534bfc7d00f03',
  gitTreeState: 'clean',
  buildDate: '2025-09-09T19:37:02Z',
  goVersion: 'go1.24.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const aggregatedType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

function wantsAggregated(req: ApiRequest): boolean {
  const accept = String(req.headers.accept ?? '');
  return accept.split(',').some((a) => a.replace(/\s/g, '').startsWith(aggregatedType));
}

function legacyResource(t: ResourceType): Record<string, unknown> {
  const out: Record<string, unknown> = { name: t.resource, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: t.verbs };
  if (t.shortNames) out.shortNames = t.shortNames;
  if (t.categories) out.categories = t.categories;
  return out;
}

function resourceList(group: string, version: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const t of resourceTypes.filter((x) => x.group === group && x.version === version)) {
    out.push(legacyResource(t));
    for (const s of subresourceTypes.filter((x) => x.parent === t.resource && x.group === group)) {
      const sub: Record<string, unknown> = { name: `${t.resource}/${s.name}`, singularName: '', namespaced: t.namespaced };
      if (s.kindGroup) sub.group = s.kindGroup;
      if (s.kindVersion) sub.version = s.kindVersion;
      sub.kind = s.kind;
      sub.verbs = s.verbs;
      out.push(sub);
    }
  }
  return out;
}

function aggregatedResources(group: string, version: string): Record<string, unknown>[] {
  return resourceTypes
    .filter((t) => t.group === group && t.version === version)
    .map((t) => {
      const r: Record<string, unknown> = {
        resource: t.resource,
        responseKind: { group, version, kind: t.kind },
        scope: t.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: t.singular,
        verbs: t.verbs,
      };
      if (t.shortNames) r.shortNames = t.shortNames;
      if (t.categories) r.categories = t.categories;
      const subs = subresourceTypes.filter((s) => s.parent === t.resource && s.group === group);
      if (subs.length) {
        r.subresources = subs.map((s) => ({
          subresource: s.name,
          responseKind: { group: s.kindGroup ?? group, version: s.kindVersion ?? version, kind: s.kind },
          verbs: s.verbs,
        }));
      }
      return r;
    });
}

function aggregatedGroup(name: string, version: string): Record<string, unknown> {
  return { metadata: { name, creationTimestamp: null }, versions: [{ version, resources: aggregatedResources(name, version), freshness: 'Current' }] };
}

function aggregated(items: Record<string, unknown>[]): ApiResponse {
  return { status: 200, body: { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items }, contentType: aggregatedType };
}

export function versionHandler(): ApiResponse {
  return json(200, serverVersion);
}

export function apiHandler(req: ApiRequest, svc: Services): ApiResponse {
  if (wantsAggregated(req)) {
    return aggregated([{ metadata: { creationTimestamp: null }, versions: [{ version: 'v1', resources: aggregatedResources('', 'v1'), freshness: 'Current' }] }]);
  }
  return json(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: svc.address() }] });
}

function groupEntry(name: string, version: string): Record<string, unknown> {
  const gv = { groupVersion: `${name}/${version}`, version };
  return { name, versions: [gv], preferredVersion: gv };
}

export function apisHandler(req: ApiRequest): ApiResponse {
  if (wantsAggregated(req)) return aggregated(apiGroups.map((g) => aggregatedGroup(g.name, g.version)));
  return json(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups.map((g) => groupEntry(g.name, g.version)) });
}

/** `/api/v1`, `/apis/<g>`, `/apis/<g>/<v>`; undefined when the path is not a served group/version. */
export function groupVersionHandler(path: string): ApiResponse | undefined {
  const parts = path.replace(/^\/+|(?<!\/)\/+$/g, '').split('/');
  if (parts[0] === 'api' && parts.length === 2 && parts[1] === 'v1') {
    return json(200, { kind: 'APIResourceList', groupVersion: 'v1', resources: resourceList('', 'v1') });
  }
  if (parts[0] !== 'apis') return undefined;
  const group = apiGroups.find((g) => g.name === parts[1]);
  if (!group) return undefined;
  if (parts.length === 2) return json(200, { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group.name, group.version) });
  if (parts.length === 3 && parts[2] === group.version) {
    return json(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group: group.name, version: group.version }), resources: resourceList(group.name, group.version) });
  }
  return undefined;
}
