/**
 * Cluster A's side of the trust: where B's API server can fetch A's issuer discovery, with which
 * CA, and whether A must let anonymous callers read it. B fetches without credentials
 * (oidc.go: a plain client with the configured CA), first `{issuer.url}/.well-known/openid-configuration`
 * or `issuer.discoveryURL`, then the document's `jwks_uri`. kube-apiserver serves both paths at
 * A's API server when its issuer is an https URL (pkg/serviceaccount/openidmetadata.go; jwks_uri
 * defaults to `https://<external address>/openid/v1/jwks` unless --service-account-jwks-uri), and
 * the bootstrap ClusterRoleBinding system:service-account-issuer-discovery lets only
 * ServiceAccounts read them (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go). Pure.
 */
import * as l10n from '@vscode/l10n';
import { providerOfIssuer } from '../jwt/providers';
import type { AnonymousAnswer, IssuerClusterFacts } from '../kube/federation';
import type { IssuerSpec } from './trustConfig';

export type AnswerStatus = AnonymousAnswer['status'];

/** What the plan needs to know about cluster A. */
export interface IssuerSideFacts {
  /** A's kubeconfig context, when A is one of them. */
  context?: string;
  issuer: string;
  /** A's API server URL. */
  server?: string;
  /** The CA the context trusts for A's API server (PEM). */
  caPem?: string;
  jwksUri?: string;
  /** Anonymous GET of discovery on A's API server. */
  anonymousDiscovery?: AnswerStatus;
  /** Anonymous GET of discovery at the issuer URL, when that is not A's API server. */
  issuerDiscovery?: AnswerStatus;
  anonymousJwks?: AnswerStatus;
  /** A's API audiences (default: its issuer). */
  apiAudiences?: string[];
}

export interface IssuerSide {
  issuer: IssuerSpec;
  /** The ClusterRoleBinding A needs so that B (anonymous) may read discovery; undefined when not needed. */
  discoveryBinding?: Record<string, unknown>;
  notes: string[];
}

export const DISCOVERY_ROLE = 'system:service-account-issuer-discovery';

/** The plan's view of what src/kube/federation.ts gathered. */
export function issuerSideFactsFrom(f: IssuerClusterFacts): IssuerSideFacts | undefined {
  if (!f.discovery.ok || !f.discovery.value.issuer) return undefined;
  return {
    context: f.context,
    issuer: f.discovery.value.issuer,
    server: f.server,
    caPem: f.caPem,
    jwksUri: f.discovery.value.jwksUri,
    anonymousDiscovery: f.anonymousDiscovery.status,
    issuerDiscovery: f.issuerDiscovery?.status,
    anonymousJwks: f.anonymousJwks?.status,
    apiAudiences: f.apiAudiences,
  };
}

const originOf = (url: string | undefined): string | undefined => {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
};

/** `--group=system:unauthenticated` on the discovery role, as the Kubernetes docs show it (kubectl create clusterrolebinding … ). */
export function discoveryBindingFor(): Record<string, unknown> {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'service-account-issuer-discovery-public' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: DISCOVERY_ROLE },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:unauthenticated' }],
  };
}

/** Where B fetches A's discovery, with which CA, and what A must allow. */
export function issuerSideOf(a: IssuerSideFacts): IssuerSide {
  const notes: string[] = [];
  const managed = providerOfIssuer(a.issuer);
  if (managed) {
    notes.push(l10n.t('Cluster A is {0}: its issuer serves discovery publicly, so cluster B fetches it from the issuer URL with the system roots.', managed.name));
    return { issuer: { url: a.issuer }, notes };
  }
  const serverOrigin = originOf(a.server);
  const issuerIsServer = serverOrigin !== undefined && originOf(a.issuer) === serverOrigin;
  let issuer: IssuerSpec;
  let fromServer: boolean;
  if (!issuerIsServer && a.issuerDiscovery === 'ok') {
    // Answered from here with the system roots: B needs neither a discovery URL nor a CA.
    issuer = { url: a.issuer };
    fromServer = false;
  } else if (a.server) {
    issuer = issuerIsServer ? { url: a.issuer, certificateAuthority: a.caPem } : { url: a.issuer, discoveryUrl: `${a.server}/.well-known/openid-configuration`, certificateAuthority: a.caPem };
    fromServer = true;
    if (!issuerIsServer) notes.push(l10n.t('A\'s issuer {0} does not serve discovery where B could fetch it, so B fetches it from A\'s API server (discoveryURL).', a.issuer));
    if (!a.caPem) notes.push(l10n.t('A\'s context names no CA: B verifies A\'s API server with its system roots.'));
  } else {
    issuer = { url: a.issuer };
    fromServer = false;
    notes.push(l10n.t('A\'s issuer {0} did not serve discovery from here, and A is not one of your contexts: set issuer.discoveryURL (and certificateAuthority) to where B can fetch A\'s /.well-known/openid-configuration.', a.issuer));
  }

  let discoveryBinding: Record<string, unknown> | undefined;
  if (fromServer) {
    if (a.anonymousDiscovery === 'forbidden' || a.anonymousDiscovery === undefined) discoveryBinding = discoveryBindingFor();
    else if (a.anonymousDiscovery === 'ok') notes.push(l10n.t('A already serves its discovery to anonymous callers: no binding needed on A.'));
    if (a.anonymousDiscovery === 'unauthorized') {
      notes.push(l10n.t('A\'s API server answers anonymous requests with 401 (anonymous authentication is off): allow anonymous requests to /.well-known/openid-configuration and /openid/v1/jwks (AuthenticationConfiguration anonymous.conditions) and bind {0} to system:unauthenticated, or serve discovery elsewhere.', DISCOVERY_ROLE));
      discoveryBinding = discoveryBindingFor();
    }
  }

  if (a.jwksUri && a.anonymousJwks !== undefined && a.anonymousJwks !== 'ok') {
    const onServer = originOf(a.jwksUri) === serverOrigin;
    if (!(onServer && discoveryBinding && a.anonymousJwks === 'forbidden')) {
      notes.push(
        l10n.t('The jwks_uri of A\'s discovery, {0}, did not answer an anonymous request from here. B fetches its keys there: if B cannot reach it either, start A\'s API server with --service-account-jwks-uri={1}/openid/v1/jwks.', a.jwksUri, a.server ?? '<A\'s API server>'),
      );
    }
  }
  return { issuer, discoveryBinding, notes };
}
