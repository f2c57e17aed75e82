/**
 * A cluster's `proxy-url`: requests tunnel through an HTTP CONNECT proxy (the agent comes from
 * dist/kube-proxy.js, loaded only for such clusters) with the cluster's TLS settings intact.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { KubeConnections } from '../../src/kube/index';
import { startTestCluster } from '../../testserver/index';
import type { TestCluster } from '../../testserver/api';

describe('kube layer: proxy-url', function () {
  this.timeout(20000);
  let cluster: TestCluster;
  let proxy: http.Server;
  let dir: string;
  const tunnels: string[] = [];
  const sockets = new Set<net.Socket>();

  before(async () => {
    cluster = await startTestCluster({ seed: 'demo' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-proxy-'));
    proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => s.destroy());
        s.on('close', () => sockets.delete(s));
      }
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => proxy.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
    await cluster.close();
  });

  it('tunnels requests through an HTTP proxy and still verifies the cluster certificate', async () => {
    const kc = parse(cluster.kubeconfig()) as { clusters: { cluster: Record<string, unknown> }[] };
    kc.clusters[0].cluster['proxy-url'] = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, stringify(kc));
    const conns = new KubeConnections([file], { timeoutMs: 5000, retries: 0, maxRetryAfterMs: 1000 });
    try {
      const list = await conns.client('test-admin').get<{ items: unknown[] }>('/api/v1/namespaces');
      assert.ok(list.items.length > 0);
      assert.deepEqual(tunnels, [new URL(cluster.url).host], 'one CONNECT to the API server');
    } finally {
      conns.dispose();
    }
  });
});
