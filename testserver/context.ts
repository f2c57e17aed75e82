/**
 * State shared by the server's parts: flags (mutable through `configure()`), keys, store, clock.
 */
import type { SigningKey } from './jwt';
import type { Store } from './store';

/** The kube-apiserver flags this server emulates. */
export interface ServerConfig {
  /** `--service-account-issuer`: the first signs, all are accepted. */
  issuers: string[];
  /** `--api-audiences`; already defaulted to the issuers. */
  apiAudiences: string[];
  /** `--service-account-max-token-expiration` seconds; 0 = no cap. */
  maxTokenExpirationSeconds: number;
  /** `--service-account-extend-token-expiration`. */
  extendTokenExpiration: boolean;
  legacyTokenControllerDelayMs: number;
  /** Success cache of token authentication, ms; 0 = off. */
  tokenSuccessCacheTtlMs: number;
  /** Interval of watch BOOKMARK events (cacher `defaultBookmarkFrequency`, 1 min). */
  watchBookmarkIntervalMs: number;
}

/** Authenticated user (`user.Info`). */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface ServerContext {
  config: ServerConfig;
  /** keys[0] signs; all verify and appear in the JWKS. */
  keys: SigningKey[];
  store: Store;
  now: () => number;
  caPem: string;
}

/** A clock in whole seconds, as JWT numeric dates. */
export function nowSeconds(ctx: ServerContext): number {
  return Math.floor(ctx.now() / 1000);
}

export const saUserPrefix = 'system:serviceaccount:';

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${saUserPrefix}${namespace}:${name}`;
}

/** `serviceaccount.SplitUsername`: [namespace, name] or undefined. */
export function splitServiceAccountUsername(username: string): [string, string] | undefined {
  if (!username.startsWith(saUserPrefix)) return undefined;
  const parts = username.slice(saUserPrefix.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return [parts[0], parts[1]];
}

export function serviceAccountGroups(namespace: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`];
}

/** Go's `%q` of a []string: `["a" "b"]`. */
export function goQuotedList(items: readonly string[]): string {
  return `[${items.map((s) => JSON.stringify(s)).join(' ')}]`;
}
