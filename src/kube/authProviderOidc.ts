/**
 * Entry of dist/kube-oidc.js (loaded through lazyModules.ts): the `oidc` auth provider's refresh,
 * done by @kubernetes/client-node's OpenIDConnectAuth (openid-client underneath). credentials.ts
 * uses a still-valid id-token without loading this.
 */
import type * as https from 'node:https';
import { OpenIDConnectAuth } from '@kubernetes/client-node/dist/oidc_auth.js';
import type { User } from '@kubernetes/client-node/dist/config_types.js';

/**
 * The id-token to send: the one in `config` while it is valid, else a refreshed one (written back
 * into `config`, in memory only). Undefined when it cannot be refreshed.
 */
export async function oidcIdToken(config: Record<string, string>): Promise<string | undefined> {
  const user: User = { name: 'oidc', authProvider: { name: 'oidc', config } };
  const opts: https.RequestOptions = { headers: {} };
  await new OpenIDConnectAuth().applyAuthentication(user, opts);
  const header = (opts.headers as Record<string, unknown>)['Authorization'];
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}
