import * as assert from 'node:assert/strict';
import { clusterFindings, namespacesToList, type ClusterFacts } from '../../src/scaffold/clusterChecks';
import { analyzeManifest, applyEdits, type Finding } from '../../src/scaffold/manifestAnalysis';

const pod = (token: string, extra = ''): string => `apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: demo
spec:
  serviceAccountName: reader${extra}
  containers:
    - name: c
      image: busybox
  volumes:
    - name: other
      emptyDir: {}
    - name: tok
      projected:
        sources:
          - serviceAccountToken:
${token}
`;

const only = (findings: Finding[], code: Finding['code']): Finding => {
  const f = findings.filter((x) => x.code === code);
  assert.equal(f.length, 1, JSON.stringify(findings.map((x) => x.code)));
  return f[0];
};
const fixed = (text: string, f: Finding, i = 0): string => applyEdits(text, f.fixes[i].edits);

describe('manifest analysis', () => {
  it('accepts a valid projected token and reports nothing', () => {
    const a = analyzeManifest(pod('              path: token\n              expirationSeconds: 600\n              audience: vault'));
    assert.deepEqual(a.findings, []);
    assert.deepEqual(a.audiences.map((x) => x.audience), ['vault']);
    assert.deepEqual(a.serviceAccounts.map((s) => [s.namespace, s.name]), [['demo', 'reader']]);
  });

  it('reports expirationSeconds below 600 with the API server message, and the fix sets 600', () => {
    const text = pod('              path: token\n              expirationSeconds: 60');
    const f = only(analyzeManifest(text).findings, 'expirationTooShort');
    assert.equal(f.message, 'spec.volumes[1].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
    assert.equal(text.slice(f.start, f.end), '60');
    assert.equal(f.severity, 'error');
    const after = fixed(text, f);
    assert.match(after, /expirationSeconds: 600\n/);
    assert.deepEqual(analyzeManifest(after).findings, []);
  });

  it('accepts exactly 2^32 and reports 2^32 + 1', () => {
    assert.deepEqual(analyzeManifest(pod('              path: t\n              expirationSeconds: 4294967296')).findings, []);
    const text = pod('              path: t\n              expirationSeconds: 4294967297');
    const f = only(analyzeManifest(text).findings, 'expirationTooLong');
    assert.match(f.message, /Invalid value: 4294967297: may not specify a duration larger than 2\^32 seconds$/);
    assert.deepEqual(analyzeManifest(fixed(text, f)).findings, []);
  });

  it('reports an empty, absolute or backstepping path at the volume\'s projected.path, with fixes', () => {
    const empty = pod('              path: ""');
    const e = only(analyzeManifest(empty).findings, 'tokenPathEmpty');
    assert.equal(e.message, 'spec.volumes[1].projected.path: Required value');
    assert.match(fixed(empty, e), /path: token\n/);
    const bare = pod('              path:');
    assert.match(fixed(bare, only(analyzeManifest(bare).findings, 'tokenPathEmpty')), /path: token\n/);

    const abs = pod('              path: /var/token');
    const a = only(analyzeManifest(abs).findings, 'tokenPathAbsolute');
    assert.equal(a.message, 'spec.volumes[1].projected.path: Invalid value: "/var/token": must be a relative path');
    assert.match(fixed(abs, a), /path: var\/token\n/);

    const up = pod("              path: '../x/../token'");
    const u = only(analyzeManifest(up).findings, 'tokenPathBackstep');
    assert.equal(u.message, 'spec.volumes[1].projected.path: Invalid value: "../x/../token": must not contain \'..\'');
    const upFixed = fixed(up, u);
    assert.match(upFixed, /path: x\/token\n/);
    assert.deepEqual(analyzeManifest(upFixed).findings, []);
    // `..` inside a name is allowed.
    assert.deepEqual(analyzeManifest(pod('              path: a..b')).findings, []);
  });

  it('finds pod specs in workload templates and TokenRequests', () => {
    const text = `apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: worker
          volumes:
            - name: t
              projected:
                sources:
                  - serviceAccountToken: {path: token, expirationSeconds: 599}
---
apiVersion: authentication.k8s.io/v1
kind: TokenRequest
spec:
  audiences: [a, b]
  expirationSeconds: 10
`;
    const a = analyzeManifest(text);
    assert.deepEqual(
      a.findings.map((f) => f.message.split(':')[0]),
      ['spec.jobTemplate.spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds', 'spec.expirationSeconds'],
    );
    assert.deepEqual(a.serviceAccounts.map((s) => [s.namespace, s.name]), [[undefined, 'worker']]);
    assert.deepEqual(a.audiences.map((x) => [x.audience, x.removal]), [['a', undefined], ['b', undefined]]);
  });

  it('reports a legacy token Secret without the ServiceAccount annotation and inserts it', () => {
    const bare = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: builder-token\n  namespace: demo\ntype: kubernetes.io/service-account-token\n';
    const f = only(analyzeManifest(bare).findings, 'legacySecretWithoutServiceAccount');
    assert.equal(f.message, 'metadata.annotations[kubernetes.io/service-account.name]: Required value');
    const after = fixed(bare, f);
    assert.equal(after, 'apiVersion: v1\nkind: Secret\nmetadata:\n  annotations:\n    kubernetes.io/service-account.name: builder\n  name: builder-token\n  namespace: demo\ntype: kubernetes.io/service-account-token\n');
    assert.deepEqual(analyzeManifest(after).findings, []);

    const withOthers = 'kind: Secret\nmetadata:\n  name: x\n  annotations:\n    a: b\ntype: kubernetes.io/service-account-token\n';
    const g = only(analyzeManifest(withOthers).findings, 'legacySecretWithoutServiceAccount');
    assert.equal(fixed(withOthers, g), 'kind: Secret\nmetadata:\n  name: x\n  annotations:\n    kubernetes.io/service-account.name: default\n    a: b\ntype: kubernetes.io/service-account-token\n');

    const emptyMap = 'kind: Secret\nmetadata:\n  name: x\n  annotations: {}\ntype: kubernetes.io/service-account-token\n';
    const h = only(analyzeManifest(emptyMap).findings, 'legacySecretWithoutServiceAccount');
    assert.deepEqual(analyzeManifest(fixed(emptyMap, h)).findings, []);
    // Other Secret types need no annotation.
    assert.deepEqual(analyzeManifest('kind: Secret\nmetadata: {name: x}\ntype: Opaque\n').findings, []);
  });

  it('skips documents with syntax errors and non-mapping documents', () => {
    assert.deepEqual(analyzeManifest('kind: Pod\nspec: [\n').findings, []);
    assert.deepEqual(analyzeManifest('- a\n- b\n---\nplain\n').findings, []);
    assert.deepEqual(analyzeManifest('').findings, []);
  });
});

describe('cluster checks of a manifest', () => {
  const facts = (over: Partial<ClusterFacts> = {}): ClusterFacts => ({
    context: 'kind',
    defaultNamespace: 'default',
    apiAudiences: { values: ['https://kubernetes.default.svc.cluster.local'], source: 'token' },
    serviceAccounts: new Map([['demo', ['default', 'reader']]]),
    ...over,
  });

  it('flags an audience the API server does not accept, with replace and remove fixes', () => {
    const text = pod('              path: token\n              audience: vault');
    const a = analyzeManifest(text);
    const f = only(clusterFindings(text, a, facts()), 'audienceUnknown');
    assert.equal(f.severity, 'information');
    assert.match(f.message, /Audience "vault" is not an API audience of context "kind"/);
    assert.match(fixed(text, f, 0), /audience: https:\/\/kubernetes.default.svc.cluster.local\n/);
    const removed = fixed(text, f, 1);
    assert.doesNotMatch(removed, /audience/);
    assert.match(removed, /path: token\n$/);
    assert.deepEqual(clusterFindings(text, a, facts({ apiAudiences: { values: ['vault'], source: 'token' } })), []);
    assert.deepEqual(clusterFindings(text, a, facts({ apiAudiences: undefined })), []);
  });

  it('flags a missing ServiceAccount unless the file defines it or its namespace was not listed', () => {
    const text = pod('              path: token', '').replace('serviceAccountName: reader', 'serviceAccountName: ghost');
    const a = analyzeManifest(text);
    assert.deepEqual(namespacesToList(a, 'default'), ['demo']);
    const f = only(clusterFindings(text, a, facts()), 'serviceAccountMissing');
    assert.match(f.message, /^serviceaccounts "ghost" not found/);
    const added = fixed(text, f, 0);
    assert.match(added, /---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n {2}name: ghost\n {2}namespace: demo\n$/);
    assert.deepEqual(clusterFindings(added, analyzeManifest(added), facts()), []);
    assert.match(fixed(text, f, 2), /serviceAccountName: reader\n/);
    assert.deepEqual(clusterFindings(text, a, facts({ serviceAccounts: new Map() })), []);
  });
});
