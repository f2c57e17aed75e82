/**
 * Service-account issuer discovery (`pkg/serviceaccount/openidmetadata.go`): exact bodies, content types
 * and caching headers. Authorization (anonymous 403) happens before these run.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiResponse, Services } from '../http';
import { publicJwk } from '../jwt';

const cacheControl = 'public, max-age=3600';

/**
 * Both routes are go-restful WebServices that declare what they produce (pkg/routes/openidmetadata.go:
 * `Produces(restful.MIME_JSON)`, `Produces("application/jwk-set+json")`), and go-restful selects a
 * route only if one Accept entry equals that type or is `*\/*` (route.go matchesAccept; no `type/*`,
 * parameters ignored; an absent Accept is `*\/*`); otherwise jsr311.go answers 406 with this text.
 */
export function notAcceptable(headers: IncomingHttpHeaders, produces: string): ApiResponse | undefined {
  const accept = headers.accept || '*/*';
  const ok = accept.split(',').some((entry) => {
    const type = entry.split(';')[0].trim();
    return type === '*/*' || type === produces;
  });
  return ok ? undefined : { status: 406, text: `406: Not Acceptable\n\nAvailable representations: ${produces}`, contentType: 'text/plain; charset=utf-8' };
}

export function openIdConfiguration(svc: Services, headers: IncomingHttpHeaders): ApiResponse {
  const refused = notAcceptable(headers, 'application/json');
  if (refused) return refused;
  const algs = [...new Set(svc.ctx.keys.map((k) => k.alg))].sort();
  const body = {
    issuer: svc.ctx.config.issuers[0],
    jwks_uri: `https://${svc.address()}/openid/v1/jwks`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: algs,
  };
  return { status: 200, body, contentType: 'application/json', headers: { 'Cache-Control': cacheControl } };
}

export function jwks(svc: Services, headers: IncomingHttpHeaders): ApiResponse {
  const refused = notAcceptable(headers, 'application/jwk-set+json');
  if (refused) return refused;
  return { status: 200, body: { keys: svc.ctx.keys.map(publicJwk) }, contentType: 'application/jwk-set+json', headers: { 'Cache-Control': cacheControl } };
}
