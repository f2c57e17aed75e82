/**
 * The token flags of kube-apiserver with their defaults and startup validation, shared by the test
 * server and the real-cluster launcher so both start from the same `ClusterOptions` the same way.
 */
import type { ClusterOptions } from './api';

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** Throws kube-apiserver's startup error for options it would refuse (pkg/controlplane/apiserver/options). */
export function validateOptions(opts: ClusterOptions): void {
  const max = opts.maxTokenExpirationSeconds ?? 0;
  if (max !== 0 && (max < 3600 || max > 2 ** 32)) throw new Error('the service-account-max-token-expiration must be between 1 hour and 2^32 seconds');
  const issuers = opts.issuers ?? [DEFAULT_ISSUER];
  if (issuers.length === 0) throw new Error('service-account-issuer is a required flag');
  if (new Set(issuers).size !== issuers.length || issuers.some((i) => !i)) throw new Error('service-account-issuer contains empty or duplicate values');
}

export interface TokenConfig {
  issuers: string[];
  apiAudiences: string[];
  maxTokenExpirationSeconds: number;
  extendTokenExpiration: boolean;
}

/** The flags in effect: `--api-audiences` defaults to the issuers, no max, extension on. */
export function tokenConfig(opts: ClusterOptions): TokenConfig {
  validateOptions(opts);
  const issuers = [...(opts.issuers ?? [DEFAULT_ISSUER])];
  return {
    issuers,
    apiAudiences: opts.apiAudiences && opts.apiAudiences.length ? [...opts.apiAudiences] : [...issuers],
    maxTokenExpirationSeconds: opts.maxTokenExpirationSeconds ?? 0,
    extendTokenExpiration: opts.extendTokenExpiration ?? true,
  };
}

/**
 * Token flags like a production cluster's, used by `npm run cluster:real` and by both backends of the
 * differential suite: several API audiences, a max expiration that clamps (24 h), extension on.
 * A fresh object per call: callers may change it.
 */
export function productionLikeOptions(): Required<Omit<ClusterOptions, 'keyType'>> {
  return {
    issuers: [DEFAULT_ISSUER],
    apiAudiences: [DEFAULT_ISSUER, 'https://k8s-sa-tokens.example', 'vault'],
    maxTokenExpirationSeconds: 24 * 60 * 60,
    extendTokenExpiration: true,
  };
}
