/**
 * Entry of dist/kube-proxy.js (loaded through lazyModules.ts): agents for a cluster's `proxy-url`,
 * as kubectl supports them: http(s):// proxies tunnel with CONNECT (hpagent), socks5:// through
 * socks-proxy-agent. The TLS material of the cluster applies to the tunnelled connection.
 */
import type * as http from 'node:http';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { SocksProxyAgent } from 'socks-proxy-agent';
import type { TlsMaterial } from './tlsMaterial';

export function proxyAgent(proxyUrl: string, serverUrl: string, tls: TlsMaterial): http.Agent {
  const options = { keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.servername, rejectUnauthorized: tls.rejectUnauthorized };
  if (proxyUrl.startsWith('socks')) return new SocksProxyAgent(proxyUrl, options);
  if (serverUrl.startsWith('https:')) return new HttpsProxyAgent({ ...options, proxy: proxyUrl });
  return new HttpProxyAgent({ keepAlive: true, proxy: proxyUrl });
}
