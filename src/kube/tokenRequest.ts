/**
 * TokenRequest: `POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token`, the API behind
 * `kubectl create token`. Not retried: every call mints a new credential.
 */
import type { ContextClient } from './http';
import { learnFromTokenResponse } from './tokenDefaults';

export type BindableKind = 'Pod' | 'Secret' | 'Node';

export interface BoundObjectRef {
  kind: BindableKind;
  name: string;
  /** Pins the binding to this exact object; a different uid on the server gives 409. */
  uid?: string;
}

export interface TokenRequestInput {
  namespace: string;
  serviceAccount: string;
  /** Requested lifetime; undefined lets the server default it (3600 s). */
  expirationSeconds?: number;
  /** Empty or undefined means the API server's own audiences. */
  audiences?: readonly string[];
  boundObjectRef?: BoundObjectRef;
  /** `dryRun=All`: kube-apiserver still signs and returns a token (see tokenDefaults.ts). */
  dryRun?: boolean;
}

export interface TokenRequestResult {
  token: string;
  /** status.expirationTimestamp (RFC 3339): creation + the granted (clamped, never extended) seconds. */
  expirationTimestamp: string;
  /** spec.expirationSeconds of the response: the lifetime after the server's clamp. */
  grantedSeconds: number;
  /** spec.audiences of the response: the requested ones, or the server's defaults. */
  audiences: string[];
  boundObjectRef?: BoundObjectRef;
  /** Warning headers, e.g. `requested expiration of 90000 seconds shortened to 86400 seconds`. */
  warnings: string[];
}

interface TokenRequestBody {
  spec?: { audiences?: string[] | null; expirationSeconds?: number | null; boundObjectRef?: { kind?: string; name?: string; uid?: string } | null };
  status?: { token?: string; expirationTimestamp?: string };
}

/** Creates a token for the ServiceAccount. Errors are KubeErrors (403, 404, 422, 'unsupported' …). */
export async function requestToken(client: ContextClient, input: TokenRequestInput, signal?: AbortSignal): Promise<TokenRequestResult> {
  const ref = input.boundObjectRef;
  // Same shape kubectl sends: the three spec fields have no omitempty, so empty ones are null.
  const body = {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: { name: input.serviceAccount, namespace: input.namespace },
    spec: {
      audiences: input.audiences && input.audiences.length > 0 ? [...input.audiences] : null,
      expirationSeconds: input.expirationSeconds ?? null,
      boundObjectRef: ref ? { apiVersion: 'v1', kind: ref.kind, name: ref.name, ...(ref.uid ? { uid: ref.uid } : {}) } : null,
    },
  };
  const res = await client.request<TokenRequestBody>({
    method: 'POST',
    path: `/api/v1/namespaces/${encodeURIComponent(input.namespace)}/serviceaccounts/${encodeURIComponent(input.serviceAccount)}/token`,
    body,
    query: input.dryRun ? { dryRun: 'All' } : undefined,
    signal,
  });
  const spec = res.body.spec ?? {};
  learnFromTokenResponse(client, input.audiences, spec.audiences ?? [], res.warnings, spec.expirationSeconds ?? undefined);
  const boundOut = spec.boundObjectRef;
  return {
    token: res.body.status?.token ?? '',
    expirationTimestamp: res.body.status?.expirationTimestamp ?? '',
    grantedSeconds: spec.expirationSeconds ?? input.expirationSeconds ?? 3600,
    audiences: spec.audiences ?? [...(input.audiences ?? [])],
    boundObjectRef:
      boundOut && boundOut.name && (boundOut.kind === 'Pod' || boundOut.kind === 'Secret' || boundOut.kind === 'Node')
        ? { kind: boundOut.kind, name: boundOut.name, uid: boundOut.uid }
        : undefined,
    warnings: res.warnings,
  };
}

/**
 * The API audiences from a dry-run TokenRequest (tokenDefaults.ts says why a dry run works: it
 * returns a real token, dropped here) for a ServiceAccount (by default `default` of the
 * namespace). Needs `create serviceaccounts/token` there; errors are KubeErrors.
 */
export async function probeApiAudiences(client: ContextClient, namespace: string, serviceAccount = 'default', signal?: AbortSignal): Promise<string[]> {
  const r = await requestToken(client, { namespace, serviceAccount, expirationSeconds: 600, dryRun: true }, signal);
  return r.audiences;
}
