/**
 * Test-server fault injection, request counts and paging over a bulk-seeded cluster (2000 x 10).
 */
import * as assert from 'node:assert/strict';
import type { TestCluster } from '../../testserver/api';
import { startTestCluster } from '../../testserver/index';
import { call, tokenRequest } from './testserver-helpers';

describe('test server: faults, counts and bulk paging', function () {
  this.timeout(20000);
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ bulk: { namespaces: 2000, serviceAccountsPerNamespace: 10 } });
  });
  after(() => cluster.close());
  afterEach(() => cluster.setFault(undefined));

  it('pages 2000 x 10 ServiceAccounts across namespaces with continue tokens and remainingItemCount', async () => {
    const total = cluster.store.list('v1', 'ServiceAccount').length;
    assert.ok(total >= 2000 * 11);
    let seen = 0;
    let cont: string | undefined;
    let first = true;
    do {
      const res = await call(cluster, 'GET', `/api/v1/serviceaccounts?limit=5000${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      const meta = res.body.metadata as { continue?: string; remainingItemCount?: number };
      seen += (res.body.items as unknown[]).length;
      if (first) assert.equal(meta.remainingItemCount, total - 5000);
      first = false;
      cont = meta.continue;
      if (!cont) assert.equal(meta.remainingItemCount, undefined);
    } while (cont);
    assert.equal(seen, total);
    const one = await call(cluster, 'GET', '/api/v1/namespaces/bulk-1999/serviceaccounts');
    assert.deepEqual((one.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name), ['default', 'sa-00', 'sa-01', 'sa-02', 'sa-03', 'sa-04', 'sa-05', 'sa-06', 'sa-07', 'sa-08', 'sa-09']);
  });

  it('injects latency, 429 with Retry-After, 500, connection resets and an old-cluster TokenRequest 404', async () => {
    cluster.setFault({ kind: 'latency', delayMs: 150, times: 1 });
    const t0 = Date.now();
    assert.equal((await call(cluster, 'GET', '/version')).status, 200);
    assert.ok(Date.now() - t0 >= 140);

    cluster.setFault({ kind: 'status429', retryAfterSeconds: 3, pathIncludes: '/serviceaccounts' });
    const limited = await call(cluster, 'GET', '/api/v1/namespaces/demo/serviceaccounts');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '3');
    assert.deepEqual(limited.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Too many requests, please try again later.', reason: 'TooManyRequests', details: { retryAfterSeconds: 3 }, code: 429 });
    assert.equal((await call(cluster, 'GET', '/api/v1/namespaces')).status, 200);

    cluster.setFault({ kind: 'status500', times: 1 });
    const failed = await call(cluster, 'GET', '/api/v1/namespaces');
    assert.equal(failed.status, 500);
    assert.equal(failed.body.reason, 'InternalError');
    assert.equal((await call(cluster, 'GET', '/api/v1/namespaces')).status, 200);

    cluster.setFault({ kind: 'reset', times: 1 });
    await assert.rejects(call(cluster, 'GET', '/api/v1/namespaces'), /socket hang up|ECONNRESET/);

    cluster.setFault({ kind: 'tokenRequest404' });
    const old = await tokenRequest(cluster, 'demo', 'reader');
    assert.equal(old.status, 404);
    assert.equal(old.text, '404 page not found\n');
    assert.equal((await call(cluster, 'GET', '/api/v1/namespaces/demo/serviceaccounts/reader')).status, 200);
  });

  it('counts requests by method and path', async () => {
    const before = cluster.requestCounts().get('GET /api/v1/namespaces/demo/serviceaccounts/reader') ?? 0;
    await call(cluster, 'GET', '/api/v1/namespaces/demo/serviceaccounts/reader?x=1');
    await call(cluster, 'GET', '/api/v1/namespaces/demo/serviceaccounts/reader');
    assert.equal(cluster.requestCounts().get('GET /api/v1/namespaces/demo/serviceaccounts/reader'), before + 2);
  });
});
