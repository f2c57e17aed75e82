/**
 * The one HTTP path to a cluster. Authentication (tokens, client certificates, exec and OIDC
 * plugins) comes from @kubernetes/client-node; requests, timeouts, cancellation, retries and
 * error classification are ours, so every feature reports failures the same way.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeError, errorFromNetwork, errorFromResponse } from '../errors/kubeError';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | undefined | readonly string[];

export interface KubeRequest {
  method?: HttpMethod;
  /** Absolute API path, e.g. `/api/v1/namespaces`. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string | string[]>;
  signal?: AbortSignal;
  /** Overrides the client's default timeout. */
  timeoutMs?: number;
  /** Act as another identity through impersonation headers. */
  impersonate?: { user: string; groups?: readonly string[]; uid?: string };
}

export interface KubeResponse<T> {
  status: number;
  body: T;
  /** Texts of `Warning` headers, e.g. a TokenRequest clamp notice. */
  warnings: string[];
  headers: http.IncomingHttpHeaders;
}

export interface ClientOptions {
  timeoutMs: number;
  /** Retries for idempotent reads after 429, 5xx or a reset connection. */
  retries: number;
  /** Upper bound for honouring Retry-After, so a misbehaving server cannot stall the UI. */
  maxRetryAfterMs: number;
  /** Receives one line per request: method, path, status, duration. Never headers or bodies. */
  log?: (line: string) => void;
}

export const defaultClientOptions: ClientOptions = { timeoutMs: 20_000, retries: 2, maxRetryAfterMs: 10_000 };

const WARNING_TEXT = /\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/g;

/** Extracts the quoted texts from RFC 7234 Warning headers (`299 - "text"`). */
export function parseWarnings(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const out: string[] = [];
  for (const h of Array.isArray(header) ? header : [header]) {
    for (const m of h.matchAll(WARNING_TEXT)) out.push(m[1].replace(/\\(.)/g, '$1'));
  }
  return out;
}

function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v as readonly string[]) params.append(k, item);
    else params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Waits `ms`; rejects with a 'cancelled' KubeError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new KubeError({ kind: 'cancelled', message: 'The request was cancelled.' }));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new KubeError({ kind: 'cancelled', message: 'The request was cancelled.' }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A client bound to one kubeconfig context. */
export class ContextClient {
  readonly server: string;
  private agent: https.Agent | http.Agent | undefined;
  /** Requests on the wire; dispose() waits for them before releasing their sockets. */
  private inflight = 0;
  private disposed = false;

  constructor(
    readonly context: string,
    private readonly kc: KubeConfig,
    private readonly options: ClientOptions = defaultClientOptions,
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) {
      throw new KubeError({ kind: 'kubeconfig', message: `Context "${context}" has no cluster.` });
    }
    this.server = cluster.server.replace(/\/+$/, '');
  }

  /** The CA bundle the context trusts (PEM), inline or from its file; undefined when it trusts the system roots. */
  caData(): string | undefined {
    const cluster = this.kc.getCurrentCluster();
    if (cluster?.caData) return Buffer.from(cluster.caData, 'base64').toString('utf8');
    if (cluster?.caFile) return fs.readFileSync(cluster.caFile, 'utf8');
    return undefined;
  }

  /** The cluster entry as written in the kubeconfig (for exporting). */
  clusterInfo(): { server: string; caData?: string; caFile?: string; skipTLSVerify: boolean; tlsServerName?: string } {
    const c = this.kc.getCurrentCluster();
    return { server: this.server, caData: c?.caData, caFile: c?.caFile, skipTLSVerify: c?.skipTLSVerify ?? false, tlsServerName: c?.tlsServerName };
  }

  /**
   * A client for the same cluster that authenticates with `token` only (no client certificate),
   * to act as a minted ServiceAccount token.
   */
  withBearerToken(token: string): ContextClient {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new KubeError({ kind: 'kubeconfig', message: `Context "${this.context}" has no cluster.` });
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'bearer', token }],
      contexts: [{ name: this.context, cluster: cluster.name, user: 'bearer' }],
      currentContext: this.context,
    });
    return new ContextClient(this.context, kc, this.options);
  }

  /**
   * A client for the same cluster with no credentials at all (TLS trust as the context's), to see
   * what an anonymous caller gets, e.g. another cluster's API server fetching issuer discovery.
   */
  anonymous(): ContextClient {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new KubeError({ kind: 'kubeconfig', message: `Context "${this.context}" has no cluster.` });
    return anonymousClient(this.context, cluster, this.options);
  }

  async get<T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal): Promise<T> {
    return (await this.request<T>({ method: 'GET', path, query, signal })).body;
  }

  async request<T>(req: KubeRequest): Promise<KubeResponse<T>> {
    const method = req.method ?? 'GET';
    const idempotent = method === 'GET';
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(req, method);
      } catch (e) {
        const err = KubeError.is(e) ? e : errorFromNetwork(e, this.server);
        const retryable =
          idempotent &&
          attempt < this.options.retries &&
          (err.kind === 'rateLimited' || err.kind === 'connectionReset' || (err.kind === 'server' && err.status !== 501));
        if (!retryable) throw err;
        const backoff = err.retryAfterSeconds !== undefined ? err.retryAfterSeconds * 1000 : 250 * 2 ** attempt;
        this.options.log?.(`retrying ${method} ${req.path} after ${err.kind} in ${Math.min(backoff, this.options.maxRetryAfterMs)} ms`);
        await sleep(Math.min(backoff, this.options.maxRetryAfterMs), req.signal);
      }
    }
  }

  private async prepare(): Promise<{ headers: http.OutgoingHttpHeaders; agent: http.Agent }> {
    const opts: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(opts);
    if (!this.agent) {
      const cluster = this.kc.getCurrentCluster();
      if (cluster?.proxyUrl) {
        this.agent = opts.agent as http.Agent; // client-node builds the proxy agent for us.
      } else if (this.server.startsWith('http://')) {
        this.agent = new http.Agent({ keepAlive: true });
      } else {
        // Our own keep-alive agent: client-node makes a new agent per call, which would cost a
        // TLS handshake per page when listing thousands of objects.
        this.agent = new https.Agent({
          keepAlive: true,
          ca: opts.ca,
          cert: opts.cert,
          key: opts.key,
          pfx: opts.pfx,
          passphrase: opts.passphrase,
          servername: opts.servername,
          rejectUnauthorized: opts.rejectUnauthorized,
        });
      }
    }
    const headers: http.OutgoingHttpHeaders = {};
    // client-node puts the Authorization header (token, exec or OIDC credential) here.
    if (opts.headers && !Array.isArray(opts.headers)) Object.assign(headers, opts.headers);
    if (opts.auth) headers.authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    return { headers, agent: this.agent };
  }

  private async once<T>(req: KubeRequest, method: HttpMethod): Promise<KubeResponse<T>> {
    this.inflight++;
    try {
      return await this.send<T>(req, method);
    } finally {
      this.inflight--;
      if (this.disposed && this.inflight === 0) this.releaseWhenIdle();
    }
  }

  private async send<T>(req: KubeRequest, method: HttpMethod): Promise<KubeResponse<T>> {
    const started = Date.now();
    let prepared: { headers: http.OutgoingHttpHeaders; agent: http.Agent };
    try {
      prepared = await this.prepare();
    } catch (e) {
      // Exec plugins and OIDC refreshes fail here, before any request is sent.
      throw new KubeError({ kind: 'kubeconfig', message: `Could not get credentials for context "${this.context}": ${e instanceof Error ? e.message : String(e)}`, cause: e });
    }
    const url = new URL(this.server + req.path + buildQuery(req.query));
    const headers: http.OutgoingHttpHeaders = { ...prepared.headers, accept: 'application/json' };
    if (req.impersonate) {
      headers['impersonate-user'] = req.impersonate.user;
      if (req.impersonate.groups?.length) headers['impersonate-group'] = [...req.impersonate.groups];
      if (req.impersonate.uid) headers['impersonate-uid'] = req.impersonate.uid;
    }
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
    let payload: Buffer | undefined;
    if (req.body !== undefined) {
      payload = Buffer.from(JSON.stringify(req.body));
      headers['content-type'] ??= method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
      headers['content-length'] = payload.length;
    }
    const timeoutMs = req.timeoutMs ?? this.options.timeoutMs;
    const lib = url.protocol === 'http:' ? http : https;

    const result = await new Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const r = lib.request(url, { method, headers, agent: prepared.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish(() => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers })));
        res.on('error', (e) => finish(() => reject(errorFromNetwork(e, this.server))));
      });
      const timer = setTimeout(() => {
        finish(() => reject(new KubeError({ kind: 'timeout', message: `${this.server} did not answer within ${Math.round(timeoutMs / 1000)} s.` })));
        r.destroy();
      }, timeoutMs);
      const onAbort = (): void => {
        finish(() => reject(new KubeError({ kind: 'cancelled', message: 'The request was cancelled.' })));
        r.destroy();
      };
      // The error listener goes first: destroying a request that has no socket yet emits
      // 'socket hang up', which would be an uncaught exception in the extension host.
      r.on('error', (e) => finish(() => reject(errorFromNetwork(e, this.server))));
      if (req.signal?.aborted) return onAbort();
      req.signal?.addEventListener('abort', onAbort, { once: true });
      r.end(payload);
    });

    this.options.log?.(`${method} ${url.pathname}${url.search} -> ${result.status} (${Date.now() - started} ms)`);
    if (result.status < 200 || result.status >= 300) {
      const retryAfter = result.headers['retry-after'];
      throw errorFromResponse(result.status, result.text, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    }
    let body: T;
    try {
      body = (result.text.length ? JSON.parse(result.text) : {}) as T;
    } catch (e) {
      throw new KubeError({ kind: 'server', status: result.status, message: `${this.server} answered ${url.pathname} with something that is not JSON.`, cause: e });
    }
    return { status: result.status, body, warnings: parseWarnings(result.headers.warning), headers: result.headers };
  }

  /**
   * Closes idle keep-alive connections now, and the others as soon as their requests finish.
   * A session reload (a kubeconfig or settings change) disposes clients while a listing or a mint
   * may still run: destroying the agent outright would cut those requests ("socket hang up").
   * Requests started after dispose still work; their sockets are released when they end.
   */
  dispose(): void {
    this.disposed = true;
    if (this.inflight === 0) {
      this.agent?.destroy();
      return;
    }
    for (const sockets of Object.values(this.agent?.freeSockets ?? {})) for (const s of sockets ?? []) s.destroy();
  }

  /** After the last request of a disposed client: its socket goes back to the pool on a later tick, then is closed. */
  private releaseWhenIdle(): void {
    setImmediate(() => {
      if (this.inflight === 0) this.agent?.destroy();
    });
  }
}

/** A client without credentials for `cluster` (any https origin, a path allowed), trusting what the cluster entry says. */
export function anonymousClient(label: string, cluster: { name: string; server: string; caData?: string; caFile?: string; skipTLSVerify?: boolean; tlsServerName?: string }, options: ClientOptions = defaultClientOptions): ContextClient {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: cluster.name, server: cluster.server, caData: cluster.caData, caFile: cluster.caFile, skipTLSVerify: cluster.skipTLSVerify ?? false, tlsServerName: cluster.tlsServerName }],
    users: [{ name: 'anonymous' }],
    contexts: [{ name: label, cluster: cluster.name, user: 'anonymous' }],
    currentContext: label,
  });
  return new ContextClient(label, kc, options);
}
