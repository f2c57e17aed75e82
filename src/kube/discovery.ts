/**
 * What a cluster serves: its API resources (legacy discovery, preferred versions only) and the
 * audiences its API server accepts. Used by the RBAC generator's resource picker, by "apply" to
 * map kind → REST path, and by the YAML diagnostics.
 */
import type { ContextClient } from './http';
import { fetchDiscovery } from './oidc';

export interface ApiResourceInfo {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural name, with `/subresource` for subresources (e.g. `serviceaccounts/token`). */
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

interface RawResource {
  name?: string;
  kind?: string;
  namespaced?: boolean;
  verbs?: string[];
}
interface RawResourceList {
  groupVersion?: string;
  resources?: RawResource[];
}
interface RawGroupList {
  groups?: { name?: string; preferredVersion?: { version?: string } }[];
}

function toInfo(group: string, version: string, list: RawResourceList): ApiResourceInfo[] {
  return (list.resources ?? [])
    .filter((r): r is Required<Pick<RawResource, 'name' | 'kind'>> & RawResource => typeof r.name === 'string' && typeof r.kind === 'string')
    .map((r) => ({ group, version, resource: r.name, kind: r.kind, namespaced: r.namespaced === true, verbs: Array.isArray(r.verbs) ? r.verbs : [] }));
}

/** Every resource of the core group and of each group's preferred version (`kubectl api-resources`). */
export async function listApiResources(client: ContextClient, signal?: AbortSignal): Promise<ApiResourceInfo[]> {
  const [core, groups] = await Promise.all([client.get<RawResourceList>('/api/v1', undefined, signal), client.get<RawGroupList>('/apis', undefined, signal)]);
  const out = toInfo('', 'v1', core);
  const lists = await Promise.all(
    (groups.groups ?? [])
      .filter((g) => typeof g.name === 'string' && typeof g.preferredVersion?.version === 'string')
      .map(async (g) => {
        const name = g.name as string;
        const version = g.preferredVersion?.version as string;
        return toInfo(name, version, await client.get<RawResourceList>(`/apis/${name}/${version}`, undefined, signal));
      }),
  );
  for (const l of lists) out.push(...l);
  return out;
}

/** The resource serving `kind` in `apiVersion` (`v1`, `apps/v1`); subresources never match. */
export function resourceForKind(resources: readonly ApiResourceInfo[], apiVersion: string, kind: string): ApiResourceInfo | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return resources.find((r) => r.group === group && r.version === version && r.kind === kind && !r.resource.includes('/'));
}

/**
 * The audiences the API server accepts, as far as a client can tell: `--api-audiences` is not
 * published, but it defaults to the `--service-account-issuer` values, and the first issuer is in
 * the issuer discovery document. A cluster with its own --api-audiences may accept more.
 */
export async function apiAudiences(client: ContextClient, signal?: AbortSignal): Promise<string[]> {
  const d = await fetchDiscovery(client, signal);
  return d.issuer ? [d.issuer] : [];
}
