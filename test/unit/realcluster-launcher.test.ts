/**
 * The pure parts of the real-cluster launcher (realcluster/launcher): flag merging and the
 * synchronous client-certificate issuer. The processes themselves are exercised by `npm run test:real`.
 */
import * as assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mergeArgs } from '../../realcluster/launcher/flags';
import fc from 'fast-check';
import { ClientCertificateIssuer, positiveSerial } from '../../realcluster/launcher/pki';
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

describe('real-cluster launcher: certificate serial numbers', () => {
  it('are minimal positive DER integers for any random bytes (a leading 0x00 made kubectl refuse the certificate)', () => {
    const minimalPositive = (s: Uint8Array): boolean => s[0] !== 0 && s[0] < 0x80;
    for (const adversarial of [[0x00, 0x01], [0x00, 0x7f], [0x80, 0x00], [0xff, 0xff], [0x00, 0x00]]) {
      assert.ok(minimalPositive(positiveSerial(Uint8Array.from([...adversarial, ...new Array<number>(14).fill(0)]))), String(adversarial));
    }
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const s = positiveSerial(bytes);
        return minimalPositive(s) && s.length === 16 && s.slice(1).every((b, i) => b === bytes[i + 1]);
      }),
    );
  });

  it('issues certificates that node:crypto parses, with a 16-byte positive serial', async () => {
    const tls = await createServingTls();
    const issuer = new ClientCertificateIssuer(tls.caPem, tls.caKeyPem);
    for (let i = 0; i < 64; i++) {
      const serial = new X509Certificate(issuer.issue({ name: `user-${i}` }).certPem).serialNumber;
      assert.match(serial, /^[4-7][0-9A-F]{31}$/);
    }
  });
});
