/**
 * The pure parts of the real-cluster launcher (realcluster/launcher): flag merging and the
 * synchronous client-certificate issuer. The processes themselves are exercised by `npm run test:real`.
 */
import * as assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mergeArgs } from '../../realcluster/launcher/flags';
import { ClientCertificateIssuer } from '../../realcluster/launcher/pki';
import { createServingTls } from '../../testserver/tls';

describe('real-cluster launcher: flags', () => {
  it('replaces every default of a flag named in the extras, keeps the others in order', () => {
    const defaults = ['--a=1', '--issuer=x', '--b=2', '--issuer=y'];
    assert.deepEqual(mergeArgs(defaults, ['--issuer=z', '--c=3']), ['--a=1', '--b=2', '--issuer=z', '--c=3']);
    assert.deepEqual(mergeArgs(defaults), defaults);
  });

  it('refuses an extra that is not --name=value', () => {
    assert.throws(() => mergeArgs([], ['secure-port=1']), /must look like --name=value/);
  });
});

describe('real-cluster launcher: client certificates', () => {
  it('issues a client certificate the CA verifies, with CN = user and one O per group, cached per user', async () => {
    const tls = await createServingTls();
    const issuer = new ClientCertificateIssuer(tls.caPem, tls.caKeyPem);
    const issued = issuer.issue({ name: 'jane', groups: ['dev', 'system:masters'] });
    const cert = new X509Certificate(issued.certPem);
    const ca = new X509Certificate(tls.caPem);
    assert.ok(cert.checkIssued(ca), 'issued by the cluster CA');
    assert.ok(cert.verify(ca.publicKey), 'signature verifies with the CA key');
    assert.equal(cert.subject, 'CN=jane\nO=dev\nO=system:masters');
    assert.equal(cert.ca, false);
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.equal(cert.checkPrivateKey(createPrivateKey(issued.keyPem)), true);
    assert.equal(issuer.issue({ name: 'jane', groups: ['dev', 'system:masters'] }), issued);
    assert.notEqual(issuer.issue({ name: 'jane' }), issued);
  });
});
