/**
 * Legacy token Secrets across a cluster and their migration, on every backend: the Secret with its
 * last-used label once its token was used, the workloads that use it (a Deployment's template, a
 * CronJob reached through its Job's Pod, a bare Pod, an env `secretKeyRef`; not `imagePullSecrets`),
 * and, where the server merges strategic merge patches (kube-apiserver; the test server approximates), the
 * generated patches applied with a server-side dry run: the patched Pod templates mount a projected
 * ServiceAccount token instead of the Secret.
 */
import * as assert from 'node:assert/strict';
import { planMigration, type WorkloadPlan } from '../../src/audit/migration';
import * as k from '../../src/kube/index';
import { forEachBackend } from './env';

type Obj = Record<string, unknown>;
const OPTS = { audience: '', expirationSeconds: 3607 };

function podSpec(secretName: string, sa: string, extra: Obj = {}): Obj {
  return {
    serviceAccountName: sa,
    containers: [{ name: 'app', image: 'registry.example/app:1', volumeMounts: [{ name: 'api', mountPath: '/var/run/legacy' }] }],
    volumes: [{ name: 'api', secret: { secretName } }],
    ...extra,
  };
}

/** The template's volume `api` and service account after a (dry-run) patch. */
function mountedToken(spec: Obj): { sa: unknown; volume: Obj | undefined } {
  const volume = (spec.volumes as Obj[] | undefined)?.find((v) => v.name === 'api');
  return { sa: spec.serviceAccountName, volume };
}

function assertProjected(volume: Obj | undefined): void {
  assert.ok(volume, 'the volume is still there');
  assert.equal(volume.secret, undefined, 'the Secret source is gone');
  const sources = (volume.projected as { sources: Obj[] }).sources;
  assert.deepEqual(sources.map((s) => Object.keys(s)[0]), ['serviceAccountToken', 'configMap', 'downwardAPI']);
  assert.deepEqual(sources[0].serviceAccountToken, { path: 'token', expirationSeconds: 3607 });
}

forEachBackend('Legacy token Secrets and their migration', (env) => {
  const node = `k8s-tokens-legacy-node-${k.randomSuffix(6)}`;
  let secretName = '';
  let facts: k.LegacyTokenFacts;
  let plans: WorkloadPlan[];
  const post = <T = Obj>(path: string, body: Obj): Promise<T> => env.admin.request<T>({ method: 'POST', path, body }).then((r) => r.body);
  const base = (): string => `/api/v1/namespaces/${env.ns}`;
  const plan = (kind: string, name: string): WorkloadPlan | undefined => plans.find((p) => p.workload.ref.kind === kind && p.workload.ref.name === name && p.workload.ref.namespace === env.ns);

  before(async () => {
    await env.serviceAccount('ci');
    await env.serviceAccount('web');
    secretName = (await k.createLegacyTokenSecret(env.admin, env.ns, 'ci')).name;
    const { token } = await k.waitForSecretToken(env.admin, env.ns, secretName);
    // Use the token once, so the API server labels the Secret kubernetes.io/legacy-token-last-used.
    await env.client({ token, contextName: 'legacy-user' }).get(`${base()}/serviceaccounts/ci`).catch(() => undefined);
    await post('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: node } });
    await post(`/apis/apps/v1/namespaces/${env.ns}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec(secretName, 'web') } },
    });
    const cron = await post<{ metadata: { uid: string } }>(`/apis/batch/v1/namespaces/${env.ns}/cronjobs`, {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      // The template does not use the Secret any more; its last Job's Pod still does.
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { serviceAccountName: 'ci', restartPolicy: 'Never', containers: [{ name: 'job', image: 'registry.example/job:1' }] } } } } },
    });
    const job = await post<{ metadata: { uid: string } }>(`/apis/batch/v1/namespaces/${env.ns}/jobs`, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'nightly-1', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: cron.metadata.uid, controller: true }] },
      spec: { template: { spec: { ...podSpec(secretName, 'ci'), restartPolicy: 'Never' } } },
    });
    await post(`${base()}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'nightly-1-abcde', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'nightly-1', uid: job.metadata.uid, controller: true }] },
      spec: { ...podSpec(secretName, 'ci'), nodeName: node, restartPolicy: 'Never' },
    });
    await post(`${base()}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug' }, spec: { ...podSpec(secretName, 'ci'), nodeName: node } });
    await post(`${base()}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'env-reader' },
      spec: { serviceAccountName: 'web', nodeName: node, containers: [{ name: 'app', image: 'registry.example/app:1', env: [{ name: 'KUBE_TOKEN', valueFrom: { secretKeyRef: { name: secretName, key: 'token' } } }] }] },
    });
    await post(`${base()}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'puller' },
      spec: { serviceAccountName: 'web', nodeName: node, imagePullSecrets: [{ name: secretName }], containers: [{ name: 'app', image: 'registry.example/app:1' }] },
    });
    await env.eventually(async () => !!(await k.listTokenSecrets(env.admin, env.ns)).find((s) => s.name === secretName)?.lastUsed, 'the API server labels the Secret as used');
    facts = await k.gatherLegacyTokenFacts(env.admin, { fallbackNamespaces: [env.ns] });
    plans = planMigration(facts, OPTS);
  });

  after(async () => {
    await env.admin.request({ method: 'DELETE', path: `/api/v1/nodes/${node}` }).catch(() => undefined);
  });

  it('lists the token Secret cluster-wide with the date the API server saw its token used', () => {
    assert.equal(facts.clusterWide, true);
    const s = facts.secrets.find((x) => x.namespace === env.ns && x.name === secretName);
    assert.equal(s?.serviceAccount, 'ci');
    assert.equal(s?.lastUsed, new Date().toISOString().slice(0, 10));
  });

  it('finds the Deployment by its template, the CronJob through its Job\'s Pod, a bare Pod and an env reader; not the image puller', () => {
    const mine = plans.filter((p) => p.workload.ref.namespace === env.ns).map((p) => `${p.workload.ref.kind}/${p.workload.ref.name}:${p.action}`);
    assert.deepEqual(mine.sort(), ['CronJob/nightly:rollout', 'Deployment/web:patch', 'Pod/debug:recreate', 'Pod/env-reader:manual']);
    assert.deepEqual(plan('CronJob', 'nightly')?.workload.pods, ['nightly-1-abcde']);
    assert.ok(plan('Pod', 'env-reader')?.notes.some((n) => n.includes('KUBE_TOKEN')));
  });

  it('a namespace admin, who may not list Secrets cluster-wide, gets their namespace read per namespace', async () => {
    const user = `ns-admin-${k.randomSuffix(4)}`;
    await post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${env.ns}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: user },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
    });
    const client = env.client({ user: { name: user }, namespace: env.ns, contextName: user });
    await env.eventually(async () => (await k.listTokenSecrets(client, env.ns).catch(() => [])).length > 0, 'the RoleBinding takes effect');
    const f = await k.gatherLegacyTokenFacts(client, { fallbackNamespaces: [env.ns] });
    assert.equal(f.clusterWide, false);
    assert.deepEqual(f.namespaces, [env.ns]);
    assert.deepEqual(f.secrets.map((x) => x.name), [secretName]);
    assert.ok(f.notes.some((n) => n.kind === 'forbidden' && n.resource === 'namespaces'), 'says why it read only the context\'s namespace');
    assert.deepEqual(f.workloads.map((w) => `${w.ref.kind}/${w.ref.name}`).sort(), ['CronJob/nightly', 'Deployment/web', 'Pod/debug', 'Pod/env-reader']);
  });

  if (env.backend !== 'testserver') {
    // The test server approximates a strategic merge patch as a JSON merge patch (testserver/handlers/
    // objects.ts), which replaces the volumes list whole: these need the real merge.
    it('the Deployment patch, dry-run on the server: the template mounts a projected token as ServiceAccount ci', async () => {
      const p = plan('Deployment', 'web');
      const res = await k.patchWorkload(env.admin, 'Deployment', env.ns, 'web', p?.patch, { dryRun: true });
      const spec = (res.object as { spec: { template: { spec: Obj } } }).spec.template.spec;
      const { sa, volume } = mountedToken(spec);
      assert.equal(sa, 'ci');
      assertProjected(volume);
      assert.deepEqual((spec.containers as { volumeMounts: Obj[] }[])[0].volumeMounts, [{ name: 'api', mountPath: '/var/run/legacy' }]);
      // A dry run stores nothing.
      const stored = await env.admin.get<{ spec: { template: { spec: Obj } } }>(`/apis/apps/v1/namespaces/${env.ns}/deployments/web`);
      assert.equal(mountedToken(stored.spec.template.spec).sa, 'web');
    });

    it('the `secret: null` of the patch is needed: without it the server refuses a volume with two sources', async () => {
      const p = JSON.parse(JSON.stringify(plan('Deployment', 'web')?.patch)) as { spec: { template: { spec: { volumes: Obj[] } } } };
      delete p.spec.template.spec.volumes[0].secret;
      await assert.rejects(k.patchWorkload(env.admin, 'Deployment', env.ns, 'web', p, { dryRun: true }), (e: unknown) => k.KubeError.is(e, 'invalid') && /may not specify more than 1 volume type/.test((e as Error).message));
    });

    it('the bare Pod\'s manifest, created under another name in a dry run, is admitted with the projected volume', async () => {
      const manifest = JSON.parse(JSON.stringify(plan('Pod', 'debug')?.manifest)) as { metadata: Obj; spec: Obj };
      manifest.metadata.name = 'debug-migrated';
      const created = await env.admin.request<{ spec: Obj }>({ method: 'POST', path: `${base()}/pods`, query: { dryRun: 'All' }, body: manifest });
      assertProjected(mountedToken(created.body.spec).volume);
    });
  }
});
