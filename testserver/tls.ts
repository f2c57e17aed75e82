/**
 * A throw-away CA and a serving certificate for 127.0.0.1/localhost, made at startup with
 * @peculiar/x509 over Node's WebCrypto. ECDSA P-256 keys keep startup in the millisecond range.
 */
import './reflectPolyfill';
import { webcrypto, randomBytes } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ecAlgorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signingAlgorithm = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface ServingTls {
  /** PEM of the CA that signed `certPem`. */
  caPem: string;
  /** PKCS#8 PEM of the CA's private key (ECDSA P-256): the real-cluster launcher signs client certificates with it. */
  caKeyPem: string;
  certPem: string;
  keyPem: string;
  /** PEM of an unrelated CA, for kubeconfigs that must fail TLS verification. */
  wrongCaPem: string;
}

async function newKeyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ecAlgorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
}

function serial(): string {
  // Positive, 16 bytes: the high bit cleared so DER does not read it as negative.
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

async function makeCa(commonName: string, keys: CryptoKeyPair): Promise<x509.X509Certificate> {
  const now = Date.now();
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: new Date(now - 60 * 60 * 1000),
    notAfter: new Date(now + 10 * 365 * 24 * 60 * 60 * 1000),
    keys,
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
}

function pkcs8Pem(der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

export async function createServingTls(): Promise<ServingTls> {
  const [caKeys, serverKeys, wrongKeys] = await Promise.all([newKeyPair(), newKeyPair(), newKeyPair()]);
  const [ca, wrongCa] = await Promise.all([makeCa('kubernetes', caKeys), makeCa('unrelated-ca', wrongKeys)]);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=kube-apiserver',
    issuer: ca.subject,
    notBefore: new Date(now - 60 * 60 * 1000),
    notAfter: new Date(now + 365 * 24 * 60 * 60 * 1000),
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
        { type: 'dns', value: 'kubernetes.default.svc' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const [keyDer, caKeyDer] = await Promise.all([webcrypto.subtle.exportKey('pkcs8', serverKeys.privateKey), webcrypto.subtle.exportKey('pkcs8', caKeys.privateKey)]);
  return {
    caPem: ca.toString('pem') + '\n',
    caKeyPem: pkcs8Pem(caKeyDer),
    certPem: cert.toString('pem') + '\n',
    keyPem: pkcs8Pem(keyDer),
    wrongCaPem: wrongCa.toString('pem') + '\n',
  };
}
