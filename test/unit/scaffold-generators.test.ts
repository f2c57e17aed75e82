import * as assert from 'node:assert/strict';
import { parse, parseAllDocuments } from 'yaml';
import { projectedPodObject, projectedPodYaml, rotationCronJobObjects, rotationCronJobYaml } from '../../src/scaffold/generators';
import { analyzeManifest } from '../../src/scaffold/manifestAnalysis';
import { parseManifest } from '../../src/scaffold/manifestDocuments';
import { parseResource, proofCells, proofPlanFor, proofResult, rbacChoiceYaml, rbacSpecFor } from '../../src/scaffold/rbacGenerator';

const sa = { namespace: 'demo', name: 'reader' };

describe('scaffold generators', () => {
  it('projected Pod: automount off, token + ca.crt + namespace sources, options honoured', () => {
    const pod = projectedPodObject({ serviceAccount: sa, audience: 'vault', expirationSeconds: 7200, mountPath: '/tokens' }) as { spec: Record<string, unknown> };
    const y = projectedPodYaml({ serviceAccount: sa, audience: 'vault', expirationSeconds: 7200, mountPath: '/tokens' });
    assert.deepEqual(parse(y), pod);
    const spec = pod.spec as { serviceAccountName: string; automountServiceAccountToken: boolean; volumes: { projected: { sources: Record<string, unknown>[] } }[]; containers: { volumeMounts: { mountPath: string; readOnly: boolean }[] }[] };
    assert.equal(spec.serviceAccountName, 'reader');
    assert.equal(spec.automountServiceAccountToken, false);
    assert.deepEqual(spec.volumes[0].projected.sources[0], { serviceAccountToken: { path: 'token', expirationSeconds: 7200, audience: 'vault' } });
    assert.deepEqual(spec.volumes[0].projected.sources[1], { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    assert.deepEqual(spec.volumes[0].projected.sources[2], { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } });
    assert.deepEqual(spec.containers[0].volumeMounts[0], { name: 'sa-token', mountPath: '/tokens', readOnly: true });
    assert.deepEqual(analyzeManifest(y).findings, []);
    // No audience: the key is left out so the API audiences apply.
    assert.doesNotMatch(projectedPodYaml({ serviceAccount: sa }), /audience/);
  });

  it('rotation CronJob: its own SA, a Role limited to the target token and Secret, binding, CronJob', () => {
    const objs = rotationCronJobObjects({ serviceAccount: sa, expirationSeconds: 3600, audience: "it's" });
    assert.deepEqual(objs.map((o) => o.kind), ['ServiceAccount', 'Role', 'RoleBinding', 'CronJob']);
    const role = objs[1] as { rules: { resources: string[]; verbs: string[]; resourceNames?: string[] }[] };
    assert.deepEqual(role.rules[0], { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'], resourceNames: ['reader'] });
    assert.deepEqual(role.rules[1].resourceNames, ['reader-rotated-token']);
    const y = rotationCronJobYaml({ serviceAccount: sa, expirationSeconds: 3600, audience: "it's" });
    const docs = parseAllDocuments(y).map((d) => d.toJS() as Record<string, unknown>);
    assert.deepEqual(docs, objs);
    const script = JSON.stringify(docs[3]);
    assert.match(script, /kubectl create token reader --duration=3600s --audience='it'\\\\''s' > \/work\/token/);
    assert.match(script, /"serviceAccountName":"reader-token-rotator"/);
    assert.deepEqual(analyzeManifest(y).findings, []);
  });

  it('RBAC: resources grouped by API group into one Role bound to the ServiceAccount; cluster scope', () => {
    const choice = { serviceAccount: sa, resources: ['pods', 'deployments.apps', 'pods/log'].map(parseResource), verbs: ['get', 'list'], scope: 'namespace' as const };
    const spec = rbacSpecFor(choice);
    assert.equal(spec.name, 'reader-access');
    assert.equal(spec.namespace, 'demo');
    assert.deepEqual(spec.rules, [
      { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'] },
    ]);
    const docs = parseAllDocuments(rbacChoiceYaml(choice)).map((d) => d.toJS() as { kind: string; subjects?: unknown[] });
    assert.deepEqual(docs.map((d) => d.kind), ['Role', 'RoleBinding']);
    assert.deepEqual(docs[1].subjects, [{ kind: 'ServiceAccount', name: 'reader', namespace: 'demo' }]);
    const cluster = rbacSpecFor({ ...choice, scope: 'cluster' });
    assert.equal(cluster.namespace, undefined);
    assert.equal(cluster.name, 'reader-demo-access');
  });

  it('apply: a document with an alias but no anchor, or too many aliases, is an error entry, not a throw', () => {
    const laughs = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [${Array(10).fill('*a').join(', ')}]\nc: &c [${Array(10).fill('*b').join(', ')}]\n`;
    for (const text of ['apiVersion: v1\nkind: ConfigMap\nmetadata: {name: *missing}\n', laughs]) {
      const [doc] = parseManifest(text);
      assert.ok(doc && 'error' in doc, JSON.stringify(doc));
    }
  });

  it('proof: plan from the applied objects, cells for every verb, mismatches both ways', () => {
    const yaml = rbacChoiceYaml({ serviceAccount: sa, resources: [parseResource('configmaps')], verbs: ['get', 'list'], scope: 'namespace' });
    const objects = parseManifest(yaml).flatMap((p) => ('object' in p ? [p.object] : []));
    const plan = proofPlanFor(objects, 'default');
    assert.deepEqual(plan, { serviceAccount: sa, namespace: 'demo', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] });
    const cells = proofCells(plan);
    assert.deepEqual(cells.filter((c) => c.expected).map((c) => c.verb), ['get', 'list']);
    assert.equal(cells.length, 7);
    const exact = proofResult('ctx', plan, cells, cells.map((c) => ({ allowed: c.expected })));
    assert.equal(exact.exact, true);
    assert.equal(exact.matrix.rows[0].cells.get.allowed, true);
    assert.equal(exact.matrix.rows[0].cells.delete.allowed, false);
    assert.match(exact.matrix.notes.join(' '), /Denied on configmaps: watch, create, update, patch, delete/);
    const extra = proofResult('ctx', plan, cells, cells.map((c) => ({ allowed: c.expected || c.verb === 'watch' })));
    assert.deepEqual(extra.mismatches, [{ resource: 'configmaps', group: '', verb: 'watch', expected: false, allowed: true }]);
    assert.equal(proofPlanFor(objects.slice(0, 1), 'default'), undefined);
  });

  it('proof of a cluster-wide grant reviews without a namespace; edited rules are what is proved', () => {
    const yaml = rbacChoiceYaml({ serviceAccount: sa, resources: ['namespaces', 'cronjobs.batch'].map(parseResource), verbs: ['list'], scope: 'cluster' }).replace('- list', '- list\n      - watch');
    const objects = parseManifest(yaml).flatMap((p) => ('object' in p ? [p.object] : []));
    assert.deepEqual(objects.map((o) => o.kind), ['ClusterRole', 'ClusterRoleBinding']);
    const plan = proofPlanFor(objects, 'default');
    assert.equal(plan?.namespace, undefined);
    assert.deepEqual(plan?.serviceAccount, sa);
    const cells = plan ? proofCells(plan) : [];
    assert.deepEqual(
      cells.filter((c) => c.expected).map((c) => `${c.check.group}/${c.check.resource}:${c.verb}`),
      // Only the first rule was edited to add watch.
      ['/namespaces:list', '/namespaces:watch', 'batch/cronjobs:list'],
    );
    assert.equal(plan && proofResult('ctx', plan, cells, cells.map(() => ({ allowed: false }))).matrix.namespace, '(all namespaces)');
  });

  it('parseManifest reports documents that cannot be sent', () => {
    const r = parseManifest('kind: Pod\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nx: [\n');
    assert.deepEqual(r.map((p) => ('error' in p ? `${p.index}:error` : `${p.index}:${p.object.kind}`)), ['0:error', '2:ConfigMap', '3:error']);
  });
});
