/**
 * What a request to one context carries: TLS material (CA, client certificate) and the
 * Authorization and impersonation headers, from the kubeconfig user the way client-go builds them
 * (`tools/clientcmd/client_config.go`, `transport/`): a static token, a token file re-read while
 * the client lives, basic auth, an auth provider (OIDC) or an exec plugin. Files are read
 * asynchronously and bounded in size, so a FIFO or a huge file named in a kubeconfig cannot stall
 * the extension host. Everything here runs under the request's AbortSignal.
 */
import * as fs from 'node:fs';
import * as l10n from '@vscode/l10n';
import { decodeJwt } from '../jwt/decode';
import { KubeError } from '../errors/kubeError';
import { ExecCredentialPlugin, type ExecClusterInfo, type ExecCredential } from './execCredential';
import type { ResolvedContext } from './kubeconfig';
import type { KubeUser } from './kubeconfigModel';
import { oidcModule } from './lazyModules';
import type { TlsMaterial } from './tlsMaterial';

export type { TlsMaterial } from './tlsMaterial';

export interface PreparedCredentials {
  headers: Record<string, string | string[]>;
  tls: TlsMaterial;
  /** Changes when the client certificate changes (an exec plugin may rotate it): the agent must follow. */
  tlsIdentity: string;
  /** The cluster answered 401 to these credentials: forget cached ones, as client-go does. */
  rejected(): void;
}

export interface CredentialOptions {
  warn?: (line: string) => void;
  now?: () => number;
}

/** Files named in a kubeconfig (CA bundles, certificates, tokens) are far smaller. */
export const MAX_CREDENTIAL_FILE_BYTES = 1024 * 1024;
const NONBLOCK = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** Reads a small regular file; anything else (FIFO, device, directory, too big) is refused. */
export async function readCredentialFile(file: string): Promise<Buffer> {
  const h = await fs.promises.open(file, NONBLOCK);
  try {
    const st = await h.stat();
    if (!st.isFile()) throw Object.assign(new Error(l10n.t('not a regular file')), { code: 'ENOTREG' });
    if (st.size > MAX_CREDENTIAL_FILE_BYTES) throw Object.assign(new Error(l10n.t('larger than {0} MB', MAX_CREDENTIAL_FILE_BYTES / 1024 / 1024)), { code: 'EFBIG' });
    return await h.readFile();
  } finally {
    await h.close();
  }
}

function reason(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT') return l10n.t('the file does not exist');
  if (code === 'EACCES' || code === 'EPERM') return l10n.t('permission denied');
  return e instanceof Error ? e.message : String(e);
}

/** `p`, or a rejection with the signal's reason (a KubeError: cancelled or timeout) as soon as it aborts. */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  const why = (): unknown => (KubeError.is(signal.reason) ? signal.reason : new KubeError({ kind: 'cancelled', message: 'The request was cancelled.' }));
  if (signal.aborted) return Promise.reject(why());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(why());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function configError(message: string, cause?: unknown): KubeError {
  return new KubeError({ kind: 'kubeconfig', message, cause });
}

/**
 * `tokenFile`: re-read at most once a minute while requests run, and again after a 401, like
 * client-go's cached file token source. A file that cannot be read before any token was read is an
 * error naming the file (never an anonymous request); a later failure keeps the last token.
 */
class TokenFileSource {
  private token: string | undefined;
  private readAt = -Infinity;

  constructor(
    private readonly file: string,
    private readonly userName: string,
    private readonly fallback: string | undefined,
    private readonly options: CredentialOptions,
  ) {}

  async get(now: number): Promise<string> {
    // client-go: a one-minute period with ten seconds of leeway.
    if (this.token !== undefined && now - this.readAt < 50_000) return this.token;
    try {
      const text = (await readCredentialFile(this.file)).toString('utf8').trim();
      if (!text) throw new Error(l10n.t('the file is empty'));
      this.token = text;
      this.readAt = now;
      return text;
    } catch (e) {
      const last = this.token ?? this.fallback;
      if (last !== undefined) {
        this.options.warn?.(`could not re-read the token file of user "${this.userName}" (${reason(e)}); using the last token`);
        return last;
      }
      throw configError(l10n.t('Cannot read the token file "{0}" of user "{1}": {2}. Fix users[].user.tokenFile in the kubeconfig.', this.file, this.userName, reason(e)), e);
    }
  }

  reset(): void {
    this.readAt = -Infinity;
  }
}

/** Exec plugins by configuration and cluster, shared by every client of one KubeConnections (as client-go's global cache). */
export class ExecPlugins {
  private readonly plugins = new Map<string, ExecCredentialPlugin>();

  constructor(private readonly options: CredentialOptions = {}) {}

  get(user: KubeUser, cluster: ExecClusterInfo): ExecCredentialPlugin {
    const key = JSON.stringify([user.exec, cluster]);
    let p = this.plugins.get(key);
    if (!p && user.exec) {
      p = new ExecCredentialPlugin(user.name, user.exec, cluster, { warn: this.options.warn, now: this.options.now });
      this.plugins.set(key, p);
    }
    if (!p) throw new Error('no exec configuration');
    return p;
  }

  /** Kills every running plugin process. */
  dispose(): void {
    for (const p of this.plugins.values()) p.dispose();
    this.plugins.clear();
  }
}

const REMOVED_PROVIDERS: Record<string, string> = {
  gcp: 'gke-gcloud-auth-plugin (https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke)',
  azure: 'kubelogin (https://github.com/Azure/kubelogin)',
};

/** Credentials of one context. Static material is read on first use and kept. */
export class ContextCredentials {
  private tls: Promise<TlsMaterial> | undefined;
  private readonly tokenFile: TokenFileSource | undefined;
  private readonly now: () => number;

  constructor(
    private readonly ctx: ResolvedContext,
    private readonly execPlugins: ExecPlugins,
    options: CredentialOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    const u = ctx.user;
    if (u.tokenFile) this.tokenFile = new TokenFileSource(u.tokenFile, u.name, u.token, options);
  }

  /** Problems kubectl refuses to connect with, before anything is read or run. */
  private check(): void {
    const c = this.ctx.cluster;
    if (!c.server) throw configError(l10n.t('Cluster "{0}" has no server. Add clusters[].cluster.server to the kubeconfig.', c.name));
    if (c.skipTLSVerify && (c.caData || c.caFile)) {
      // client-go transport/transport.go: "specifying a root certificates file with the insecure flag is not allowed".
      throw configError(
        l10n.t('Cluster "{0}" sets insecure-skip-tls-verify together with a certificate authority. kubectl refuses this ("specifying a root certificates file with the insecure flag is not allowed"): remove one of the two from the kubeconfig.', c.name),
      );
    }
  }

  private async readTls(): Promise<TlsMaterial> {
    const c = this.ctx.cluster;
    const u = this.ctx.user;
    const read = async (file: string, what: string): Promise<Buffer> => {
      try {
        return await readCredentialFile(file);
      } catch (e) {
        throw configError(l10n.t('Cannot read the {0} "{1}": {2}. Fix the path in the kubeconfig.', what, file, reason(e)), e);
      }
    };
    const tls: TlsMaterial = { rejectUnauthorized: !c.skipTLSVerify, servername: c.tlsServerName };
    // kubectl: the -data field wins over the file when both are set.
    if (c.caData) tls.ca = Buffer.from(c.caData, 'base64');
    else if (c.caFile) tls.ca = await read(c.caFile, 'certificate-authority');
    if (u.certData || u.certFile) {
      tls.cert = u.certData ? Buffer.from(u.certData, 'base64') : await read(u.certFile ?? '', 'client-certificate');
      if (u.keyData) tls.key = Buffer.from(u.keyData, 'base64');
      else if (u.keyFile) tls.key = await read(u.keyFile, 'client-key');
      else throw configError(l10n.t('User "{0}" has a client certificate but no client-key or client-key-data.', u.name));
    }
    return tls;
  }

  private execCluster(tls: TlsMaterial): ExecClusterInfo {
    const c = this.ctx.cluster;
    const info: ExecClusterInfo = { server: c.server };
    if (c.tlsServerName) info['tls-server-name'] = c.tlsServerName;
    if (c.skipTLSVerify) info['insecure-skip-tls-verify'] = true;
    if (tls.ca) info['certificate-authority-data'] = tls.ca.toString('base64');
    if (c.proxyUrl) info['proxy-url'] = c.proxyUrl;
    if (c.execExtension !== undefined) info.config = c.execExtension;
    return info;
  }

  async prepare(signal: AbortSignal): Promise<PreparedCredentials> {
    this.check();
    const tlsPromise = (this.tls ??= this.readTls());
    tlsPromise.catch(() => {
      if (this.tls === tlsPromise) this.tls = undefined; // a fixed file is read again next time
    });
    const tls = await tlsPromise;
    const u = this.ctx.user;
    const headers: Record<string, string | string[]> = {};
    let rejected = (): void => undefined;
    let tlsOut = tls;

    if (u.tokenFile && this.tokenFile) {
      const source = this.tokenFile;
      headers.authorization = `Bearer ${await source.get(this.now())}`;
      rejected = () => source.reset();
    } else if (u.token) {
      headers.authorization = `Bearer ${u.token}`;
    } else if (u.username !== undefined || u.password !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${u.username ?? ''}:${u.password ?? ''}`).toString('base64')}`;
    } else if (u.authProvider) {
      headers.authorization = `Bearer ${await this.authProviderToken(signal)}`;
    } else if (u.exec && !tls.cert) {
      // client-go runs the plugin only when the user has no token, basic auth or certificate of its own.
      const plugin = this.execPlugins.get(u, this.execCluster(tls));
      const cred: ExecCredential = await plugin.credential(signal);
      if (cred.token) headers.authorization = `Bearer ${cred.token}`;
      if (cred.clientCertificateData && cred.clientKeyData) tlsOut = { ...tls, cert: cred.clientCertificateData, key: cred.clientKeyData };
      rejected = () => plugin.invalidate(cred);
    }
    const imp = u.impersonate;
    if (imp?.user) {
      headers['impersonate-user'] = imp.user;
      if (imp.uid) headers['impersonate-uid'] = imp.uid;
      if (imp.groups.length) headers['impersonate-group'] = imp.groups;
      for (const [k, v] of imp.extra) headers[`impersonate-extra-${encodeURIComponent(k)}`] = v;
    }
    const identity = tlsOut.cert === undefined ? '' : typeof tlsOut.cert === 'string' ? tlsOut.cert : tlsOut.cert.toString('base64');
    return { headers, tls: tlsOut, tlsIdentity: identity, rejected };
  }

  private async authProviderToken(signal: AbortSignal): Promise<string> {
    const ap = this.ctx.user.authProvider;
    const name = ap?.name ?? '';
    const removed = REMOVED_PROVIDERS[name];
    if (removed) {
      throw configError(l10n.t('User "{0}" uses the "{1}" auth provider, which kubectl removed in v1.26. Use the {2} credential plugin instead.', this.ctx.user.name, name, removed));
    }
    if (name !== 'oidc' || !ap) throw configError(l10n.t('User "{0}" uses the auth provider "{1}", which kubectl does not know.', this.ctx.user.name, name));
    const idToken = ap.config['id-token'];
    const decoded = idToken ? decodeJwt(idToken) : undefined;
    const exp = decoded?.ok ? decoded.payload.exp : undefined;
    if (idToken && typeof exp === 'number' && this.now() / 1000 < exp) return idToken;
    // Expired (or no id-token): refresh through client-node's OIDC support, loaded only now.
    let token: string | undefined;
    try {
      token = await untilAborted(oidcModule().oidcIdToken(ap.config), signal);
    } catch (e) {
      if (KubeError.is(e)) throw e;
      throw configError(l10n.t('Could not refresh the OIDC id-token of user "{0}": {1}', this.ctx.user.name, e instanceof Error ? e.message : String(e)), e);
    }
    if (!token) {
      throw configError(l10n.t('The OIDC id-token of user "{0}" is missing or expired and cannot be refreshed: the kubeconfig needs client-id, refresh-token and idp-issuer-url. Log in again.', this.ctx.user.name));
    }
    return token;
  }
}
