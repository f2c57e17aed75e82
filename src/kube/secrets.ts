/**
 * Secrets the token features create and read: the dedicated Secret a revocable token is bound to,
 * legacy long-lived token Secrets, and the cluster CA from the kube-root-ca.crt ConfigMap.
 */
import * as crypto from 'node:crypto';
import { KubeError } from '../errors/kubeError';
import { sleep, type ContextClient } from './http';
import { SA_NAME_ANNOTATION, SA_TOKEN_SECRET_TYPE, toTokenSecret, type RawSecret, type TokenSecretInfo } from './serviceAccounts';

export const REVOCABLE_LABEL = 'k8s-tokens/revocable-for';

/** A Secret that revocable tokens are bound to (createRevocableSecret), without its data. */
export interface RevocableSecretInfo {
  name: string;
  namespace: string;
  uid: string;
  /** The ServiceAccount it was made for (the annotation: the label value may be shortened). */
  serviceAccount: string;
  creationTimestamp?: string;
}

export function toRevocableSecret(o: RawSecret): RevocableSecretInfo | undefined {
  const sa = o.metadata?.annotations?.[REVOCABLE_LABEL] ?? o.metadata?.labels?.[REVOCABLE_LABEL];
  if (!sa) return undefined;
  return { name: o.metadata?.name ?? '', namespace: o.metadata?.namespace ?? '', uid: o.metadata?.uid ?? '', serviceAccount: sa, creationTimestamp: o.metadata?.creationTimestamp };
}

// The alphabet kube uses for generateName suffixes: no vowels, no look-alike digits.
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length = 5): string {
  let s = '';
  for (const b of crypto.randomBytes(length)) s += SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length];
  return s;
}

/** `<base>-<infix>-<suffix>`, shortened so it stays a valid 253-character object name. */
export function derivedName(base: string, infix: string, suffix: string): string {
  const tail = `-${infix}-${suffix}`;
  return base.slice(0, 253 - tail.length).replace(/(?<![^\da-z])[^\da-z]+$/, '') + tail;
}

/** A label value (≤ 63 characters, alphanumeric at both ends) that stands for `text`. */
export function labelValue(text: string): string {
  return text.slice(0, 63).replace(/^[^\dA-Z]+|(?<![^\dA-Z])[^\dA-Z]+$/gi, '');
}

const ns = (namespace: string): string => `/api/v1/namespaces/${encodeURIComponent(namespace)}`;

export interface CreatedObject {
  name: string;
  uid: string;
}

/** The Opaque Secret a revocable token is bound to: deleting it invalidates the token. */
export async function createRevocableSecret(client: ContextClient, namespace: string, serviceAccount: string, signal?: AbortSignal): Promise<CreatedObject> {
  const metadata = {
    name: derivedName(serviceAccount, 'revocable', randomSuffix()),
    labels: { [REVOCABLE_LABEL]: labelValue(serviceAccount) },
    annotations: { [REVOCABLE_LABEL]: serviceAccount },
  };
  return createSecret(client, namespace, 'Opaque', metadata, signal);
}

async function createSecret(
  client: ContextClient,
  namespace: string,
  type: string,
  metadata: { name: string; labels?: Record<string, string>; annotations: Record<string, string> },
  signal?: AbortSignal,
): Promise<CreatedObject> {
  const res = await client.request<{ metadata?: { name?: string; uid?: string } }>({
    method: 'POST',
    path: `${ns(namespace)}/secrets`,
    body: { apiVersion: 'v1', kind: 'Secret', type, metadata: { ...metadata, namespace } },
    signal,
  });
  return { name: res.body.metadata?.name ?? '', uid: res.body.metadata?.uid ?? '' };
}

/** Deletes a Secret. Returns false when it was already gone. */
export async function deleteSecret(client: ContextClient, namespace: string, name: string, signal?: AbortSignal): Promise<boolean> {
  return deleteObject(client, `${ns(namespace)}/secrets/${encodeURIComponent(name)}`, signal);
}

/** Deletes a Pod, Secret or Node by kind. Returns false when it was already gone. */
export async function deleteBoundObject(client: ContextClient, kind: 'Pod' | 'Secret' | 'Node', name: string, namespace: string, signal?: AbortSignal): Promise<boolean> {
  const path = kind === 'Node' ? `/api/v1/nodes/${encodeURIComponent(name)}` : `${ns(namespace)}/${kind === 'Pod' ? 'pods' : 'secrets'}/${encodeURIComponent(name)}`;
  return deleteObject(client, path, signal);
}

async function deleteObject(client: ContextClient, path: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await client.request({ method: 'DELETE', path, signal });
    return true;
  } catch (e) {
    if (KubeError.is(e, 'notFound')) return false;
    throw e;
  }
}

/** Whether a Secret exists, and its uid. */
export async function secretUid(client: ContextClient, namespace: string, name: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const s = await client.get<{ metadata?: { uid?: string } }>(`${ns(namespace)}/secrets/${encodeURIComponent(name)}`, undefined, signal);
    return s.metadata?.uid;
  } catch (e) {
    if (KubeError.is(e, 'notFound')) return undefined;
    throw e;
  }
}

/** The decoded `data.token` of a Secret, or undefined when the controller has not filled it yet. */
export async function getSecretToken(client: ContextClient, namespace: string, name: string, signal?: AbortSignal): Promise<string | undefined> {
  const s = await client.get<{ data?: Record<string, string> }>(`${ns(namespace)}/secrets/${encodeURIComponent(name)}`, undefined, signal);
  const b64 = s.data?.token;
  return b64 ? Buffer.from(b64, 'base64').toString('utf8') : undefined;
}

/**
 * Creates a legacy (non-expiring) token Secret for the ServiceAccount. The token controller fills
 * `data.token` asynchronously; see waitForSecretToken.
 */
export async function createLegacyTokenSecret(client: ContextClient, namespace: string, serviceAccount: string, signal?: AbortSignal): Promise<CreatedObject> {
  const metadata = { name: derivedName(serviceAccount, 'token', randomSuffix()), annotations: { [SA_NAME_ANNOTATION]: serviceAccount } };
  return createSecret(client, namespace, SA_TOKEN_SECRET_TYPE, metadata, signal);
}

export interface WaitOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  pollMs?: number;
}

/**
 * Polls until the token controller has written the token. Fails with 'notFound' when the
 * controller deleted the Secret (it does so when the ServiceAccount is missing), and with
 * 'timeout' when no controller filled it in time.
 */
export async function waitForSecretToken(client: ContextClient, namespace: string, name: string, opts: WaitOptions = {}): Promise<{ token: string; secret: TokenSecretInfo }> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const s = await client.get<{ metadata?: object; type?: string; data?: Record<string, string> }>(
      `${ns(namespace)}/secrets/${encodeURIComponent(name)}`,
      undefined,
      opts.signal,
    );
    const b64 = s.data?.token;
    const info = toTokenSecret(s);
    if (b64 && info) return { token: Buffer.from(b64, 'base64').toString('utf8'), secret: info };
    if (Date.now() >= deadline) {
      throw new KubeError({
        kind: 'timeout',
        message: `The token controller did not fill secret ${namespace}/${name} within ${Math.round((opts.timeoutMs ?? 30_000) / 1000)} s. Is kube-controller-manager running?`,
      });
    }
    await sleep(opts.pollMs ?? 250, opts.signal);
  }
}

/** The cluster CA that every namespace gets in the kube-root-ca.crt ConfigMap (PEM). */
export async function readRootCa(client: ContextClient, namespace: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const cm = await client.get<{ data?: Record<string, string> }>(`${ns(namespace)}/configmaps/kube-root-ca.crt`, undefined, signal);
    return cm.data?.['ca.crt'];
  } catch (e) {
    if (KubeError.is(e, 'notFound')) return undefined;
    throw e;
  }
}
