/**
 * The JWT authenticator that makes cluster B accept cluster A's ServiceAccount tokens, as B's
 * kube-apiserver reads it from `--authentication-config` (apiserver.config.k8s.io/v1
 * AuthenticationConfiguration, staging/src/k8s.io/apiserver/pkg/apis/apiserver/v1/types.go, v1.37.2).
 * Pure: no `vscode`, no network.
 *
 * A ServiceAccount token of A carries `iss` (A's issuer), `aud`, `sub`
 * (`system:serviceaccount:<ns>:<name>`) and the `kubernetes.io` claim (namespace, serviceaccount
 * {name, uid}, pod/secret/node, and `jti`). It has no groups claim, so the groups B sees are built
 * with CEL from the namespace, mirroring what A itself gives the ServiceAccount
 * (`system:serviceaccounts`, `system:serviceaccounts:<ns>`), with the prefix.
 */

/** What B must know of A's issuer. */
export interface IssuerSpec {
  /** The `iss` of A's tokens: A's first `--service-account-issuer`. */
  url: string;
  /** Where B fetches the discovery document when the issuer URL itself does not serve it. */
  discoveryUrl?: string;
  /** The CA (PEM) B verifies that host with; absent: B's system roots. */
  certificateAuthority?: string;
}

/** Which of A's tokens B accepts: every ServiceAccount, those of one namespace, or one. */
export interface AcceptedScope {
  namespace?: string;
  serviceAccount?: string;
}

export interface JwtAuthenticatorInput {
  issuer: IssuerSpec;
  /** The audience B expects (`--audience` when minting on A). */
  audience: string;
  /** Put before every mapped user and group name, so they cannot collide with B's own (`cluster-a:`). */
  prefix: string;
  accept: AcceptedScope;
  /** Domain of the extra keys (`<domain>/pod-name`); none when undefined. */
  extraKeyDomain?: string;
}

export const SA_USER_PREFIX = 'system:serviceaccount:';
export const SA_GROUP = 'system:serviceaccounts';

/** A CEL string literal: single quotes; backslash, quote and control characters escaped (CEL's \\uXXXX). */
export function celString(s: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = s.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `'${escaped}'`;
}

/** The user B sees for a ServiceAccount of A. */
export function mappedUser(prefix: string, namespace: string, serviceAccount: string): string {
  return `${prefix}${SA_USER_PREFIX}${namespace}:${serviceAccount}`;
}

/** The groups B sees for a ServiceAccount of A in `namespace` (B adds system:authenticated itself). */
export function mappedGroups(prefix: string, namespace: string): string[] {
  return [`${prefix}${SA_GROUP}`, `${prefix}${SA_GROUP}:${namespace}`];
}

/** RFC 1123 subdomain, lower case: what an extra key's domain must be (validation.go IsDomainPrefixedPath). */
const SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The domain for extra keys: the issuer's host, which names where the values come from. Keys under
 * kubernetes.io and k8s.io are refused by B (validation.go isKubernetesDomainPrefix).
 */
export function extraKeyDomainFor(issuerUrl: string): string | undefined {
  let host: string;
  try {
    host = new URL(issuerUrl).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  const reserved = ['kubernetes.io', 'k8s.io'].some((d) => host === d || host.endsWith(`.${d}`));
  return !reserved && host.length <= 253 && SUBDOMAIN.test(host) ? host : undefined;
}

const K8S = "claims['kubernetes.io']";

/** One `jwt:` element of B's AuthenticationConfiguration. */
export function jwtAuthenticator(i: JwtAuthenticatorInput): Record<string, unknown> {
  const issuer: Record<string, unknown> = { url: i.issuer.url };
  if (i.issuer.discoveryUrl) issuer.discoveryURL = i.issuer.discoveryUrl;
  if (i.issuer.certificateAuthority) issuer.certificateAuthority = i.issuer.certificateAuthority;
  issuer.audiences = [i.audience];

  const rules: { expression: string; message: string }[] = [
    { expression: `claims.sub.startsWith(${celString(SA_USER_PREFIX)})`, message: 'only ServiceAccount tokens are accepted from this issuer' },
    // Every expression below reads the kubernetes.io claim: refuse a token without it with a clear message.
    // (An optional index: `in` has no overload for the claims map of kube-apiserver's CEL environment, v1.37.2.)
    { expression: `claims[?'kubernetes.io'].hasValue()`, message: 'the token has no kubernetes.io claim' },
  ];
  if (i.accept.namespace !== undefined && i.accept.serviceAccount !== undefined) {
    rules.push({ expression: `claims.sub == ${celString(`${SA_USER_PREFIX}${i.accept.namespace}:${i.accept.serviceAccount}`)}`, message: `only ServiceAccount ${i.accept.namespace}/${i.accept.serviceAccount} is accepted` });
  } else if (i.accept.namespace !== undefined) {
    rules.push({ expression: `${K8S}.namespace == ${celString(i.accept.namespace)}`, message: `only ServiceAccounts of namespace ${i.accept.namespace} are accepted` });
  }

  const p = celString(i.prefix);
  const claimMappings: Record<string, unknown> = {
    // `claim` + `prefix` (the prefix is required with a claim: types.go PrefixedClaimOrExpression).
    username: { claim: 'sub', prefix: i.prefix },
    groups: { expression: `[${p} + ${celString(SA_GROUP)}, ${p} + ${celString(`${SA_GROUP}:`)} + ${K8S}.namespace]` },
    uid: { expression: `${K8S}.serviceaccount.uid` },
  };
  if (i.extraKeyDomain) {
    // "", [] and null leave the key out (types.go ExtraMapping), so a token not bound to a Pod gets no pod keys.
    claimMappings.extra = [
      { key: `${i.extraKeyDomain}/pod-name`, valueExpression: `${K8S}.?pod.name.orValue('')` },
      { key: `${i.extraKeyDomain}/pod-uid`, valueExpression: `${K8S}.?pod.uid.orValue('')` },
      { key: `${i.extraKeyDomain}/credential-id`, valueExpression: `has(claims.jti) ? 'JTI=' + claims.jti : ''` },
    ];
  }
  return {
    issuer,
    claimValidationRules: rules,
    claimMappings,
    // With the prefix these always hold; they stop an edit that empties the prefix from minting system: identities on B.
    userValidationRules: [
      { expression: "!user.username.startsWith('system:')", message: 'a mapped user may not be a system: user' },
      { expression: "user.groups.all(g, !g.startsWith('system:'))", message: 'a mapped group may not be a system: group' },
    ],
  };
}

/** `apiserver.config.k8s.io/v1` from Kubernetes 1.34 (the feature is GA), v1beta1 from 1.30; older: none this plan can use. */
export function authenticationConfigApiVersion(minor: number | undefined): string | undefined {
  if (minor === undefined || minor >= 34) return 'apiserver.config.k8s.io/v1';
  if (minor >= 30) return 'apiserver.config.k8s.io/v1beta1';
  return undefined;
}

/** The whole file for `--authentication-config`. */
export function authenticationConfiguration(apiVersion: string, authenticators: Record<string, unknown>[]): Record<string, unknown> {
  return { apiVersion, kind: 'AuthenticationConfiguration', jwt: authenticators };
}
