/** Token test vectors shared by the JWT unit and fuzz tests. */

/** The legacy OpenShift token from kubernetes' cached_token_authenticator_test.go (k8s-token-semantics.md §9.1). */
export const LEGACY_TOKEN =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6IiJ9.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Iiwia3ViZXJuZXRlcy5pby9zZXJ2aWNlYWNjb3VudC9uYW1lc3BhY2UiOiJvcGVuc2hpZnQtc2RuIiwia3ViZXJuZXRlcy5pby9zZXJ2aWNlYWNjb3VudC9zZWNyZXQubmFtZSI6InNkbi10b2tlbi1nNndtYyIsImt1YmVybmV0ZXMuaW8vc2VydmljZWFjY291bnQvc2VydmljZS1hY2NvdW50Lm5hbWUiOiJzZG4iLCJrdWJlcm5ldGVzLmlvL3NlcnZpY2VhY2NvdW50L3NlcnZpY2UtYWNjb3VudC51aWQiOiIzYzM5YzNhYS1kM2Q5LTExZTktYTVkMC0wMmI3YjllODg1OWUiLCJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6b3BlbnNoaWZ0LXNkbjpzZG4ifQ.PIs0rsUTekj5AX8yJeLDyW4vQB17YS4IOgO026yjEvsCY7Wv_2TD0lwyZWqyQh639q3jPh2_3LTQq2Cp0cReBP1PYOIGgprNm3C-3OFZRnkls-GH09kvPYE8J_-a1YwjxucOwytzJvEM5QTC9iXfEJNSTBfLge-HMYT1y0AGKs8DWTSC4rtd_2PedK3OYiAyDg_xHA8qNpG9pRNM8vfjV9VsmqJtlbnTVlTngqC0t5vyMaWrmLNRxN0rTbN2W9L3diXRnYqI8BUfgPQb7uhYcPuXGeypaFrN4d3yNN4NbgVxnkgdd2IXQ8elSJuQn6ynrvLgG0JPMmThOHnwvsZDeA';

/** 2025-05-14T10:00:00Z */
export const IAT = 1747216800;
export const ISSUER = 'https://kubernetes.default.svc.cluster.local';

const seg = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
/** A compact JWS with the given header and payload and a dummy signature (nothing here verifies it). */
export function makeToken(payload: unknown, header: unknown = { alg: 'RS256', kid: 'JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU' }): string {
  return `${seg(header)}.${seg(payload)}.c2lnbmF0dXJlLW5vdC12ZXJpZmllZA`;
}

/** A kubelet token of a Pod on a node, extended to one year (shape of kind#3943, §2.2). */
export const podTokenPayload = {
  aud: [ISSUER],
  exp: IAT + 365 * 24 * 3600,
  iat: IAT,
  iss: ISSUER,
  jti: '5d1f6a0e-8a7b-4e0c-9d55-0e8f0c6f7a11',
  'kubernetes.io': {
    namespace: 'demo',
    node: { name: 'node-1', uid: '0b3f3c1e-1111-4b7a-9a0e-5c2d8f000001' },
    pod: { name: 'web-0', uid: '6f0e2a4c-2222-4c8e-8d1f-7a3b9e000002' },
    serviceaccount: { name: 'ci-deployer', uid: '9a8b7c6d-3333-4e5f-a1b2-c3d4e5000003' },
    warnafter: IAT + 3607,
  },
  nbf: IAT,
  sub: 'system:serviceaccount:demo:ci-deployer',
};

/** `kubectl create token ci-deployer --duration 2h` (no binding). */
export const plainTokenPayload = {
  aud: [ISSUER],
  exp: IAT + 7200,
  iat: IAT,
  iss: ISSUER,
  jti: '11111111-2222-4333-8444-555555555555',
  'kubernetes.io': { namespace: 'demo', serviceaccount: { name: 'ci-deployer', uid: '9a8b7c6d-3333-4e5f-a1b2-c3d4e5000003' } },
  nbf: IAT,
  sub: 'system:serviceaccount:demo:ci-deployer',
};

export const POD_TOKEN = makeToken(podTokenPayload);
export const PLAIN_TOKEN = makeToken(plainTokenPayload);
