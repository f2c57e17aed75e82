import * as assert from 'node:assert/strict';
import { parse } from 'yaml';
import { buildKubeconfig, exportedContextName } from '../../src/tokens/kubeconfigExport';

const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('kubeconfig export builder', () => {
  it('builds a kubeconfig with the CA, token, names from the ServiceAccount and its namespace', () => {
    const text = buildKubeconfig({ clusterName: 'kind', server: 'https://127.0.0.1:6443', caPem: pem, sourceContext: 'kind-kind', namespace: 'demo', serviceAccount: 'builder', token: 'aaa.bbb.ccc' });
    const cfg = parse(text) as Record<string, unknown>;
    assert.equal(cfg.kind, 'Config');
    assert.equal(cfg['current-context'], 'builder@demo.kind-kind');
    assert.deepEqual(cfg.clusters, [{ name: 'kind', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from(pem).toString('base64') } }]);
    assert.deepEqual(cfg.users, [{ name: 'system:serviceaccount:demo:builder', user: { token: 'aaa.bbb.ccc' } }]);
    assert.deepEqual(cfg.contexts, [{ name: 'builder@demo.kind-kind', context: { cluster: 'kind', user: 'system:serviceaccount:demo:builder', namespace: 'demo' } }]);
    assert.match(text, /^# ServiceAccount demo\/builder/);
  });

  it('keeps insecure-skip-tls-verify of the source context, without a CA (kubectl refuses both), and the TLS server name', () => {
    const insecure = parse(buildKubeconfig({ clusterName: 'c', server: 'https://x', insecureSkipTlsVerify: true, tlsServerName: 'api', sourceContext: 'c', namespace: 'n', serviceAccount: 's', token: 't' }));
    assert.deepEqual(insecure.clusters[0].cluster, { server: 'https://x', 'insecure-skip-tls-verify': true, 'tls-server-name': 'api' });
    const withCa = parse(buildKubeconfig({ clusterName: 'c', server: 'https://x', caPem: pem, insecureSkipTlsVerify: true, sourceContext: 'c', namespace: 'n', serviceAccount: 's', token: 't' }));
    assert.deepEqual(withCa.clusters[0].cluster, { server: 'https://x', 'insecure-skip-tls-verify': true });
    const verified = parse(buildKubeconfig({ clusterName: 'c', server: 'https://x', caPem: pem, sourceContext: 'c', namespace: 'n', serviceAccount: 's', token: 't' }));
    assert.deepEqual(verified.clusters[0].cluster, { server: 'https://x', 'certificate-authority-data': Buffer.from(pem).toString('base64') });
  });

  it('names the context after the ServiceAccount and the source context', () => {
    assert.equal(exportedContextName({ serviceAccount: 'sa', namespace: 'ns', sourceContext: 'prod' }), 'sa@ns.prod');
  });
});
