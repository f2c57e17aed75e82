/**
 * The HTTPS front end: request counting, faults, authentication (401), impersonation, authorization
 * (403) and dispatch to discovery, OIDC, review, TokenRequest and object handlers.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fault } from './api';
import type { Authenticator } from './authn';
import type { ServerContext, UserInfo } from './context';
import type { FaultInjector } from './faults';
import { errorResponse, json, type ApiRequest, type ApiResponse, type Handler, type Services } from './http';
import { impersonate } from './impersonation';
import { forbiddenError, type Attributes, type Authorizer } from './rbac';
import { parseRequestInfo } from './requestInfo';
import { findResource } from './resources';
import { ApiError, internalError, methodNotAllowed, resourceExpired, tooManyRequests, unauthorized } from './status';
import { apiHandler, apisHandler, groupVersionHandler, versionHandler } from './handlers/discovery';
import { jwks, openIdConfiguration } from './handlers/oidc';
import { openApiV3 } from './handlers/openapi';
import { applyObject } from './handlers/apply';
import { deleteObject } from './handlers/deletion';
import { createObject, getObject, listObjects, patchObject, updateObject } from './handlers/objects';
import { createToken } from './handlers/tokenRequest';
import { watchObjects } from './handlers/watch';
import { localSubjectAccessReview, selfSubjectAccessReview, selfSubjectReview, selfSubjectRulesReview, subjectAccessReview, tokenReview } from './handlers/reviews';

const anonymous: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

const reviewHandlers: Record<string, Handler> = {
  tokenreviews: tokenReview,
  selfsubjectreviews: selfSubjectReview,
  selfsubjectaccessreviews: selfSubjectAccessReview,
  subjectaccessreviews: subjectAccessReview,
  localsubjectaccessreviews: localSubjectAccessReview,
  selfsubjectrulesreviews: selfSubjectRulesReview,
};

const notServed: ApiError = new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
const pageNotFound: ApiResponse = { status: 404, text: '404 page not found\n', contentType: 'text/plain; charset=utf-8' };

export interface ApiServerDeps {
  ctx: ServerContext;
  authn: Authenticator;
  authz: Authorizer;
  faults: FaultInjector;
  tls: { certPem: string; keyPem: string };
}

export class ApiServer {
  readonly counts = new Map<string, number>();
  private readonly server: Server;
  private readonly svc: Services;

  constructor(private readonly deps: ApiServerDeps) {
    this.svc = { ctx: deps.ctx, authn: deps.authn, authz: deps.authz, address: () => `127.0.0.1:${this.port}` };
    this.server = createServer({ cert: deps.tls.certPem, key: deps.tls.keyPem }, (req, res) => {
      this.serve(req, res).catch((e: unknown) => {
        if (!res.headersSent) write(res, errorResponse(internalError((e as Error).message)), []);
      });
    });
    this.server.keepAliveTimeout = 5000;
  }

  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      // Open watches and keep-alive sockets are cut, so close() never waits on clients.
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const method = req.method ?? 'GET';
    const key = `${method} ${url.pathname}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    const body = await readBody(req);
    const fault = this.deps.faults.take(url.pathname, url.searchParams);
    if (fault && (await this.applyFault(fault, res, url))) return;
    const warnings: string[] = [];
    let response: ApiResponse;
    try {
      response = await this.handle(method, url, req, body, warnings, fault?.kind === 'watchDrop' ? fault : undefined);
    } catch (e) {
      response = e instanceof ApiError ? errorResponse(e) : errorResponse(internalError((e as Error).message));
    }
    write(res, response, warnings);
  }

  /** Returns true when the fault produced the whole answer. */
  private async applyFault(fault: Fault, res: ServerResponse, url: URL): Promise<boolean> {
    switch (fault.kind) {
      case 'latency':
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, fault.delayMs ?? 1000);
          // A client that gave up (timeout, cancel) or a closing server ends the wait, so no timer
          // outlives the test; the request then goes on as kube-apiserver's would.
          res.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
        });
        return false;
      case 'status429': {
        const seconds = fault.retryAfterSeconds ?? 1;
        write(res, { ...errorResponse(tooManyRequests(seconds)), headers: { 'Retry-After': String(seconds) } }, []);
        return true;
      }
      case 'status500':
        write(res, errorResponse(internalError(fault.message ?? 'injected fault')), []);
        return true;
      case 'reset':
        res.socket?.destroy();
        return true;
      case 'tokenRequest404':
        write(res, pageNotFound, []);
        return true;
      case 'watchExpired': {
        // Authorized watches that cannot start answer 200 and one ERROR event (cacher newErrWatcher).
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
        const expired = resourceExpired(`too old resource version: ${url.searchParams.get('resourceVersion') ?? '0'} (${this.deps.ctx.store.resourceVersion()})`);
        res.end(`${JSON.stringify({ type: 'ERROR', object: expired.toStatus() })}\n`);
        return true;
      }
      case 'watchDrop':
        return false; // the watch handler cuts the connection after `afterEvents` events
    }
  }

  private async handle(method: string, url: URL, req: IncomingMessage, body: Buffer, warnings: string[], fault?: Fault): Promise<ApiResponse> {
    const { authn, authz } = this.deps;
    // bearertoken.AuthenticateRequest: anything but `Bearer <token>` abstains, leaving the anonymous user.
    const parts = (req.headers.authorization ?? '').trim().split(' ');
    const token = parts.length >= 2 && parts[0].toLowerCase() === 'bearer' ? parts[1] : '';
    let caller = anonymous;
    if (token) {
      const result = authn.authenticate(token);
      if (!result.ok) throw unauthorized();
      caller = result.user;
      warnings.push(...result.warnings);
    }
    const info = parseRequestInfo(method, url.pathname, url.searchParams);
    const user = impersonate(caller, req.rawHeaders, authz, info);
    const attrs: Attributes = { user, ...info };
    const decision = authz.authorize(attrs);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
    const apiReq: ApiRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body, info, user, warnings, fault };
    return info.resourceRequest ? this.resource(apiReq) : this.nonResource(apiReq);
  }

  private nonResource(req: ApiRequest): ApiResponse | Promise<ApiResponse> {
    const path = req.path.replace(/(?<!\/)\/+$/, '') || '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') return pageNotFound;
    switch (path) {
      case '/version':
        return versionHandler();
      case '/api':
        return apiHandler(req, this.svc);
      case '/apis':
        return apisHandler(req);
      case '/healthz':
      case '/livez':
      case '/readyz':
        return { status: 200, text: 'ok', contentType: 'text/plain; charset=utf-8' };
      case '/.well-known/openid-configuration':
        return openIdConfiguration(this.svc, req.headers);
      case '/openid/v1/jwks':
        return jwks(this.svc, req.headers);
    }
    return groupVersionHandler(path) ?? openApiV3(path) ?? pageNotFound;
  }

  private resource(req: ApiRequest): ApiResponse | Promise<ApiResponse> {
    const { info } = req;
    const rt = findResource(info.apiGroup, info.resource);
    if (!rt || rt.version !== info.apiVersion || info.extraParts.length > 0) throw notServed;
    if (info.namespace && !rt.namespaced && info.resource !== 'namespaces') throw notServed;
    if (info.subresource) {
      if (rt.resource === 'serviceaccounts' && info.subresource === 'token') {
        if (req.method !== 'POST') throw methodNotAllowed();
        return createToken(req, this.svc);
      }
      throw notServed;
    }
    if (rt.virtual) {
      if (req.method !== 'POST' || info.name) throw methodNotAllowed();
      return reviewHandlers[rt.resource](req, this.svc);
    }
    switch (info.verb) {
      case 'get':
        return getObject(req, this.svc, rt);
      case 'list':
        return listObjects(req, this.svc, rt);
      case 'watch':
        return watchObjects(req, this.svc, rt);
      case 'create':
        if (info.name) throw methodNotAllowed();
        return createObject(req, this.svc, rt);
      case 'update':
        return updateObject(req, this.svc, rt);
      case 'patch':
        if (String(req.headers['content-type'] ?? '').split(';')[0].trim() === 'application/apply-patch+yaml') return applyObject(req, this.svc, rt);
        return patchObject(req, this.svc, rt);
      case 'delete':
        return deleteObject(req, this.svc, rt);
      default:
        throw methodNotAllowed();
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function write(res: ServerResponse, r: ApiResponse, warnings: string[]): void {
  if (r.stream) {
    r.stream(res);
    return;
  }
  const headers: Record<string, string | string[]> = { 'Cache-Control': 'no-cache, private', ...(r.headers ?? {}) };
  if (warnings.length) headers.Warning = [...new Set(warnings)].map((w) => `299 - ${JSON.stringify(w)}`);
  let payload: string;
  if (r.text !== undefined) {
    payload = r.text;
    headers['Content-Type'] = r.contentType ?? 'text/plain; charset=utf-8';
  } else {
    payload = JSON.stringify(r.body ?? {});
    headers['Content-Type'] = r.contentType ?? 'application/json';
  }
  if (r.status === 401 || r.status === 403) headers['X-Content-Type-Options'] = 'nosniff';
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(r.status, headers);
  res.end(payload);
}

export { json };
