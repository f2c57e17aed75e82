/**
 * Claims of bound (TokenRequest) and legacy (Secret) service-account tokens, as kube-apiserver
 * `pkg/serviceaccount/claims.go` and `legacy.go` build them.
 */
import { randomUUID } from 'node:crypto';
import type { KObject } from './api';
import { nowSeconds, serviceAccountUsername, type ServerContext } from './context';
import { signJwt } from './jwt';

export const legacyIssuer = 'kubernetes/serviceaccount';
/** `token.WarnOnlyBoundTokenExpirationSeconds`. */
export const warnOnlyBoundTokenExpirationSeconds = 60 * 60 + 7;
/** `token.ExpirationExtensionSeconds`: 365 days. */
export const expirationExtensionSeconds = 24 * 365 * 60 * 60;

export interface ObjectRef {
  name: string;
  uid?: string;
}

export interface BoundTokenInput {
  serviceAccount: KObject;
  audiences: string[];
  /** Lifetime of the JWT (after extension). */
  expirationSeconds: number;
  /** iat + this, only for extended tokens. */
  warnAfterSeconds?: number;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
}

export interface IssuedToken {
  token: string;
  iat: number;
  jti: string;
}

export function issueBoundToken(ctx: ServerContext, input: BoundTokenInput): IssuedToken {
  const iat = nowSeconds(ctx);
  const jti = randomUUID();
  const sa = input.serviceAccount.metadata;
  const ns = sa.namespace ?? '';
  const k8s: Record<string, unknown> = {
    namespace: ns,
    serviceaccount: { name: sa.name, uid: sa.uid },
  };
  if (input.pod) k8s.pod = ref(input.pod);
  if (input.secret) k8s.secret = ref(input.secret);
  if (input.node) k8s.node = ref(input.node);
  if (input.warnAfterSeconds !== undefined) k8s.warnafter = iat + input.warnAfterSeconds;
  const payload = {
    aud: input.audiences,
    exp: iat + input.expirationSeconds,
    iat,
    iss: ctx.config.issuers[0],
    jti,
    'kubernetes.io': k8s,
    nbf: iat,
    sub: serviceAccountUsername(ns, sa.name),
  };
  return { token: signJwt(ctx.keys[0], payload), iat, jti };
}

function ref(r: ObjectRef): Record<string, string> {
  return r.uid ? { name: r.name, uid: r.uid } : { name: r.name };
}

/** The token the tokens controller writes into a `kubernetes.io/service-account-token` Secret. */
export function issueLegacyToken(ctx: ServerContext, serviceAccount: KObject, secretName: string): string {
  const ns = serviceAccount.metadata.namespace ?? '';
  return signJwt(ctx.keys[0], {
    iss: legacyIssuer,
    'kubernetes.io/serviceaccount/namespace': ns,
    'kubernetes.io/serviceaccount/secret.name': secretName,
    'kubernetes.io/serviceaccount/service-account.name': serviceAccount.metadata.name,
    'kubernetes.io/serviceaccount/service-account.uid': serviceAccount.metadata.uid,
    sub: serviceAccountUsername(ns, serviceAccount.metadata.name),
  });
}
