/**
 * The few API calls the launcher makes itself (readiness, preset users), as the cluster admin over
 * its client certificate. Deliberately not src/kube: the launcher must not depend on the code it tests.
 */
import * as https from 'node:https';

export interface AdminEndpoint {
  url: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

export function apiRequest(ep: AdminEndpoint, method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<ApiAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      new URL(path, ep.url),
      {
        method,
        ca: ep.caPem,
        cert: ep.certPem,
        key: ep.keyPem,
        agent: false,
        timeout: timeoutMs,
        headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON (e.g. /readyz text)
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Creates `body` at `path`; an existing object (409) counts as done. */
export async function ensureCreated(ep: AdminEndpoint, path: string, body: unknown): Promise<void> {
  const res = await apiRequest(ep, 'POST', path, body);
  if (res.status !== 201 && res.status !== 200 && res.status !== 409) throw new Error(`POST ${path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
}

/** Polls `probe` every 250 ms until it returns true; rejects naming `what` after `timeoutMs`. */
export async function pollUntil(probe: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      if (await probe()) return;
    } catch (e) {
      lastError = ` (last error: ${(e as Error).message})`;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting until ${what}${lastError}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
