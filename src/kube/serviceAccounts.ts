/**
 * Listing what the ServiceAccounts view and the mint pickers show: namespaces, ServiceAccounts,
 * their token Secrets, and the Pods, Secrets and Nodes a token can be bound to. Results are our
 * own small types, never raw objects, so token values in Secrets do not travel further than here.
 */
import { KubeError } from '../errors/kubeError';
import type { ContextClient, QueryValue } from './http';

/** One page of a list call; `continueToken` is set when the server has more. */
export interface Page<T> {
  items: T[];
  continueToken?: string;
}

export interface ListOptions {
  /** Page size (`limit`); the server may return fewer. */
  limit?: number;
  /** The `continue` token of the previous page. */
  continueToken?: string;
  signal?: AbortSignal;
}

export interface NamespaceInfo {
  name: string;
  uid: string;
  terminating: boolean;
}

export interface ServiceAccountInfo {
  name: string;
  namespace: string;
  uid: string;
  /** `automountServiceAccountToken`; undefined means the default (true). */
  automountToken?: boolean;
  /** Names in `.secrets` (auto-generated legacy token Secrets of clusters older than 1.24). */
  secretRefs: string[];
  creationTimestamp?: string;
}

export const SA_TOKEN_SECRET_TYPE = 'kubernetes.io/service-account-token';
export const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SA_UID_ANNOTATION = 'kubernetes.io/service-account.uid';
export const LAST_USED_LABEL = 'kubernetes.io/legacy-token-last-used';
export const INVALID_SINCE_LABEL = 'kubernetes.io/legacy-token-invalid-since';

/** A legacy token Secret, without its data. */
export interface TokenSecretInfo {
  name: string;
  namespace: string;
  uid: string;
  serviceAccount: string;
  /** The uid annotation the token controller writes; absent until it has run. */
  serviceAccountUid?: string;
  /** Whether the token controller has filled `data.token`. */
  hasToken: boolean;
  /** `kubernetes.io/legacy-token-last-used` (YYYY-MM-DD), set by the API server on use. */
  lastUsed?: string;
  /** `kubernetes.io/legacy-token-invalid-since` (YYYY-MM-DD), set by the clean-up controller. */
  invalidSince?: string;
  creationTimestamp?: string;
}

export interface PodInfo {
  name: string;
  uid: string;
  serviceAccountName: string;
  nodeName?: string;
  phase?: string;
}

export interface ObjectRef {
  name: string;
  uid: string;
}

export interface SecretRef extends ObjectRef {
  type: string;
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface ListBody<T> {
  items?: T[];
  metadata?: { continue?: string };
}
export interface RawServiceAccount {
  metadata?: ObjectMeta;
  automountServiceAccountToken?: boolean;
  secrets?: { name?: string }[];
}
export interface RawSecret {
  metadata?: ObjectMeta;
  type?: string;
  data?: Record<string, string>;
}
interface RawPod {
  metadata?: ObjectMeta;
  spec?: { serviceAccountName?: string; serviceAccount?: string; nodeName?: string };
  status?: { phase?: string };
}

async function listPage<R>(client: ContextClient, path: string, opts: ListOptions, extra?: Record<string, QueryValue>): Promise<Page<R>> {
  const body = await client.get<ListBody<R>>(path, { ...extra, limit: opts.limit, continue: opts.continueToken }, opts.signal);
  const next = body.metadata?.continue;
  return { items: body.items ?? [], continueToken: next ? next : undefined };
}

/** Follows `continue` tokens to the end. For lists the UI needs whole (pickers, counts). */
export async function listAll<R>(client: ContextClient, path: string, signal?: AbortSignal, extra?: Record<string, QueryValue>, limit = 500): Promise<R[]> {
  const out: R[] = [];
  let continueToken: string | undefined;
  do {
    const page = await listPage<R>(client, path, { limit, continueToken, signal }, extra);
    out.push(...page.items);
    continueToken = page.continueToken;
  } while (continueToken);
  return out;
}

const ns = (namespace: string): string => `/api/v1/namespaces/${encodeURIComponent(namespace)}`;

export function toNamespace(o: { metadata?: ObjectMeta; status?: { phase?: string } }): NamespaceInfo {
  return { name: o.metadata?.name ?? '', uid: o.metadata?.uid ?? '', terminating: o.status?.phase === 'Terminating' || !!o.metadata?.deletionTimestamp };
}

export async function listNamespaces(client: ContextClient, opts: ListOptions = {}): Promise<Page<NamespaceInfo>> {
  const page = await listPage<{ metadata?: ObjectMeta; status?: { phase?: string } }>(client, '/api/v1/namespaces', opts);
  return { items: page.items.map(toNamespace), continueToken: page.continueToken };
}

/** GET one namespace: used when the namespace filter names namespaces exactly (no list permission needed). */
export async function getNamespace(client: ContextClient, name: string, signal?: AbortSignal): Promise<NamespaceInfo> {
  return toNamespace(await client.get(ns(name), undefined, signal));
}

export function toServiceAccount(o: RawServiceAccount, namespace = ''): ServiceAccountInfo {
  return {
    name: o.metadata?.name ?? '',
    namespace: o.metadata?.namespace ?? namespace,
    uid: o.metadata?.uid ?? '',
    automountToken: o.automountServiceAccountToken,
    secretRefs: (o.secrets ?? []).map((s) => s.name ?? '').filter((n) => n.length > 0),
    creationTimestamp: o.metadata?.creationTimestamp,
  };
}

export async function listServiceAccounts(client: ContextClient, namespace: string, opts: ListOptions = {}): Promise<Page<ServiceAccountInfo>> {
  const page = await listPage<RawServiceAccount>(client, `${ns(namespace)}/serviceaccounts`, opts);
  return { items: page.items.map((o) => toServiceAccount(o, namespace)), continueToken: page.continueToken };
}

export async function getServiceAccount(client: ContextClient, namespace: string, name: string, signal?: AbortSignal): Promise<ServiceAccountInfo> {
  return toServiceAccount(await client.get<RawServiceAccount>(`${ns(namespace)}/serviceaccounts/${encodeURIComponent(name)}`, undefined, signal), namespace);
}

/** The token-Secret view of a Secret, or undefined when it is not an SA token Secret. Drops the data. */
export function toTokenSecret(o: RawSecret): TokenSecretInfo | undefined {
  const sa = o.metadata?.annotations?.[SA_NAME_ANNOTATION];
  if (o.type !== SA_TOKEN_SECRET_TYPE || !sa) return undefined;
  const labels = o.metadata?.labels ?? {};
  return {
    name: o.metadata?.name ?? '',
    namespace: o.metadata?.namespace ?? '',
    uid: o.metadata?.uid ?? '',
    serviceAccount: sa,
    serviceAccountUid: o.metadata?.annotations?.[SA_UID_ANNOTATION],
    hasToken: typeof o.data?.token === 'string' && o.data.token.length > 0,
    lastUsed: labels[LAST_USED_LABEL],
    invalidSince: labels[INVALID_SINCE_LABEL],
    creationTimestamp: o.metadata?.creationTimestamp,
  };
}

/**
 * Every legacy token Secret of the namespace. The type field selector keeps other Secrets off
 * the wire on real clusters; the type is checked again here in case a server ignores it.
 */
export async function listTokenSecrets(client: ContextClient, namespace: string, signal?: AbortSignal): Promise<TokenSecretInfo[]> {
  const raw = await listAll<RawSecret>(client, `${ns(namespace)}/secrets`, signal, { fieldSelector: `type=${SA_TOKEN_SECRET_TYPE}` });
  return raw.map(toTokenSecret).filter((s): s is TokenSecretInfo => s !== undefined);
}

/** Pods of the namespace, for binding a token to one. */
export async function listPods(client: ContextClient, namespace: string, signal?: AbortSignal): Promise<PodInfo[]> {
  const raw = await listAll<RawPod>(client, `${ns(namespace)}/pods`, signal);
  return raw.map((p) => ({
    name: p.metadata?.name ?? '',
    uid: p.metadata?.uid ?? '',
    serviceAccountName: p.spec?.serviceAccountName ?? p.spec?.serviceAccount ?? 'default',
    nodeName: p.spec?.nodeName,
    phase: p.status?.phase,
  }));
}

/** Secrets of the namespace (names, uids and types only), for binding a token to one. */
export async function listSecrets(client: ContextClient, namespace: string, signal?: AbortSignal): Promise<SecretRef[]> {
  const raw = await listAll<RawSecret>(client, `${ns(namespace)}/secrets`, signal);
  return raw.map((s) => ({ name: s.metadata?.name ?? '', uid: s.metadata?.uid ?? '', type: s.type ?? 'Opaque' }));
}

/** Nodes of the cluster, for binding a token to one. */
export async function listNodes(client: ContextClient, signal?: AbortSignal): Promise<ObjectRef[]> {
  const raw = await listAll<{ metadata?: ObjectMeta }>(client, '/api/v1/nodes', signal);
  return raw.map((n) => ({ name: n.metadata?.name ?? '', uid: n.metadata?.uid ?? '' }));
}

/** The uid of a Pod, Secret or Node, to pin a binding to this exact object. */
export async function getObjectUid(client: ContextClient, kind: 'Pod' | 'Secret' | 'Node', name: string, namespace: string, signal?: AbortSignal): Promise<string> {
  const path =
    kind === 'Node' ? `/api/v1/nodes/${encodeURIComponent(name)}` : `${ns(namespace)}/${kind === 'Pod' ? 'pods' : 'secrets'}/${encodeURIComponent(name)}`;
  const o = await client.get<{ metadata?: ObjectMeta }>(path, undefined, signal);
  return o.metadata?.uid ?? '';
}

/**
 * Deletes and re-creates a ServiceAccount with the same name, labels, annotations and settings.
 * Its new uid invalidates every token issued for the old one (bound tokens carry the uid), which
 * is the only way to revoke an unbound TokenRequest token before it expires.
 */
export async function recreateServiceAccount(client: ContextClient, namespace: string, name: string, signal?: AbortSignal): Promise<ServiceAccountInfo> {
  const path = `${ns(namespace)}/serviceaccounts/${encodeURIComponent(name)}`;
  const old = await client.get<RawServiceAccount & { imagePullSecrets?: unknown[] }>(path, undefined, signal);
  await client.request({ method: 'DELETE', path, signal });
  const body = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace, labels: old.metadata?.labels, annotations: old.metadata?.annotations },
    automountServiceAccountToken: old.automountServiceAccountToken,
    imagePullSecrets: old.imagePullSecrets,
  };
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await client.request<RawServiceAccount>({ method: 'POST', path: `${ns(namespace)}/serviceaccounts`, body, signal });
      return toServiceAccount(res.body, namespace);
    } catch (e) {
      // The old object may take a moment to go away (finalizers); AlreadyExists is 409.
      if (!KubeError.is(e, 'conflict') || attempt >= 10) throw e;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
