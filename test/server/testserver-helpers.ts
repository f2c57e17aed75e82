/** Helpers for the test-server tests: raw HTTPS calls trusting the cluster CA, and the real kubectl. */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { request } from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KubeconfigOptions, TestCluster } from '../../testserver/api';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed JSON body (undefined when the body is not JSON). */
  body: Record<string, unknown>;
}

export interface CallOptions {
  /** Bearer token; default the admin token. `null` sends no Authorization header. */
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string | string[]>;
}

/**
 * The Accept a JWKS request needs: kube-apiserver's JWKS route produces only application/jwk-set+json
 * and answers 406 to `Accept: application/json` (go-restful route selection).
 */
export const JWKS_ACCEPT = { Accept: 'application/jwk-set+json' };

export function call(cluster: TestCluster, method: string, urlPath: string, opts: CallOptions = {}): Promise<RawResponse> {
  const url = new URL(urlPath, cluster.url);
  const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string | string[]> = { Accept: 'application/json', ...(opts.headers ?? {}) };
  const token = opts.token === undefined ? cluster.adminToken : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (payload !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca: cluster.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // plain-text body
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
    });
    req.on('error', reject);
    // Fail instead of hanging a test run when the server never answers.
    req.setTimeout(15000, () => req.destroy(new Error(`${method} ${urlPath}: no answer in 15 s`)));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** POST a TokenRequest for ns/name with the given spec (and optional metadata). */
export function tokenRequest(cluster: TestCluster, ns: string, name: string, spec: Record<string, unknown> = {}, opts: CallOptions & { metadata?: Record<string, unknown> } = {}): Promise<RawResponse> {
  return call(cluster, 'POST', `/api/v1/namespaces/${ns}/serviceaccounts/${name}/token`, {
    ...opts,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: opts.metadata ?? {}, spec },
  });
}

export async function mint(cluster: TestCluster, ns: string, name: string, spec: Record<string, unknown> = {}): Promise<string> {
  const res = await tokenRequest(cluster, ns, name, spec);
  if (res.status !== 201) throw new Error(`TokenRequest failed: ${res.status} ${res.text}`);
  return String((res.body.status as { token: string }).token);
}

export function tokenReview(cluster: TestCluster, token: string, audiences?: string[]): Promise<RawResponse> {
  return call(cluster, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: audiences ? { token, audiences } : { token } },
  });
}

export function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The raw JSON text of a JWT segment, for byte-level layout checks. */
export function rawPart(token: string, index: 0 | 1): string {
  return Buffer.from(token.split('.')[index], 'base64url').toString('utf8');
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real kubectl against a kubeconfig in a private temp dir (HOME and cache dir too). */
export class Kubectl {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-test-'));
  private n = 0;

  constructor(private readonly cluster: TestCluster) {}

  kubeconfig(opts: KubeconfigOptions = {}): string {
    return this.cluster.writeKubeconfig(path.join(this.dir, `kubeconfig-${this.n++}`), opts);
  }

  file(name: string, text: string): string {
    const p = path.join(this.dir, name);
    fs.writeFileSync(p, text);
    return p;
  }

  run(args: string[], opts: KubeconfigOptions & { kubeconfigPath?: string } = {}): Promise<KubectlResult> {
    const config = opts.kubeconfigPath ?? this.kubeconfig(opts);
    const env = { PATH: process.env.PATH ?? '/usr/bin', HOME: this.dir, KUBECACHEDIR: path.join(this.dir, 'cache') };
    return new Promise((resolve) => {
      execFile('/usr/bin/kubectl', ['--kubeconfig', config, ...args], { env, timeout: 20000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
    });
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface WatchLine {
  type: string;
  object: Record<string, unknown> & { metadata?: { name?: string; namespace?: string; resourceVersion?: string } };
}

export interface WatchResult {
  lines: WatchLine[];
  /** `server`: the server ended the stream; `client`: `until` was satisfied; `broken`: the connection broke. */
  end: 'server' | 'client' | 'broken';
  status: number;
}

/**
 * Opens a raw watch (`urlPath` includes `?watch=true…`) and collects its NDJSON lines until
 * `until(lines)` holds or the stream ends. `onOpen` runs once the response head has arrived
 * (the server is subscribed by then), e.g. to make changes.
 */
export function watchLines(cluster: TestCluster, urlPath: string, opts: { until?: (lines: WatchLine[]) => boolean; onOpen?: () => void } = {}): Promise<WatchResult> {
  return new Promise((resolve, reject) => {
    const lines: WatchLine[] = [];
    let status = 0;
    let settled = false;
    const finish = (end: WatchResult['end']): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ lines, end, status });
      req.destroy();
    };
    const req = request(new URL(urlPath, cluster.url), { ca: cluster.caPem, headers: { Authorization: `Bearer ${cluster.adminToken}`, Accept: 'application/json' } }, (res) => {
      status = res.statusCode ?? 0;
      let buf = '';
      res.on('data', (c: Buffer) => {
        buf += c.toString('utf8');
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          lines.push(JSON.parse(buf.slice(0, i)) as WatchLine);
          buf = buf.slice(i + 1);
        }
        if (opts.until?.(lines)) finish('client');
      });
      res.on('end', () => finish('server'));
      res.on('aborted', () => finish('broken'));
      res.on('error', () => finish('broken'));
      opts.onOpen?.();
    });
    req.on('error', (e) => (settled ? undefined : lines.length > 0 || status ? finish('broken') : reject(e)));
    const timer = setTimeout(() => {
      if (!settled) reject(new Error(`watch ${urlPath}: nothing conclusive in 15 s; got ${JSON.stringify(lines.map((l) => l.type))}`));
      settled = true;
      req.destroy();
    }, 15000);
    req.end();
  });
}
