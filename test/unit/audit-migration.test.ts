/**
 * The legacy token migration plan: what each kind of workload gets (a strategic merge patch of its
 * Pod template, a manifest to create again, or words), and that the projected volume mounts the same
 * files (token, ca.crt, namespace) as the Secret did. Applying the patches to a real kube-apiserver is
 * in test/differential/legacyTokens.test.ts.
 */
import * as assert from 'node:assert/strict';
import type { LegacyTokenFacts, LegacyTokenWorkload, TokenSecretInfo } from '../../src/kube/index';
import { legacyReport, migrationDocument } from '../../src/audit/legacyReport';
import { planMigration, planWorkload } from '../../src/audit/migration';
import { projectedSources } from '../../src/audit/projectedToken';
import { serializeReport } from '../../src/audit/exports';
import { yaml } from '../../src/loader/yaml';

const OPTS = { audience: '', expirationSeconds: 3607 };
const secret = (name: string, sa: string, extra: Partial<TokenSecretInfo> = {}): TokenSecretInfo => ({ name, namespace: 'demo', uid: `u-${name}`, serviceAccount: sa, hasToken: true, ...extra });
const SECRETS = new Map([['demo/ci-token', secret('ci-token', 'ci')], ['demo/other-token', secret('other-token', 'other')]]);

function deployment(spec: Record<string, unknown>, uses: LegacyTokenWorkload['uses'], kind = 'Deployment'): LegacyTokenWorkload {
  const path = kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template', 'spec'] : kind === 'Pod' ? ['spec'] : ['spec', 'template', 'spec'];
  const object: Record<string, unknown> = { apiVersion: 'apps/v1', kind, metadata: { name: 'web', namespace: 'demo', uid: 'x', resourceVersion: '5', labels: { app: 'web' } } };
  let cur = object;
  for (const p of path.slice(0, -1)) cur = (cur[p] ??= {}) as Record<string, unknown>;
  cur[path[path.length - 1]] = spec;
  return { ref: { kind, apiVersion: 'apps/v1', namespace: 'demo', name: 'web' }, object, podSpecPath: path, uses, pods: ['web-1'] };
}

const KUBE_API_ACCESS_SOURCES = [
  { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
  { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
  { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
];

describe('Legacy token migration plan', () => {
  it('a Deployment with a Secret volume: a patch that swaps in kube-api-access\'s sources and sets the Secret\'s ServiceAccount', () => {
    const w = deployment({ serviceAccountName: 'default', containers: [{ name: 'app' }], volumes: [{ name: 'cfg', configMap: { name: 'x' } }, { name: 'api', secret: { secretName: 'ci-token', defaultMode: 0o440 } }] }, [{ kind: 'volume', secret: 'ci-token', volume: 'api', volumeIndex: 1 }]);
    const p = planWorkload(w, SECRETS, OPTS);
    assert.equal(p.action, 'patch');
    assert.deepEqual(p.patch, {
      spec: { template: { spec: { volumes: [{ name: 'api', secret: null, projected: { sources: KUBE_API_ACCESS_SOURCES, defaultMode: 0o440 } }], serviceAccountName: 'ci' } } },
    });
    assert.deepEqual(p.serviceAccount, { from: 'default', to: 'ci' });
    assert.ok(p.notes.some((n) => n.includes('ServiceAccount ci instead of default')));
  });

  it('keeps the paths and modes of `items`, and an audience when one is chosen', () => {
    const r = projectedSources([{ key: 'token', path: 'sa/tok' }, { key: 'ca.crt', path: 'ca.pem', mode: 0o400 }, { key: 'extra', path: 'x' }], { audience: 'vault', expirationSeconds: 600 });
    assert.deepEqual(r.sources, [
      { serviceAccountToken: { path: 'sa/tok', expirationSeconds: 600, audience: 'vault' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.pem', mode: 0o400 }] } },
    ]);
    assert.deepEqual(r.unknownKeys, ['extra']);
  });

  it('a projected volume with a Secret source: only that source is replaced; a CronJob is patched at its job template', () => {
    const spec = { serviceAccountName: 'ci', containers: [{ name: 'job' }], volumes: [{ name: 'all', projected: { sources: [{ configMap: { name: 'c' } }, { secret: { name: 'ci-token' } }] } }] };
    const p = planWorkload(deployment(spec, [{ kind: 'projected', secret: 'ci-token', volume: 'all', volumeIndex: 0, sourceIndex: 1 }], 'CronJob'), SECRETS, OPTS);
    assert.equal(p.action, 'patch');
    assert.deepEqual(p.patch, { spec: { jobTemplate: { spec: { template: { spec: { volumes: [{ name: 'all', projected: { sources: [{ configMap: { name: 'c' } }, ...KUBE_API_ACCESS_SOURCES] } }] } } } } } });
    assert.equal(p.serviceAccount, undefined, 'already the Secret\'s ServiceAccount');
  });

  it('an environment variable cannot be patched: said in words, the volume still is', () => {
    const spec = { serviceAccount: 'old', containers: [{ name: 'app' }], volumes: [{ name: 'api', secret: { secretName: 'ci-token' } }] };
    const p = planWorkload(deployment(spec, [{ kind: 'volume', secret: 'ci-token', volume: 'api', volumeIndex: 0 }, { kind: 'env', secret: 'ci-token', container: 'app', variable: 'TOKEN' }]), SECRETS, OPTS);
    assert.equal(p.action, 'patch');
    assert.ok(p.notes.some((n) => n.includes('environment variable TOKEN of container app')));
    // The deprecated alias follows, or the API server would see two names.
    const tpl = (p.patch as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;
    assert.equal(tpl.serviceAccountName, 'ci');
    assert.equal(tpl.serviceAccount, 'ci');
    const onlyEnv = planWorkload(deployment({ containers: [] }, [{ kind: 'envFrom', secret: 'ci-token', container: 'app' }]), SECRETS, OPTS);
    assert.equal(onlyEnv.action, 'manual');
    assert.equal(onlyEnv.patch, undefined);
  });

  it('tokens of two ServiceAccounts: no patch, and why', () => {
    const spec = { volumes: [{ name: 'a', secret: { secretName: 'ci-token' } }, { name: 'b', secret: { secretName: 'other-token' } }] };
    const p = planWorkload(deployment(spec, [{ kind: 'volume', secret: 'ci-token', volume: 'a', volumeIndex: 0 }, { kind: 'volume', secret: 'other-token', volume: 'b', volumeIndex: 1 }]), SECRETS, OPTS);
    assert.equal(p.action, 'manual');
    assert.ok(p.notes.some((n) => n.includes('several ServiceAccounts (ci, other)')));
  });

  it('a bare Pod is recreated: a manifest without server fields and node, with the projected volume', () => {
    const spec = { nodeName: 'n1', serviceAccountName: 'ci', containers: [{ name: 'c', image: 'x' }], volumes: [{ name: 'api', secret: { secretName: 'ci-token' } }] };
    const p = planWorkload(deployment(spec, [{ kind: 'volume', secret: 'ci-token', volume: 'api', volumeIndex: 0 }], 'Pod'), SECRETS, OPTS);
    assert.equal(p.action, 'recreate');
    assert.deepEqual((p.manifest as { metadata: unknown }).metadata, { name: 'web', namespace: 'demo', labels: { app: 'web' } });
    const mSpec = (p.manifest as { spec: Record<string, unknown> }).spec;
    assert.equal(mSpec.nodeName, undefined);
    assert.deepEqual(mSpec.volumes, [{ name: 'api', projected: { sources: KUBE_API_ACCESS_SOURCES } }]);
  });

  it('a workload of a custom controller and one whose template is already fixed', () => {
    const custom: LegacyTokenWorkload = { ref: { kind: 'Rollout', apiVersion: 'argoproj.io/v1alpha1', namespace: 'demo', name: 'web' }, uses: [{ kind: 'volume', secret: 'ci-token', volume: 'api', volumeIndex: 0 }], pods: ['web-x'] };
    assert.equal(planWorkload(custom, SECRETS, OPTS).action, 'manual');
    const managed = { ...deployment({}, [{ kind: 'volume' as const, secret: 'ci-token', volume: 'api', volumeIndex: 0 }], 'ReplicaSet'), managedBy: custom.ref };
    assert.ok(planWorkload(managed, SECRETS, OPTS).notes[0].includes('Managed by Rollout web'));
    assert.equal(planWorkload(deployment({ volumes: [] }, []), SECRETS, OPTS).action, 'rollout');
  });

  it('the patch document: a header with the kubectl command, then YAML that parses back to the patch', () => {
    const w = deployment({ volumes: [{ name: 'api', secret: { secretName: 'ci-token' } }] }, [{ kind: 'volume', secret: 'ci-token', volume: 'api', volumeIndex: 0 }]);
    const p = planWorkload(w, SECRETS, OPTS);
    const doc = migrationDocument(p, OPTS);
    assert.equal(doc?.name, 'deployment-demo-web-projected-token.yaml');
    assert.match(doc?.text ?? '', /^# .*\n(?:#.*\n)*# {3}kubectl patch deployment web -n demo --type strategic --patch-file deployment-demo-web-projected-token\.yaml\n/);
    assert.deepEqual(yaml().parse(doc?.text ?? ''), p.patch);
  });

  it('a name with a line break cannot leave its comment line', () => {
    const w = deployment({ volumes: [{ name: 'api', secret: { secretName: 'ci-token' } }] }, [{ kind: 'volume', secret: 'ci-token', volume: 'api', volumeIndex: 0 }]);
    w.ref = { ...w.ref, name: 'web\nkind: Secret' };
    const doc = migrationDocument(planWorkload(w, SECRETS, OPTS), OPTS);
    const body = yaml().parse(doc?.text ?? '') as Record<string, unknown>;
    assert.equal(body.kind, undefined);
  });

  it('the report lists every Secret with its workloads, a Secret nothing uses too, and exports them', () => {
    const facts: LegacyTokenFacts = {
      clusterWide: true,
      namespaces: ['demo'],
      secrets: [secret('ci-token', 'ci', { lastUsed: '2026-12-01' }), secret('unused-token', 'ci', { invalidSince: '2026-11-01' })],
      workloads: [deployment({ volumes: [{ name: 'api', secret: { secretName: 'ci-token' } }] }, [{ kind: 'volume', secret: 'ci-token', volume: 'api', volumeIndex: 0 }])],
      notes: [{ kind: 'forbidden', resource: 'daemonsets.apps', namespace: 'demo' }],
    };
    const { report, documents } = legacyReport('prod', facts, planMigration(facts, OPTS), OPTS);
    assert.deepEqual(report.secrets.map((s) => s.workloads), [[0], []]);
    assert.equal(documents[0]?.name, report.workloads[0].document);
    assert.match(report.notes[0], /daemonsets\.apps in namespace demo/);
    const csv = serializeReport({ kind: 'legacy', legacy: report }, 'csv').trim().split('\r\n');
    assert.equal(csv.length, 3);
    assert.match(csv[1], /^demo\/ci-token,ci,2026-12-01,,Deployment demo\/web,web-1,volume api \(Secret ci-token\),patch \(deployment-demo-web-projected-token\.yaml\)/);
    assert.match(serializeReport({ kind: 'legacy', legacy: report }, 'markdown'), /\| demo\/unused-token \| ci \| {2}\| 2026-11-01 \|/);
  });
});
