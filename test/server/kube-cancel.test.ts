import * as assert from 'node:assert/strict';
import { KubeError } from '../../src/errors/kubeError';
import { startTestCluster } from '../../testserver/index';
import type { TestCluster } from '../../testserver/api';
import { ClientFactory } from './kube-fixture';

describe('kube layer: cancellation', () => {
  let cluster: TestCluster;
  let clients: ClientFactory;
  const uncaught: Error[] = [];
  const onUncaught = (e: Error): void => {
    uncaught.push(e);
  };

  before(async () => {
    cluster = await startTestCluster({ seed: 'demo' });
    clients = new ClientFactory(cluster);
    // mocha's own handler would fail whichever test runs when the stray error surfaces.
    process.prependListener('uncaughtException', onUncaught);
  });
  after(async () => {
    process.removeListener('uncaughtException', onUncaught);
    clients.dispose();
    await cluster.close();
  });

  it('rejects with cancelled, and throws nothing uncaught, when aborted while the request is being prepared', async () => {
    const client = clients.client();
    await client.get('/api/v1/namespaces');
    for (let i = 0; i < 20; i++) {
      const ctrl = new AbortController();
      const pending = client.get('/api/v1/namespaces', undefined, ctrl.signal);
      // One microtask in: past the up-front signal check, inside the awaited credential step.
      await Promise.resolve();
      ctrl.abort();
      await assert.rejects(pending, (e: unknown) => KubeError.is(e, 'cancelled'));
    }
    // A stray 'error' event would be emitted on a next tick (onSocketNT): let those run.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      uncaught.map((e) => e.message),
      [],
    );
  });
});
