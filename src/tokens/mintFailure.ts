/**
 * Why a TokenRequest (or the Secret work around it) failed, in words, plus what we can offer:
 * the RBAC that would grant a missing permission, or a legacy Secret when TokenRequest is not
 * served. Pure, so each case is unit-tested against the API server's real error bodies.
 */
import * as l10n from '@vscode/l10n';
import { describeKubeError, describePermission, tokenRequestNotServed } from '../errors/describe';
import { KubeError, type MissingPermission } from '../errors/kubeError';
import { rbacYaml, toDnsName, type RbacSubject } from '../rbac/rbacYaml';

export interface MintFailure {
  status: 'failed';
  /** KubeError kind, or 'other'. */
  errorKind: string;
  httpStatus?: number;
  message: string;
  permission?: MissingPermission;
  /** Role + RoleBinding YAML that would grant the missing permission (403 only). */
  rbacYaml?: string;
  /** True when TokenRequest itself is not served: a legacy Secret is the fallback. */
  suggestLegacySecret?: boolean;
}

export interface MintTarget {
  context: string;
  namespace: string;
  serviceAccount: string;
}

const SA_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** The RBAC subject for a user name from a 403 message (a ServiceAccount or a plain User). */
export function subjectForUser(user: string): RbacSubject {
  const m = SA_USER.exec(user);
  return m ? { kind: 'ServiceAccount', namespace: m[1], name: m[2] } : { kind: 'User', name: user };
}

/** Role + binding YAML granting exactly the missing permission. */
export function rbacForPermission(p: MissingPermission): string | undefined {
  if (p.path) return undefined; // Non-resource URLs need a ClusterRole with nonResourceURLs; not generated here.
  const resource = p.subresource ? `${p.resource}/${p.subresource}` : p.resource;
  return rbacYaml({
    name: toDnsName(`${p.user.split(':').pop() ?? p.user}-${p.verb}-${resource}`),
    namespace: p.namespace,
    rules: [{ apiGroups: [p.group], resources: [resource], verbs: [p.verb] }],
    subject: subjectForUser(p.user),
  });
}

export function explainMintFailure(e: unknown, target: MintTarget): MintFailure {
  const kind = KubeError.is(e) ? e.kind : 'other';
  const base: MintFailure = { status: 'failed', errorKind: kind, httpStatus: KubeError.is(e) ? e.status : undefined, message: describeKubeError(e, target.context) };
  if (!KubeError.is(e)) return base;
  const who = `${target.namespace}/${target.serviceAccount}`;
  switch (e.kind) {
    case 'forbidden': {
      if (!e.permission) return base;
      return {
        ...base,
        permission: e.permission,
        message: l10n.t('{0} may not {1}, so no token can be minted for {2}. Ask a cluster admin for this permission (the edit and admin roles include it since Kubernetes 1.24).', e.permission.user, describePermission(e.permission), who),
        rbacYaml: rbacForPermission(e.permission),
      };
    }
    case 'notFound': {
      const details = e.body?.details;
      if (details?.kind === 'namespaces') return { ...base, message: l10n.t('Namespace "{0}" does not exist in context "{1}".', target.namespace, target.context) };
      if (details?.kind === 'serviceaccounts') return { ...base, message: l10n.t('ServiceAccount "{0}" does not exist in namespace "{1}".', target.serviceAccount, target.namespace) };
      return { ...base, message: l10n.t('The object to bind the token to was not found: {0}', e.message) };
    }
    case 'unsupported':
      return {
        ...base,
        suggestLegacySecret: true,
        message: tokenRequestNotServed(),
      };
    case 'invalid':
      return { ...base, message: l10n.t('The API server refused the request: {0}', e.message) };
    case 'badRequest':
    case 'conflict':
      return { ...base, message: l10n.t('The API server refused to bind the token: {0}', e.message) };
    default:
      return base;
  }
}
