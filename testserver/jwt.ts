/**
 * Service-account signing keys and JWS compact tokens, laid out like go-jose v2 in kube-apiserver:
 * header `{"alg","kid"}`, payload keys sorted at every level, compact JSON, `aud` always an array.
 */
import { createHash, createPublicKey, generateKeyPair, type KeyObject, sign, verify, createPrivateKey } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

export type SigningAlg = 'RS256' | 'ES256';

export interface SigningKey {
  alg: SigningAlg;
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A public JWK in the field order of kube-apiserver's `/openid/v1/jwks`. */
export type PublicJwk =
  | { use: 'sig'; kty: 'RSA'; kid: string; alg: 'RS256'; n: string; e: string }
  | { use: 'sig'; kty: 'EC'; kid: string; crv: 'P-256'; alg: 'ES256'; x: string; y: string };

/** `base64.RawURLEncoding(SHA-256(x509.MarshalPKIXPublicKey(pub)))`. */
export function keyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

export async function generateSigningKey(alg: SigningAlg): Promise<SigningKey> {
  const { privateKey, publicKey } =
    alg === 'ES256'
      ? await generateKeyPairAsync('ec', { namedCurve: 'prime256v1' })
      : await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  return { alg, kid: keyId(publicKey), privateKey, publicKey };
}

const prefetched = new Map<SigningAlg, Promise<SigningKey>>();

/**
 * A fresh key for a new cluster. RSA generation takes 0.2-0.6 s here, so the next key of the same type
 * is generated in the background while the current cluster starts; every cluster still gets its own key.
 */
export function nextSigningKey(alg: SigningAlg): Promise<SigningKey> {
  const ready = prefetched.get(alg) ?? generateSigningKey(alg);
  const next = generateSigningKey(alg);
  next.catch(() => prefetched.delete(alg));
  prefetched.set(alg, next);
  return ready;
}

/** Loads a PEM private key (PKCS#1, SEC1 or PKCS#8); the alg follows the key type like kube-apiserver. */
export function signingKeyFromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const type = privateKey.asymmetricKeyType;
  if (type === 'ec' && privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('only P-256 ECDSA signing keys are supported (ES256)');
  if (type !== 'ec' && type !== 'rsa') throw new Error(`unsupported signing key type ${String(type)}`);
  const alg: SigningAlg = type === 'ec' ? 'ES256' : 'RS256';
  return { alg, kid: keyId(publicKey), privateKey, publicKey };
}

/** The key as PEM text (PKCS#8 private, SPKI public), as the real-cluster launcher hands its keys out. */
export function keyPairPem(key: SigningKey): { privateKeyPem: string; publicKeyPem: string } {
  return { privateKeyPem: String(key.privateKey.export({ type: 'pkcs8', format: 'pem' })), publicKeyPem: String(key.publicKey.export({ type: 'spki', format: 'pem' })) };
}

export function publicJwk(key: Pick<SigningKey, 'alg' | 'kid' | 'publicKey'>): PublicJwk {
  const jwk = key.publicKey.export({ format: 'jwk' });
  if (key.alg === 'ES256') {
    return { use: 'sig', kty: 'EC', kid: key.kid, crv: 'P-256', alg: 'ES256', x: String(jwk.x), y: String(jwk.y) };
  }
  return { use: 'sig', kty: 'RSA', kid: key.kid, alg: 'RS256', n: String(jwk.n), e: String(jwk.e) };
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** Compact JSON with object keys sorted at every level (Go's encoding/json of a map). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function signJwt(key: SigningKey, payload: Record<string, unknown>): string {
  const header = Buffer.from(canonicalJson({ alg: key.alg, kid: key.kid })).toString('base64url');
  const body = Buffer.from(canonicalJson(payload)).toString('base64url');
  const input = Buffer.from(`${header}.${body}`);
  const signature =
    key.alg === 'ES256'
      ? sign('sha256', input, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', input, key.privateKey);
  return `${header}.${body}.${signature.toString('base64url')}`;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

/** Parses a compact JWS without verifying it; undefined when the text is not a JWT. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (!isRecord(header) || !isRecord(payload)) return undefined;
    return { header, payload, signingInput: Buffer.from(`${parts[0]}.${parts[1]}`), signature: Buffer.from(parts[2], 'base64url') };
  } catch {
    return undefined;
  }
}

/**
 * Verifies the signature with the keys whose kid matches (v1.32+ PublicKeysGetter behaviour).
 * Returns undefined on success or the authenticator's error text.
 */
export function verifySignature(jwt: DecodedJwt, keys: readonly SigningKey[]): string | undefined {
  const kid = typeof jwt.header.kid === 'string' ? jwt.header.kid : '';
  const candidates = kid ? keys.filter((k) => k.kid === kid) : keys;
  if (candidates.length === 0) return 'invalid signature, no keys found';
  for (const key of candidates) {
    if (jwt.header.alg !== key.alg) continue;
    const ok =
      key.alg === 'ES256'
        ? verify('sha256', jwt.signingInput, { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, jwt.signature)
        : verify('sha256', jwt.signingInput, key.publicKey, jwt.signature);
    if (ok) return undefined;
  }
  return 'go-jose/go-jose: error in cryptographic primitive';
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
