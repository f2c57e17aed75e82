/**
 * The cluster behind the extension-host suite, on either backend, behind one backend-neutral face.
 *
 * `K8S_TOKENS_HOST_BACKEND` (set by `npm run test:host -- --real`) picks it:
 *   - `testserver` (default): the in-process test API server, seed 'demo';
 *   - `kube-apiserver`: the real etcd + kube-apiserver + kube-controller-manager of realcluster/launcher
 *     (`sharedRealCluster`), started once before the suite (test/suite/index.ts) and seeded through the
 *     API with the SAME objects as the test server's demo seed (`seedThroughApi`: the objects the 'demo'
 *     seed adds to an 'empty' test server, copied without what servers set).
 *
 * Tests reach objects through `objects` (HTTP as the cluster admin, so it works on both) and count
 * requests with `requestCount` (the test server's counters, the real server's audit log). Faults,
 * `configure`, static tokens and the store exist only on the test server: a test that needs them has
 * `[testserver-only]` in its title, and the real run leaves it out (runMocha's grep).
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { ClusterUnderTest, KObject, TestCluster } from '../../testserver/api';
import { startTestCluster } from '../../testserver/index';
import type { RealCluster } from '../../realcluster/launcher/api';
import { sharedRealCluster } from '../../realcluster/launcher/shared';

export type HostBackend = 'testserver' | 'kube-apiserver';
export const HOST_BACKEND_ENV = 'K8S_TOKENS_HOST_BACKEND';
/** Put this in a test's title when it uses what only the test server has (faults, configure, store). */
export const TESTSERVER_ONLY = '[testserver-only]';

export function hostBackend(env: NodeJS.ProcessEnv = process.env): HostBackend {
  const b = env[HOST_BACKEND_ENV] ?? 'testserver';
  if (b !== 'testserver' && b !== 'kube-apiserver') throw new Error(`${HOST_BACKEND_ENV}: unknown backend "${b}" (testserver or kube-apiserver)`);
  return b;
}

/** A new object as tests write it: no uid, resourceVersion or timestamps. */
export interface NewKObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

export interface ClusterObjects {
  create(obj: NewKObject): Promise<KObject>;
  get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KObject | undefined>;
  list(apiVersion: string, kind: string, namespace?: string): Promise<KObject[]>;
  /** Deletes (with `gracePeriodSeconds`, else the server's default) and returns whether it existed. */
  delete(apiVersion: string, kind: string, name: string, namespace?: string, opts?: { gracePeriodSeconds?: number }): Promise<boolean>;
}

export interface HostCluster extends ClusterUnderTest {
  /** Objects through the API as the cluster admin. */
  readonly objects: ClusterObjects;
  /** The test server with its test-only parts; undefined on kube-apiserver. */
  readonly testserver: TestCluster | undefined;
  /** Requests served so far for `METHOD /path` (no query): the test server's counters, the real server's audit log. */
  requestCount(method: string, path: string): Promise<number>;
}

// ---- objects through the API ----

/** The field manager of objects the tests create (what a server-side apply conflict names). */
export const TEST_FIELD_MANAGER = 'k8s-tokens-host-test';

const CLUSTER_SCOPED = new Set(['Namespace', 'Node', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass']);

function resourcePath(apiVersion: string, kind: string, namespace?: string, name?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const plural = kind.toLowerCase() + (kind.endsWith('s') ? 'es' : 's');
  const ns = CLUSTER_SCOPED.has(kind) ? '' : `/namespaces/${encodeURIComponent(namespace ?? 'default')}`;
  return `${base}${ns}/${plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

interface AdminCredentials {
  token?: string;
  cert?: string;
  key?: string;
}

type Call = (method: string, path: string, body?: unknown, contentType?: string) => Promise<{ status: number; body: unknown }>;

function adminCaller(url: string, caPem: string, creds: AdminCredentials): Call {
  const agent = new https.Agent({ ca: caPem, cert: creds.cert, key: creds.key, keepAlive: true });
  return (method, path, body, contentType = 'application/json') =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string | number> = { accept: 'application/json', ...(creds.token ? { authorization: `Bearer ${creds.token}` } : {}) };
      if (payload) Object.assign(headers, { 'content-type': contentType, 'content-length': payload.length });
      const req = https.request(new URL(url + path), { method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
}

function objectsVia(call: Call): ClusterObjects {
  const fail = (what: string, r: { status: number; body: unknown }): never => {
    throw new Error(`${what}: HTTP ${r.status} ${(r.body as { message?: string } | undefined)?.message ?? ''}`);
  };
  return {
    async create(obj) {
      const r = await call('POST', `${resourcePath(obj.apiVersion, obj.kind, obj.metadata.namespace)}?fieldManager=${TEST_FIELD_MANAGER}`, obj);
      return r.status === 201 || r.status === 200 ? (r.body as KObject) : fail(`create ${obj.kind} ${obj.metadata.name}`, r);
    },
    async get(apiVersion, kind, name, namespace) {
      const r = await call('GET', resourcePath(apiVersion, kind, namespace, name));
      return r.status === 404 ? undefined : r.status === 200 ? (r.body as KObject) : fail(`get ${kind} ${name}`, r);
    },
    async list(apiVersion, kind, namespace) {
      const r = await call('GET', resourcePath(apiVersion, kind, namespace));
      return r.status === 200 ? ((r.body as { items: KObject[] }).items ?? []) : fail(`list ${kind}`, r);
    },
    async delete(apiVersion, kind, name, namespace, opts = {}) {
      const r = await call('DELETE', resourcePath(apiVersion, kind, namespace, name), opts.gracePeriodSeconds === undefined ? undefined : { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: opts.gracePeriodSeconds });
      return r.status === 404 ? false : r.status < 300 ? true : fail(`delete ${kind} ${name}`, r);
    },
  };
}

// ---- the demo seed, through the API ----

const SEEDED_KINDS: readonly [string, string][] = [
  ['v1', 'Namespace'], ['v1', 'ServiceAccount'], ['v1', 'Secret'], ['v1', 'ConfigMap'], ['v1', 'Node'], ['v1', 'Pod'],
  ['rbac.authorization.k8s.io/v1', 'Role'], ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole'], ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
];

/** What the server sets or its controllers own: not copied. */
function portable(o: KObject): NewKObject | undefined {
  if ((o.kind === 'ServiceAccount' && o.metadata.name === 'default') || (o.kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt')) return undefined;
  const { name, namespace, labels } = o.metadata;
  const annotations = o.metadata.annotations ? { ...o.metadata.annotations } : undefined;
  const rest: Record<string, unknown> = { ...o };
  delete rest.status;
  if (o.kind === 'Secret') {
    delete rest.data; // the token controller fills a token Secret,
    // and deletes one whose ServiceAccount uid annotation names another ServiceAccount (the test server's uid).
    if (annotations) delete annotations['kubernetes.io/service-account.uid'];
  }
  if (o.kind === 'Pod') {
    // Without what admission added (the kube-api-access volume): the real admission adds its own.
    const spec = o.spec as { serviceAccountName?: string; nodeName?: string; containers: { name: string; image: string }[] };
    rest.spec = { serviceAccountName: spec.serviceAccountName, nodeName: spec.nodeName, containers: spec.containers.map((c) => ({ name: c.name, image: c.image })) };
  }
  return { ...rest, apiVersion: o.apiVersion, kind: o.kind, metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) } };
}

/** The objects the 'demo' seed adds to an 'empty' test server, in an order that creates what others need first. */
export async function demoSeedObjects(): Promise<{ objects: NewKObject[]; podStatus: Map<string, unknown> }> {
  const [demo, empty] = await Promise.all([startTestCluster({ seed: 'demo' }), startTestCluster({ seed: 'empty' })]);
  try {
    const objects: NewKObject[] = [];
    const podStatus = new Map<string, unknown>();
    for (const [apiVersion, kind] of SEEDED_KINDS) {
      const base = new Set(empty.store.list(apiVersion, kind).map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`));
      for (const o of demo.store.list(apiVersion, kind)) {
        if (base.has(`${o.metadata.namespace ?? ''}/${o.metadata.name}`)) continue;
        const p = portable(o);
        if (p) objects.push(p);
        if (kind === 'Pod') podStatus.set(`${o.metadata.namespace}/${o.metadata.name}`, o.status);
      }
    }
    return { objects, podStatus };
  } finally {
    await Promise.all([demo.close(), empty.close()]);
  }
}

/** Creates the demo seed on a real cluster (idempotent: existing objects are left as they are). */
export async function seedThroughApi(call: Call): Promise<number> {
  const { objects, podStatus } = await demoSeedObjects();
  for (const o of objects) {
    const path = resourcePath(o.apiVersion, o.kind, o.metadata.namespace);
    // A Namespace's ServiceAccount controller and admission need a moment: retry briefly on 404/403 and on 409 AlreadyExists skip.
    for (let attempt = 0; ; attempt++) {
      const r = await call('POST', path, o);
      if (r.status === 201 || r.status === 409) break;
      if (attempt >= 50 || (r.status !== 404 && r.status !== 403)) throw new Error(`seeding ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      await new Promise((res) => setTimeout(res, 200));
    }
    if (o.kind === 'Pod') {
      const status = podStatus.get(`${o.metadata.namespace}/${o.metadata.name}`);
      await call('PATCH', `${resourcePath('v1', 'Pod', o.metadata.namespace, o.metadata.name)}/status`, { status }, 'application/merge-patch+json');
    }
  }
  return objects.length;
}

// ---- request counts on kube-apiserver: its audit log ----

const VERBS: Record<string, string[]> = { GET: ['get', 'list', 'watch'], POST: ['create'], PUT: ['update'], PATCH: ['patch'], DELETE: ['delete', 'deletecollection'] };
let markers = 0;

/**
 * Counts ResponseComplete audit events of `METHOD path`. A marker request goes first, and the count
 * waits until the marker is in the log, so every request answered before the call is counted.
 */
async function auditCount(real: RealCluster, call: Call, method: string, path: string): Promise<number> {
  const marker = `/api/v1/namespaces/default/configmaps/k8s-tokens-audit-marker-${process.pid}-${++markers}`;
  await call('GET', marker);
  for (let i = 0; i < 200; i++) {
    const events = fs.readFileSync(real.auditLogPath, 'utf8').split('\n').filter((l) => l.includes('"ResponseComplete"'));
    if (events.some((l) => l.includes(`"${marker}"`))) {
      return events
        .map((l) => JSON.parse(l) as { verb: string; requestURI: string })
        .filter((e) => VERBS[method]?.includes(e.verb) && e.requestURI.split('?')[0] === path).length;
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`the audit log ${real.auditLogPath} did not record ${marker} within 10 s`);
}

/** Starts the suite's cluster on the selected backend. */
export async function startHostCluster(backend: HostBackend = hostBackend()): Promise<HostCluster> {
  if (backend === 'testserver') {
    const ts = await startTestCluster({ seed: 'demo' });
    const call = adminCaller(ts.url, ts.caPem, { token: ts.adminToken });
    return Object.assign(Object.create(ts) as TestCluster, {
      objects: objectsVia(call),
      testserver: ts,
      requestCount: (method: string, path: string) => Promise.resolve(ts.requestCounts().get(`${method} ${path}`) ?? 0),
    }) as HostCluster;
  }
  const real = await sharedRealCluster({}, 'host-suite');
  const cert = real.clientCertificate(real.users.admin);
  const call = adminCaller(real.url, real.caPem, { cert: cert.certPem, key: cert.keyPem });
  const seeded = await seedThroughApi(call);
  console.log(`host suite: kube-apiserver ${real.kubernetesVersion} on ${real.url} (ready in ${real.startup.total.toFixed(1)} s), ${seeded} demo objects seeded`);
  return Object.assign(Object.create(real) as RealCluster, {
    objects: objectsVia(call),
    testserver: undefined,
    requestCount: (method: string, path: string) => auditCount(real, call, method, path),
  }) as HostCluster;
}
