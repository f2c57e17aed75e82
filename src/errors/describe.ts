/**
 * Turns a KubeError into a sentence a user can act on. Pure: no `vscode` import; strings go
 * through @vscode/l10n, which the extension points at VS Code's bundle at activation.
 */
import * as l10n from '@vscode/l10n';
import { safeMessage } from '../text/displayText';
import { KubeError, type MissingPermission } from './kubeError';

/** `create serviceaccounts/token in namespace "demo"` */
export function describePermission(p: MissingPermission): string {
  if (p.path) return l10n.t('{0} on path {1}', p.verb, p.path);
  const resource = p.subresource ? `${p.resource}/${p.subresource}` : p.resource;
  const group = p.group ? ` (${l10n.t('API group {0}', p.group)})` : '';
  return p.namespace !== undefined
    ? l10n.t('{0} {1}{2} in namespace "{3}"', p.verb, resource, group, p.namespace)
    : l10n.t('{0} {1}{2} cluster-wide', p.verb, resource, group);
}

/**
 * Why a cluster answers 404 to `POST …/serviceaccounts/{name}/token`. kube-apiserver registers the
 * `serviceaccounts/token` subresource only when it has a token issuer (pkg/registry/core/rest/storage_core.go:
 * `if p.ServiceAccountIssuer != nil { … serviceaccountstore.NewREST(…) }`), which needs
 * --service-account-issuer and --service-account-signing-key-file; --service-account-key-file holds
 * the public keys that verify what it signs. Without them (or before Kubernetes 1.12) there is no TokenRequest.
 */
export function tokenRequestNotServed(): string {
  return l10n.t(
    'The cluster does not serve the TokenRequest API (serviceaccounts/token). kube-apiserver serves it only when it runs with --service-account-issuer and --service-account-signing-key-file, with --service-account-key-file holding the public keys that verify the tokens; some distributions and old clusters (before Kubernetes 1.12) leave them out. Ask the cluster admin to set them. A legacy token Secret works without them, but it never expires.',
  );
}

/** The text with a final full stop, so an advice sentence can follow it. */
function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/**
 * A one-paragraph explanation of why a cluster call failed and what to do about it. It is shown in
 * notifications, tree nodes and reports, and holds foreign text (context names from kubeconfigs,
 * a user name from a 403, any error's message): bounded, redacted, bidi neutralised.
 */
export function describeKubeError(e: unknown, context?: string): string {
  return safeMessage(describe(e, context));
}

function describe(e: unknown, context?: string): string {
  if (!KubeError.is(e)) return e instanceof Error ? e.message : String(e);
  const where = context ? l10n.t('Context "{0}": ', context) : '';
  switch (e.kind) {
    case 'forbidden':
      return e.permission
        ? where + l10n.t('Permission denied: {0} may not {1}. {2}', e.permission.user, describePermission(e.permission), e.message)
        : where + l10n.t('Permission denied: {0}', e.message);
    case 'unauthorized':
      return where + l10n.t('The cluster rejected your credentials (401 Unauthorized). The token in your kubeconfig may have expired or been revoked, or it was issued by another cluster.');
    case 'notFound':
      return where + l10n.t('Not found: {0}', e.message);
    case 'unsupported':
      return where + l10n.t('The cluster does not serve this API ({0}). It may be too old or the feature may be disabled.', e.message);
    case 'invalid':
      return where + l10n.t('The cluster refused the request as invalid: {0}', e.message);
    case 'conflict':
      return where + l10n.t('Conflict: {0}', e.message);
    case 'rateLimited':
      return where + l10n.t('The cluster is throttling requests (429 Too Many Requests). Wait {0} s, then try again.', e.retryAfterSeconds ?? 1);
    case 'server':
      return where + l10n.t('The cluster answered with an internal error ({0}): {1} The API server may be overloaded or restarting: try again in a moment, and check its logs if it persists.', e.status ?? '5xx', sentence(e.message));
    case 'timeout':
      return where + l10n.t('The cluster did not answer in time: {0} Check the network, or raise k8sTokens.requestTimeoutSeconds.', e.message);
    case 'unreachable':
      return where + l10n.t('Cannot reach the cluster: {0} Check that the cluster is running, that the server address in the kubeconfig is right, and that any VPN or proxy it needs is on.', sentence(e.message));
    case 'connectionReset':
      return where + l10n.t('The connection to the cluster was reset: {0} A proxy or load balancer may have closed it, or the API server restarted: try again.', sentence(e.message));
    case 'tls':
      return where + l10n.t('The cluster certificate is not trusted: {0} Check certificate-authority-data in your kubeconfig.', sentence(e.message));
    case 'kubeconfig':
      return where + l10n.t('Kubeconfig problem: {0}', e.message);
    case 'cancelled':
      return l10n.t('Cancelled.');
    case 'expired':
      return where + l10n.t('The cluster no longer has the requested version of the list (410 Expired): {0} Refresh to load it again.', sentence(e.message));
    case 'badRequest':
      return where + l10n.t('The cluster refused the request: {0}', e.message);
    default:
      return where + e.message;
  }
}
