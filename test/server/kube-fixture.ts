/** Shared set-up for the kube-layer tests: a test cluster and ContextClients built from kubeconfig files. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as assert from 'node:assert/strict';
import { KubeConnections, KubeError, type ContextClient } from '../../src/kube/index';
import type { KubeconfigOptions, TestCluster } from '../../testserver/api';

export class ClientFactory {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-test-'));
  private readonly conns: KubeConnections[] = [];
  private n = 0;

  constructor(private readonly cluster: TestCluster) {}

  /** A client for a fresh kubeconfig file written by the test cluster. */
  client(opts: KubeconfigOptions = {}): ContextClient {
    const file = this.cluster.writeKubeconfig(path.join(this.dir, `config-${this.n++}`), opts);
    return this.fromFile(file, opts.contextName ?? 'test-admin');
  }

  fromFile(file: string, context: string): ContextClient {
    const conns = new KubeConnections([file], { timeoutMs: 5000, retries: 1, maxRetryAfterMs: 1000 });
    this.conns.push(conns);
    return conns.client(context);
  }

  dispose(): void {
    for (const c of this.conns) c.dispose();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The JWT payload, decoded without verification. */
export function claimsOf(token: string): Record<string, unknown> & { iat: number; exp: number; 'kubernetes.io'?: Record<string, unknown> } {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/** The KubeError `p` rejects with (fails the test when it resolves or rejects with anything else). */
export async function rejection(p: Promise<unknown>): Promise<KubeError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(KubeError.is(e), `expected a KubeError, got ${String(e)}`);
  return e;
}
