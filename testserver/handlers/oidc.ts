/**
 * Service-account issuer discovery (`pkg/serviceaccount/openidmetadata.go`): exact bodies, content types
 * and caching headers. Authorization (anonymous 403) happens before these run.
 */
import type { ApiResponse, Services } from '../http';
import { publicJwk } from '../jwt';

const cacheControl = 'public, max-age=3600';

export function openIdConfiguration(svc: Services): ApiResponse {
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

export function jwks(svc: Services): ApiResponse {
  return { status: 200, body: { keys: svc.ctx.keys.map(publicJwk) }, contentType: 'application/jwk-set+json', headers: { 'Cache-Control': cacheControl } };
}
