/**
 * The one HTTP path to a cluster: credentials (credentials.ts), TLS, proxies, timeouts,
 * cancellation, retries and error classification, so every feature reports failures the same way.
 * The request timeout and the caller's AbortSignal cover the whole request, credentials included:
 * an exec plugin that hangs is stopped like a server that does not answer.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { ContextCredentials, ExecPlugins, readCredentialFile, type PreparedCredentials, type TlsMaterial } from './credentials';
import { safeMessage } from '../text/displayText';
import { KubeError, errorFromNetwork, errorFromResponse } from '../errors/kubeError';
import type { ResolvedContext } from './kubeconfig';
import { proxyModule } from './lazyModules';

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

/** The head of a streaming answer (a watch) and its body as it arrives. */
export interface KubeStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Ends when the server closes the stream; fails when the connection breaks or is aborted. */
  body: AsyncIterable<Buffer>;
}

export interface ClientOptions {
  timeoutMs: number;
  /** Retries for idempotent reads after 429, 5xx or a reset connection. */
  retries: number;
  /** Upper bound for honouring Retry-After, so a misbehaving server cannot stall the UI. */
  maxRetryAfterMs: number;
  /** Receives one line per request: method, path, status, duration. Never headers or bodies. */
  log?: (line: string) => void;
  /** Credential problems worth a warning (an exec plugin's stderr, redacted; a token file that vanished). */
  warn?: (line: string) => void;
}

export const defaultClientOptions: ClientOptions = { timeoutMs: 20_000, retries: 2, maxRetryAfterMs: 10_000 };

const WARNING_TEXT = /\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/g;
/**
 * Warnings kept per response, and their length. kube-apiserver's warning recorder already limits
 * both (KEP-1693: "limits the individual and total length of warnings returned to a client"; webhooks
 * are asked for 120 characters), so only a hostile server or proxy reaches these.
 */
const MAX_WARNINGS = 20;
const MAX_WARNING_LENGTH = 1000;

/** Extracts the quoted texts from RFC 7234 Warning headers (`299 - "text"`). */
export function parseWarnings(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const out: string[] = [];
  for (const h of Array.isArray(header) ? header : [header]) {
    for (const m of h.matchAll(WARNING_TEXT)) {
      if (out.length === MAX_WARNINGS) return out;
      out.push(safeMessage(m[1].replace(/\\(.)/g, '$1'), MAX_WARNING_LENGTH));
    }
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
  private agent: http.Agent | undefined;
  private agentIdentity = '';
  /** Agents replaced after a client certificate rotation, closed on dispose. */
  private readonly retired: http.Agent[] = [];
  private readonly credentials: ContextCredentials;
  private readonly ownPlugins: ExecPlugins | undefined;
  /** Requests on the wire; dispose() waits for them before releasing their sockets. */
  private inflight = 0;
  /** Aborts of open streams: dispose() ends them rather than waiting for a watch to time out. */
  private readonly streams = new Set<() => void>();
  private disposed = false;

  constructor(
    readonly context: string,
    private readonly resolved: ResolvedContext,
    private readonly options: ClientOptions = defaultClientOptions,
    execPlugins?: ExecPlugins,
  ) {
    this.server = resolved.cluster.server.replace(/(?<!\/)\/+$/, '');
    const plugins = execPlugins ?? new ExecPlugins({ warn: options.warn });
    this.ownPlugins = execPlugins ? undefined : plugins;
    this.credentials = new ContextCredentials(resolved, plugins, { warn: options.warn });
  }

  /** The CA bundle the context trusts (PEM), if the kubeconfig has one inline. */
  caData(): string | undefined {
    const caData = this.resolved.cluster.caData;
    return caData ? Buffer.from(caData, 'base64').toString('utf8') : undefined;
  }

  /** The CA bundle the context trusts (PEM), inline or from its file (a regular file, bounded); undefined when it trusts the system roots. */
  async caPem(): Promise<string | undefined> {
    const inline = this.caData();
    if (inline) return inline;
    const file = this.resolved.cluster.caFile;
    return file ? (await readCredentialFile(file)).toString('utf8') : undefined;
  }

  /** The cluster entry as written in the kubeconfig (for exporting). */
  clusterInfo(): { server: string; caData?: string; caFile?: string; skipTLSVerify: boolean; tlsServerName?: string } {
    const c = this.resolved.cluster;
    return { server: this.server, caData: c.caData, caFile: c.caFile, skipTLSVerify: c.skipTLSVerify, tlsServerName: c.tlsServerName };
  }

  /**
   * A client for the same cluster that authenticates with `token` only (no client certificate),
   * to act as a minted ServiceAccount token.
   */
  withBearerToken(token: string): ContextClient {
    return new ContextClient(this.context, { name: this.context, cluster: this.resolved.cluster, user: { name: 'bearer', token } }, this.options);
  }

  /**
   * A client for the same cluster with no credentials at all (TLS trust as the context's), to see
   * what an anonymous caller gets, e.g. another cluster's API server fetching issuer discovery.
   */
  anonymous(): ContextClient {
    return anonymousClient(this.context, this.resolved.cluster, this.options);
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

  /** The agent for this TLS material: one keep-alive agent per client, replaced when a rotated client certificate changes it. */
  private agentFor(tls: TlsMaterial, identity: string): http.Agent {
    if (this.agent && this.agentIdentity === identity) return this.agent;
    if (this.agent) {
      for (const sockets of Object.values(this.agent.freeSockets)) for (const sock of sockets ?? []) sock.destroy();
      this.retired.push(this.agent);
    }
    const proxyUrl = this.resolved.cluster.proxyUrl;
    if (proxyUrl) {
      this.agent = proxyModule().proxyAgent(proxyUrl, this.server, tls);
    } else if (this.server.startsWith('http://')) {
      this.agent = new http.Agent({ keepAlive: true });
    } else {
      // Keep-alive: one TLS handshake for a listing of thousands of objects, not one per page.
      this.agent = new https.Agent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.servername, rejectUnauthorized: tls.rejectUnauthorized });
    }
    this.agentIdentity = identity;
    return this.agent;
  }

  /**
   * Credentials and the agent for one request. Exec plugins and token files run here, under
   * `signal` (the request's timeout and cancellation).
   */
  private async prepare(signal: AbortSignal = new AbortController().signal): Promise<{ headers: http.OutgoingHttpHeaders; agent: http.Agent; credentials: PreparedCredentials }> {
    const credentials = await this.credentials.prepare(signal);
    return { headers: { ...credentials.headers }, agent: this.agentFor(credentials.tls, credentials.tlsIdentity), credentials };
  }

  /** prepare(), with a failure classified: exec plugins and OIDC refreshes fail here, before any request is sent. */
  private async preparedOrClassified(signal: AbortSignal): Promise<Awaited<ReturnType<ContextClient['prepare']>>> {
    try {
      return await this.prepare(signal);
    } catch (e) {
      if (KubeError.is(e)) throw e;
      throw new KubeError({ kind: 'kubeconfig', message: `Could not get credentials for context "${this.context}": ${e instanceof Error ? e.message : String(e)}`, cause: e });
    }
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
    const timeoutMs = req.timeoutMs ?? this.options.timeoutMs;
    // One signal for the whole request, credentials included: the timer and the caller's signal
    // abort it with the KubeError the request rejects with.
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(new KubeError({ kind: 'timeout', message: `${this.server} did not answer within ${Math.round(timeoutMs / 1000)} s.` })), timeoutMs);
    const onCallerAbort = (): void => ctrl.abort(new KubeError({ kind: 'cancelled', message: 'The request was cancelled.' }));
    if (req.signal?.aborted) onCallerAbort();
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      return await this.sendUnder<T>(req, method, ctrl.signal, started);
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  private async sendUnder<T>(req: KubeRequest, method: HttpMethod, signal: AbortSignal, started: number): Promise<KubeResponse<T>> {
    const aborted = (): KubeError => (KubeError.is(signal.reason) ? signal.reason : new KubeError({ kind: 'cancelled', message: 'The request was cancelled.' }));
    if (signal.aborted) throw aborted();
    const prepared = await this.preparedOrClassified(signal);
    if (signal.aborted) throw aborted();
    const url = new URL(this.server + req.path + buildQuery(req.query));
    const headers: http.OutgoingHttpHeaders = { ...prepared.headers, accept: 'application/json' };
    if (req.impersonate) {
      for (const k of Object.keys(headers)) if (k.startsWith('impersonate-')) delete headers[k];
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
    const lib = url.protocol === 'http:' ? http : https;

    const result = await new Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      const r = lib.request(url, { method, headers, agent: prepared.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish(() => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers })));
        res.on('error', (e) => finish(() => reject(errorFromNetwork(e, this.server))));
      });
      const onAbort = (): void => {
        finish(() => reject(aborted()));
        r.destroy();
      };
      // The error listener goes first: destroying a request that has no socket yet emits
      // 'socket hang up', which would be an uncaught exception in the extension host.
      r.on('error', (e) => finish(() => reject(errorFromNetwork(e, this.server))));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      r.end(payload);
    });

    if (result.status === 401) prepared.credentials.rejected();
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
   * A GET whose body is read as it arrives (a watch: one JSON event per line). Credentials and
   * error classification are those of request(); `timeoutMs` bounds only the wait for the response
   * head, and there are no retries (the watch loop decides). Streams are not counted as in flight:
   * dispose() aborts them, so an open watch never keeps the agent and its sockets alive.
   */
  async stream(req: KubeRequest): Promise<KubeStream> {
    const timeoutMs = req.timeoutMs ?? this.options.timeoutMs;
    // Credentials (an exec plugin may run) under the same timeout and the caller's signal.
    const prep = new AbortController();
    const prepTimer = setTimeout(() => prep.abort(new KubeError({ kind: 'timeout', message: `${this.server} did not answer within ${Math.round(timeoutMs / 1000)} s.` })), timeoutMs);
    const onCallerAbort = (): void => prep.abort(new KubeError({ kind: 'cancelled', message: 'The request was cancelled.' }));
    if (req.signal?.aborted) onCallerAbort();
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    let prepared: Awaited<ReturnType<ContextClient['prepare']>>;
    try {
      prepared = await this.preparedOrClassified(prep.signal);
    } finally {
      clearTimeout(prepTimer);
      req.signal?.removeEventListener('abort', onCallerAbort);
    }
    const url = new URL(this.server + req.path + buildQuery(req.query));
    const lib = url.protocol === 'http:' ? http : https;
    const started = Date.now();
    return new Promise<KubeStream>((resolve, reject) => {
      let settled = false;
      const cancelled = (): KubeError => new KubeError({ kind: 'cancelled', message: 'The request was cancelled.' });
      const r = lib.request(url, { method: 'GET', headers: { ...prepared.headers, accept: 'application/json' }, agent: prepared.agent }, (res) => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        this.options.log?.(`GET ${url.pathname}${url.search} -> ${status} stream (${Date.now() - started} ms)`);
        if (status >= 200 && status < 300) {
          settled = true;
          resolve({ status, headers: res.headers, body: res });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => fail(errorFromResponse(status, Buffer.concat(chunks).toString('utf8'), [res.headers['retry-after']].flat()[0])));
      });
      const fail = (e: KubeError): void => {
        if (!settled) reject(e);
        settled = true;
        end();
      };
      const abort = (): void => {
        fail(cancelled());
        r.destroy(cancelled());
      };
      const end = (): void => {
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', abort);
        this.streams.delete(abort);
      };
      const timer = setTimeout(() => {
        fail(new KubeError({ kind: 'timeout', message: `${this.server} did not answer within ${Math.round(timeoutMs / 1000)} s.` }));
        r.destroy();
      }, timeoutMs);
      r.on('error', (e) => fail(errorFromNetwork(e, this.server)));
      r.on('close', end);
      if (req.signal?.aborted || this.disposed) return abort();
      req.signal?.addEventListener('abort', abort, { once: true });
      this.streams.add(abort);
      r.end();
    });
  }

  /**
   * Closes idle keep-alive connections now, and the others as soon as their requests finish.
   * A session reload (a kubeconfig or settings change) disposes clients while a listing or a mint
   * may still run: destroying the agent outright would cut those requests ("socket hang up").
   * Requests started after dispose still work; their sockets are released when they end.
   */
  dispose(): void {
    this.disposed = true;
    // Exec plugins still running for this client are killed (the shared ones by KubeConnections).
    this.ownPlugins?.dispose();
    for (const abort of [...this.streams]) abort();
    if (this.inflight === 0) {
      this.destroyAgents();
      return;
    }
    for (const sockets of Object.values(this.agent?.freeSockets ?? {})) for (const s of sockets ?? []) s.destroy();
  }

  private destroyAgents(): void {
    this.agent?.destroy();
    for (const a of this.retired.splice(0)) a.destroy();
  }

  /** After the last request of a disposed client: its socket goes back to the pool on a later tick, then is closed. */
  private releaseWhenIdle(): void {
    setImmediate(() => {
      if (this.inflight === 0) this.destroyAgents();
    });
  }
}

/** A client without credentials for `cluster` (any https origin, a path allowed), trusting what the cluster entry says. */
export function anonymousClient(label: string, cluster: { name: string; server: string; caData?: string; caFile?: string; skipTLSVerify?: boolean; tlsServerName?: string }, options: ClientOptions = defaultClientOptions): ContextClient {
  const trust = { name: cluster.name, server: cluster.server, caData: cluster.caData, caFile: cluster.caFile, skipTLSVerify: cluster.skipTLSVerify ?? false, tlsServerName: cluster.tlsServerName };
  return new ContextClient(label, { name: label, cluster: trust, user: { name: 'anonymous' } }, options);
}
