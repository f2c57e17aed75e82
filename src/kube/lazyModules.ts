/**
 * Parts of the cluster layer that few users need, each its own bundle loaded on first use, so
 * that dist/kube.js stays small and quick to require for everyone else (`npm run bench`):
 *  - dist/kube-proxy.js: agents for `proxy-url` (HTTP CONNECT through hpagent, SOCKS through
 *    socks-proxy-agent: about 90 KB with their dependencies);
 *  - dist/kube-oidc.js: the `oidc` auth provider's token refresh, client-node's OpenIDConnectAuth
 *    with openid-client (about 45 KB), needed only once an id-token has expired.
 * esbuild defines the paths for the kube bundle; in tsc-compiled tests the modules sit beside this
 * file and are required directly.
 */
import * as path from 'node:path';
import type * as authProviderOidc from './authProviderOidc';
import type * as proxyAgents from './proxyAgents';

declare const KUBE_PROXY_MODULE_PATH: string | undefined;
declare const KUBE_OIDC_MODULE_PATH: string | undefined;

export type ProxyModule = typeof proxyAgents;
export type OidcModule = typeof authProviderOidc;

function load<T>(bundled: string | undefined, source: string): T {
  const target = typeof bundled === 'string' ? path.join(__dirname, bundled) : source;
  // A computed require keeps esbuild from inlining the module into dist/kube.js.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(target) as T;
}

export function proxyModule(): ProxyModule {
  return load<ProxyModule>(typeof KUBE_PROXY_MODULE_PATH === 'string' ? KUBE_PROXY_MODULE_PATH : undefined, './proxyAgents');
}

export function oidcModule(): OidcModule {
  return load<OidcModule>(typeof KUBE_OIDC_MODULE_PATH === 'string' ? KUBE_OIDC_MODULE_PATH : undefined, './authProviderOidc');
}
