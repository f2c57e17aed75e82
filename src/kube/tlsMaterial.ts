/**
 * What a TLS connection to the cluster needs, as credentials.ts reads it from the kubeconfig. A module of
 * its own (types only) so the lazily loaded proxy agents can name it without importing credentials.ts,
 * which loads them.
 */
export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer | string;
  key?: Buffer | string;
  servername?: string;
  rejectUnauthorized: boolean;
}
