/**
 * Certificates and keys of a real cluster: the CA and serving certificate come from testserver/tls.ts
 * (@peculiar/x509); client certificates (one per user, CN = name, O = each group, as kube-apiserver's
 * x509 authenticator reads them) are issued SYNCHRONOUSLY, so `kubeconfig({ user })` stays a plain
 * function as on the test server: the TBSCertificate is encoded with @peculiar/asn1-x509 (the ASN.1
 * layer under @peculiar/x509) and signed with node:crypto's synchronous `sign`.
 */
// @peculiar/x509 needs the Reflect metadata stub loaded before it (tsyringe).
import '../../testserver/reflectPolyfill';
import { createPrivateKey, generateKeyPair, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import type { ClusterUser } from '../../testserver/api';
import { createServingTls, type ServingTls } from '../../testserver/tls';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const DAY_MS = 24 * 60 * 60 * 1000;

export interface KeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** Service-account keys: what signs, what the server also trusts, and what it has never seen. */
export interface ServiceAccountKeys {
  /** `--service-account-signing-key-file` (and kube-controller-manager's `--service-account-private-key-file`). */
  signing: KeyPairPem;
  /** Also passed as `--service-account-key-file`: tokens it signs verify (a rotated-out or second key). */
  trusted: KeyPairPem;
  /** Never given to the server: tokens it signs carry a kid the server does not know. */
  unknown: KeyPairPem;
}

export interface ClientCertificate {
  certPem: string;
  keyPem: string;
}

export interface ClusterPki extends ServingTls {
  serviceAccountKeys: ServiceAccountKeys;
}

function keyPairPem(keyType: 'RS256' | 'ES256'): Promise<KeyPairPem> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, publicKeyPem: string, privateKeyPem: string): void => (err ? reject(err) : resolve({ privateKeyPem, publicKeyPem }));
    const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
    const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
    if (keyType === 'ES256') generateKeyPair('ec', { namedCurve: 'P-256', publicKeyEncoding, privateKeyEncoding }, done);
    else generateKeyPair('rsa', { modulusLength: 2048, publicKeyEncoding, privateKeyEncoding }, done);
  });
}

export async function createClusterPki(keyType: 'RS256' | 'ES256'): Promise<ClusterPki> {
  const [tls, signing, trusted, unknown] = await Promise.all([createServingTls(), keyPairPem(keyType), keyPairPem(keyType), keyPairPem(keyType)]);
  return { ...tls, serviceAccountKeys: { signing, trusted, unknown } };
}

/** Issues client certificates signed by one CA; results are cached per user (name + groups). */
/**
 * A certificate serial number from random bytes, as a minimal DER INTEGER that is positive: the first
 * byte in 0x40..0x7f. Clearing only the top bit is not enough: a first byte 0x00 followed by one below
 * 0x80 is a non-minimal encoding, which Go's crypto/x509 (kubectl, kube-apiserver) and OpenSSL refuse
 * ("x509: malformed serial number"), so about one certificate in 256 did not load.
 */
export function positiveSerial(random: Uint8Array): Uint8Array {
  const serial = Uint8Array.from(random);
  serial[0] = (serial[0] & 0x3f) | 0x40;
  return serial;
}

export class ClientCertificateIssuer {
  private readonly caKey: KeyObject;
  private readonly issuer: asn.Name;
  private readonly issued = new Map<string, ClientCertificate>();

  constructor(caPem: string, caKeyPem: string) {
    this.caKey = createPrivateKey(caKeyPem);
    this.issuer = AsnConvert.parse(new x509.X509Certificate(caPem).rawData, asn.Certificate).tbsCertificate.subject;
  }

  issue(user: ClusterUser): ClientCertificate {
    const groups = user.groups ?? [];
    const key = JSON.stringify([user.name, groups]);
    const cached = this.issued.get(key);
    if (cached) return cached;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const now = Date.now();
    const subject = new x509.Name([{ CN: [user.name] }, ...groups.map((g) => ({ O: [g] }))]);
    const serial = positiveSerial(randomBytes(16));
    const extensions = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
    ].map((e) => AsnConvert.parse(e.rawData, asn.Extension));
    const algorithm = new asn.AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
    const tbsCertificate = new asn.TBSCertificate({
      version: asn.Version.v3,
      serialNumber: new Uint8Array(serial).buffer,
      signature: algorithm,
      issuer: this.issuer,
      validity: new asn.Validity({ notBefore: new Date(now - 60 * 60 * 1000), notAfter: new Date(now + 365 * DAY_MS) }),
      subject: AsnConvert.parse(subject.toArrayBuffer(), asn.Name),
      subjectPublicKeyInfo: AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), asn.SubjectPublicKeyInfo),
      extensions: new asn.Extensions(extensions),
    });
    // X.509 wants the DER Ecdsa-Sig-Value, which is node's default encoding for EC signatures.
    const signature = sign('sha256', Buffer.from(AsnConvert.serialize(tbsCertificate)), this.caKey);
    const der = AsnConvert.serialize(new asn.Certificate({ tbsCertificate, signatureAlgorithm: algorithm, signatureValue: new Uint8Array(signature).buffer }));
    const issued = { certPem: new x509.X509Certificate(der).toString('pem') + '\n', keyPem: String(privateKey.export({ type: 'pkcs8', format: 'pem' })) };
    this.issued.set(key, issued);
    return issued;
  }
}
