/**
 * `Impersonate-*` headers as k8s.io/apiserver v1.37 handles them (endpoints/filters/impersonation:
 * constrained_impersonation.go, mode.go; KEP-5284 constrained impersonation, on by default):
 * the modes associated-node, arbitrary-node, serviceaccount and user-info are tried first, each
 * needing `impersonate-on:<mode>:<verb>` on the request itself and `impersonate:<mode>` on the
 * identity (group authentication.k8s.io); then legacy `impersonate` (users, groups and
 * serviceaccounts in the core group, uids and userextras in authentication.k8s.io). The first
 * refusal met is the answer when no mode succeeds. SA usernames get the SA groups, nodes
 * system:nodes, everyone but system:anonymous system:authenticated.
 */
import { goQuotedList, serviceAccountGroups, splitServiceAccountUsername, type UserInfo } from './context';
import { forbiddenError, type Attributes, type Authorizer } from './rbac';
import type { RequestInfo } from './requestInfo';
import { ApiError, badRequest } from './status';

const AUTHN_GROUP = 'authentication.k8s.io';

/** Values of a header, one per header line as Go's http.Header keeps them (Node joins repeated lines). */
function headerValues(raw: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i].toLowerCase() === name) out.push(raw[i + 1].trim());
  return out.filter((s) => s.length > 0);
}

/** Go's `%#v` of a `*user.DefaultInfo`. */
function goDefaultInfo(u: { name: string; uid: string; groups: string[]; extra: Record<string, string[]> }): string {
  const q = (s: string): string => JSON.stringify(s);
  const strings = (l: string[] | undefined): string => (l ? `[]string{${l.map(q).join(', ')}}` : '[]string(nil)');
  const keys = Object.keys(u.extra).sort();
  const extra = keys.length ? `map[string][]string{${keys.map((k) => `${q(k)}:${strings(u.extra[k])}`).join(', ')}}` : 'map[string][]string(nil)';
  return `&user.DefaultInfo{Name:${q(u.name)}, UID:${q(u.uid)}, Groups:${strings(u.groups.length ? u.groups : undefined)}, Extra:${extra}}`;
}

interface Wanted {
  name: string;
  uid: string;
  groups: string[];
  extra: Record<string, string[]>;
}

/** processImpersonationHeaders: the raw wanted user, or undefined when nothing is impersonated. */
function wantedUser(raw: readonly string[]): Wanted | undefined {
  const wanted: Wanted = { name: headerValues(raw, 'impersonate-user')[0] ?? '', uid: headerValues(raw, 'impersonate-uid')[0] ?? '', groups: headerValues(raw, 'impersonate-group'), extra: {} };
  const extraHeaders = [...new Set(raw.filter((h, i) => i % 2 === 0 && h.toLowerCase().startsWith('impersonate-extra-')).map((h) => h.toLowerCase()))];
  for (const h of extraHeaders) {
    const key = decodeURIComponent(h.slice('impersonate-extra-'.length));
    wanted.extra[key] = [...(wanted.extra[key] ?? []), ...headerValues(raw, h)];
  }
  if (!wanted.name) {
    if (wanted.uid || wanted.groups.length || extraHeaders.length) throw badRequest(`requested ${goDefaultInfo(wanted)} without impersonating a user name`);
    return undefined;
  }
  return wanted;
}

function nodeName(username: string): string | undefined {
  if (!username.startsWith('system:node:')) return undefined;
  const name = username.slice('system:node:'.length);
  return /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/.test(name) && name.length <= 253 ? name : undefined;
}

type Mode = 'associated-node' | 'arbitrary-node' | 'serviceaccount' | 'user-info' | 'legacy';

class Impersonator {
  constructor(
    private readonly authz: Authorizer,
    private readonly caller: UserInfo,
  ) {}

  private check(a: Omit<Attributes, 'user' | 'resourceRequest' | 'path' | 'apiVersion'> & { apiVersion?: string }): void {
    const attrs: Attributes = { user: this.caller, resourceRequest: true, path: '', apiVersion: '', ...a };
    const d = this.authz.authorize(attrs);
    if (!d.allowed) throw forbiddenError(attrs, d.reason);
  }

  /** impersonationModeState.check for one mode. */
  identity(mode: Mode, wanted: Wanted): UserInfo {
    const constrained = mode !== 'legacy';
    const verb = constrained ? `impersonate:${mode}` : 'impersonate';
    const coreGroup = constrained ? AUTHN_GROUP : '';
    const base = { verb, subresource: '', namespace: '' };
    let groups = [...wanted.groups];
    const node = constrained ? nodeName(wanted.name) : undefined;
    const sa = splitServiceAccountUsername(wanted.name);
    if (node !== undefined) {
      if (wanted.groups.length) throw forbiddenError({ ...base, user: this.caller, resourceRequest: true, path: '', apiVersion: '', apiGroup: coreGroup, resource: 'nodes', name: node }, `when impersonating a node, cannot impersonate groups ${goQuotedList(wanted.groups)}`);
      groups = ['system:nodes'];
      this.check({ ...base, apiGroup: coreGroup, resource: 'nodes', name: node });
    } else if (sa) {
      const attrs = { ...base, apiGroup: coreGroup, resource: 'serviceaccounts', namespace: sa[0], name: sa[1] };
      if (constrained && wanted.groups.length) throw forbiddenError({ ...attrs, user: this.caller, resourceRequest: true, path: '', apiVersion: '' }, `when impersonating a service account, cannot impersonate groups ${goQuotedList(wanted.groups)}`);
      if (!wanted.groups.length) groups = serviceAccountGroups(sa[0]);
      this.check(attrs);
    } else {
      this.check({ ...base, apiGroup: coreGroup, resource: 'users', name: wanted.name });
    }
    if (wanted.uid) this.check({ ...base, apiGroup: AUTHN_GROUP, resource: 'uids', name: wanted.uid });
    for (const g of wanted.groups) {
      if (constrained && g === 'system:masters') throw forbiddenError({ ...base, user: this.caller, resourceRequest: true, path: '', apiVersion: '', apiGroup: coreGroup, resource: 'groups', name: g }, 'impersonating the system:masters group is not allowed');
      this.check({ ...base, apiGroup: coreGroup, resource: 'groups', name: g });
    }
    for (const key of Object.keys(wanted.extra).sort()) {
      for (const v of wanted.extra[key]) this.check({ ...base, apiGroup: AUTHN_GROUP, resource: 'userextras', subresource: key, name: v });
    }
    if (wanted.name === 'system:anonymous') {
      if (!groups.includes('system:unauthenticated')) groups.push('system:unauthenticated');
    } else if (!groups.includes('system:unauthenticated') && !groups.includes('system:authenticated')) {
      groups.push('system:authenticated');
    }
    const user: UserInfo = { username: wanted.name, groups };
    if (wanted.uid) user.uid = wanted.uid;
    if (Object.keys(wanted.extra).length) user.extra = wanted.extra;
    return user;
  }
}

/** The modes whose filter lets `wanted` through, in the order they are tried. */
function modesFor(caller: UserInfo, wanted: Wanted): Mode[] {
  const onlyName = !wanted.uid && wanted.groups.length === 0 && Object.keys(wanted.extra).length === 0;
  const node = nodeName(wanted.name);
  const sa = splitServiceAccountUsername(wanted.name) !== undefined;
  const modes: Mode[] = [];
  const callerNode = caller.extra?.['authentication.kubernetes.io/node-name'];
  if (onlyName && node !== undefined && splitServiceAccountUsername(caller.username) && callerNode?.length === 1 && callerNode[0] === node) modes.push('associated-node');
  if (onlyName && node !== undefined) modes.push('arbitrary-node');
  if (onlyName && sa) modes.push('serviceaccount');
  if (node === undefined && !sa) modes.push('user-info');
  modes.push('legacy');
  return modes;
}

/** Returns the user to act as, or the caller unchanged when no impersonation was asked. */
/** `rawHeaders`: IncomingMessage.rawHeaders (names and values alternating). */
export function impersonate(caller: UserInfo, rawHeaders: readonly string[], authz: Authorizer, request: RequestInfo): UserInfo {
  const wanted = wantedUser(rawHeaders);
  if (!wanted) return caller;
  const impersonator = new Impersonator(authz, caller);
  let firstError: ApiError | undefined;
  for (const mode of modesFor(caller, wanted)) {
    try {
      if (mode !== 'legacy') {
        // The constrained modes first need `impersonate-on:<mode>:<verb>` on the request itself.
        const attrs: Attributes = { user: caller, ...request, verb: `impersonate-on:${mode}:${request.verb}` };
        const d = authz.authorize(attrs);
        if (!d.allowed) throw forbiddenError(attrs, d.reason);
      }
      return impersonator.identity(mode, wanted);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      firstError ??= e;
    }
  }
  throw firstError as ApiError;
}
