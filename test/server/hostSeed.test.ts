/**
 * The demo seed the extension-host suite creates on a real kube-apiserver: the objects the test
 * server's 'demo' seed adds to an 'empty' one, without what servers set or controllers own.
 */
import * as assert from 'node:assert/strict';
import { demoSeedObjects } from '../../test/suite/hostCluster';

describe('host harness: the demo seed through the API', () => {
  it('copies the demo objects the host tests expect, portable to a real server', async () => {
    const { objects, podStatus } = await demoSeedObjects();
    const keys = objects.map((o) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`);
    for (const expected of ['Namespace demo', 'Namespace payments', 'ServiceAccount demo/ci-deployer', 'ServiceAccount demo/reader', 'Secret demo/reader-token', 'Secret payments/api-legacy-token', 'Role demo/ci-deployer', 'RoleBinding demo/jane-view', 'ClusterRoleBinding prometheus-view', 'Node node-1', 'Pod demo/web-0', 'ConfigMap demo/web-config']) {
      assert.ok(keys.includes(expected), `${expected} in ${keys.join(', ')}`);
    }
    assert.ok(!keys.some((k) => /^ServiceAccount \S+\/default$|kube-root-ca\.crt|^Namespace (?:default|kube-system)$/.test(k)), keys.join(', '));
    assert.ok(keys.indexOf('ServiceAccount demo/reader') < keys.indexOf('Secret demo/reader-token'), 'the ServiceAccount before its token Secret');
    for (const o of objects) assert.deepEqual(Object.keys(o.metadata).filter((k) => ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields'].includes(k)), [], `${o.kind} ${o.metadata.name}`);
    const secret = objects.find((o) => o.metadata.name === 'reader-token');
    assert.equal(secret?.data, undefined);
    assert.deepEqual(secret?.metadata.annotations, { 'kubernetes.io/service-account.name': 'reader' });
    assert.match(secret?.metadata.labels?.['kubernetes.io/legacy-token-last-used'] ?? '', /^\d{4}-\d{2}-\d{2}$/);
    const pod = objects.find((o) => o.kind === 'Pod');
    assert.deepEqual(pod?.spec, { serviceAccountName: 'ci-deployer', nodeName: 'node-1', containers: [{ name: 'web', image: 'nginx:1.27' }] });
    assert.equal((podStatus.get('demo/web-0') as { phase?: string } | undefined)?.phase, 'Running');
  });
});
