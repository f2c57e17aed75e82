/**
 * `Impersonate-*` headers as k8s.io/apiserver `filters/impersonation.go` handles them: every requested
 * attribute is authorized (`impersonate` on users / serviceaccounts / groups / uids / userextras),
 * SA usernames get the SA groups, non-anonymous users get system:authenticated.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { serviceAccountGroups, splitServiceAccountUsername, type UserInfo } from './context';
import { forbiddenError, type Attributes, type Authorizer } from './rbac';
import { badRequest } from './status';

function headerValues(headers: IncomingHttpHeaders, name: string): string[] {
  const v = headers[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Go's `%v` of a v1.ObjectReference with only Kind and Name (and APIVersion) set. */
function refText(kind: string, name: string, apiVersion = ''): string {
  return `{${kind}  ${name}  ${apiVersion}  }`;
}

/** Returns the user to act as, or the caller unchanged when no impersonation was asked. */
export function impersonate(caller: UserInfo, headers: IncomingHttpHeaders, authz: Authorizer): UserInfo {
  const username = headerValues(headers, 'impersonate-user')[0];
  const groups = headerValues(headers, 'impersonate-group');
  const uid = headerValues(headers, 'impersonate-uid')[0];
  const extraKeys = Object.keys(headers).filter((h) => h.startsWith('impersonate-extra-'));
  if (username === undefined) {
    if (groups.length || uid !== undefined || extraKeys.length) {
      const refs = [
        ...groups.map((g) => refText('Group', g)),
        ...extraKeys.flatMap((k) => headerValues(headers, k).map((v) => refText('UserExtra', v, k.slice('impersonate-extra-'.length)))),
        ...(uid !== undefined ? [refText('UID', uid)] : []),
      ];
      throw badRequest(`requested [${refs.join(' ')}] without impersonating a user`);
    }
    return caller;
  }
  const check = (a: Omit<Attributes, 'user' | 'verb' | 'resourceRequest' | 'path' | 'apiVersion'>): void => {
    const attrs: Attributes = { user: caller, verb: 'impersonate', resourceRequest: true, path: '', apiVersion: '', ...a };
    const d = authz.authorize(attrs);
    if (!d.allowed) throw forbiddenError(attrs, d.reason);
  };
  const sa = splitServiceAccountUsername(username);
  let impersonatedGroups: string[] = [];
  if (sa) {
    check({ namespace: sa[0], apiGroup: '', resource: 'serviceaccounts', subresource: '', name: sa[1] });
    if (groups.length === 0) impersonatedGroups = serviceAccountGroups(sa[0]);
  } else {
    check({ namespace: '', apiGroup: '', resource: 'users', subresource: '', name: username });
  }
  for (const g of groups) {
    check({ namespace: '', apiGroup: '', resource: 'groups', subresource: '', name: g });
    impersonatedGroups.push(g);
  }
  const extra: Record<string, string[]> = {};
  for (const h of extraKeys.sort()) {
    const key = decodeURIComponent(h.slice('impersonate-extra-'.length));
    for (const v of headerValues(headers, h)) {
      check({ namespace: '', apiGroup: 'authentication.k8s.io', resource: 'userextras', subresource: key, name: v });
      (extra[key] ??= []).push(v);
    }
  }
  if (uid !== undefined) check({ namespace: '', apiGroup: 'authentication.k8s.io', resource: 'uids', subresource: '', name: uid });
  if (username !== 'system:anonymous' && !impersonatedGroups.some((g) => g === 'system:authenticated' || g === 'system:unauthenticated')) {
    impersonatedGroups.push('system:authenticated');
  }
  const user: UserInfo = { username, groups: impersonatedGroups };
  if (uid !== undefined) user.uid = uid;
  if (Object.keys(extra).length) user.extra = extra;
  return user;
}
