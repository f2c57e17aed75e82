/**
 * Request and response shapes passed between the HTTPS front end and the handlers.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Fault } from './api';
import type { ServerContext, UserInfo } from './context';
import type { Authenticator } from './authn';
import type { Authorizer } from './rbac';
import type { RequestInfo } from './requestInfo';
import { badRequest, ApiError } from './status';
import { isRecord } from './jwt';
import { decodeProtobufObject } from './protobuf';

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  info: RequestInfo;
  /** The effective user (after impersonation). */
  user: UserInfo;
  /** Texts for `Warning: 299 - "..."` response headers. */
  warnings: string[];
  /** A fault the handler itself applies (watchDrop). */
  fault?: Fault;
}

export interface ApiResponse {
  status: number;
  /** JSON body (serialized compactly), or `text` for plain bodies. */
  body?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Streaming answer (watch): writes the whole response itself. */
  stream?: (res: ServerResponse) => void;
}

/** What handlers get besides the request. */
export interface Services {
  ctx: ServerContext;
  authn: Authenticator;
  authz: Authorizer;
  /** `host:port` the server listens on. */
  address: () => string;
}

export type Handler = (req: ApiRequest, svc: Services) => ApiResponse | Promise<ApiResponse>;

export function json(status: number, body: unknown, headers?: Record<string, string>): ApiResponse {
  return { status, body, headers };
}

export function errorResponse(err: ApiError): ApiResponse {
  return { status: err.code, body: err.toStatus() };
}

/** Parses a JSON object body; 400 with the apiserver's decode message otherwise. */
export function parseJsonObject(req: ApiRequest): Record<string, unknown> {
  if (String(req.headers['content-type'] ?? '').startsWith('application/vnd.kubernetes.protobuf')) return decodeProtobufObject(req.body);
  const text = req.body.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw badRequest(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (${(e as Error).message})`);
  }
  if (!isRecord(value)) throw badRequest('the body of the request must be a JSON object');
  return value;
}

export function isDryRun(req: ApiRequest): boolean {
  return req.query.getAll('dryRun').includes('All');
}

export { ApiError };
