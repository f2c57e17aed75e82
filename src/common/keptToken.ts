/**
 * The metadata of a kept token (never its value), shared by the TokenStore that keeps it (src/tokens)
 * and the tree that shows it under its ServiceAccount (src/tree), which sits below tokens.
 */
import type * as vscode from 'vscode';

/** What to send to TokenRequest again to re-mint a kept token. */
export interface MintParams {
  context: string;
  namespace: string;
  serviceAccount: string;
  /** Requested lifetime in seconds. */
  expirationSeconds: number;
  /** Requested audiences; empty means the server's default (its API audiences). */
  audiences: string[];
  boundObject?: { kind: 'Pod' | 'Secret' | 'Node'; name: string; uid?: string };
  /** Mint bound to a fresh dedicated Secret, so deleting the Secret revokes the token. */
  revocable?: boolean;
}

/** Metadata of a token the user chose to keep. The token value itself lives only in SecretStorage. */
export interface KeptToken {
  /** Random id of this entry (not the jti). */
  id: string;
  params: MintParams;
  /** Cluster URL at mint time. */
  server: string;
  /** Audiences granted (the response's spec.audiences). */
  audiences: string[];
  /** JWT iat, ms since the epoch. */
  issuedAt: number;
  /** JWT exp, ms since the epoch (for pod-bound extended tokens this is the extended expiry). */
  expiresAt: number;
  /** status.expirationTimestamp, ms: what the server reported as the expiry. */
  statusExpiresAt: number;
  /** kubernetes.io.warnafter, ms, for extended tokens. */
  warnAfter?: number;
  requestedSeconds: number;
  grantedSeconds: number;
  jti?: string;
  boundObject?: { kind: string; name: string; uid?: string };
  /** Name of the Secret a revocable token is bound to. */
  revocableSecret?: string;
  revokedAt?: number;
}

/** What the tree reads of the TokenStore: the kept entries and when they change. */
export interface KeptTokenSource {
  list(): KeptToken[];
  readonly onDidChange: vscode.Event<void>;
}
