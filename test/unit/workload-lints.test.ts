/**
 * Workload lints with quick fixes (issue 13), binding subjects (issue 12, bug 5), the closest-name
 * suggestion and when snippets are offered (issue 12 polish).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ClusterFacts } from '../../src/scaffold/clusterChecks';
import { closestNames, editDistance, isLikelyTypo } from '../../src/scaffold/closestNames';
import { analyzeManifest, applyEdits, type Finding } from '../../src/scaffold/manifestAnalysis';
import { snippetTriggerAt } from '../../src/scaffold/snippetTrigger';
import { workloadFindings } from '../../src/scaffold/workloadLints';

const lint = (text: string, facts?: ClusterFacts): Finding[] => workloadFindings(text, analyzeManifest(text), facts);
const codes = (text: string, facts?: ClusterFacts): string[] => lint(text, facts).map((f) => f.code);
const only = (findings: Finding[], code: Finding['code']): Finding => {
  const f = findings.filter((x) => x.code === code);
  assert.equal(f.length, 1, JSON.stringify(findings.map((x) => x.code)));
  return f[0];
};
const facts = (over: Partial<ClusterFacts> = {}): ClusterFacts => ({ context: 'kind', defaultNamespace: 'default', serviceAccounts: new Map(), ...over });

const deployment = (podSpec: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
${podSpec}`;

describe('workload lints', () => {
  it('flags the default ServiceAccount (kube-linter default-service-account) and fixes it with a dedicated one', () => {
    for (const spec of ['      containers: [{name: c, image: busybox}]\n', '      serviceAccountName: default\n      containers: [{name: c, image: busybox}]\n']) {
      const text = deployment(spec);
      const f = only(lint(text), 'default-service-account');
      assert.match(f.message, /Deployment "web" runs as the default ServiceAccount/);
      const fixed = applyEdits(text, f.fixes[0].edits);
      assert.match(fixed, /serviceAccountName: web\n/);
      assert.match(fixed, /---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n {2}name: web\n {2}namespace: demo\n$/);
      assert.ok(!codes(fixed).includes('default-service-account'), fixed);
      assert.deepEqual(analyzeManifest(fixed).findings, []);
    }
  });

  it('suggests automountServiceAccountToken: false only as "consider", and either written value ends it', () => {
    const text = deployment('      serviceAccountName: web\n      containers: [{name: c, image: busybox}]\n');
    const f = only(lint(text), 'automountServiceAccountToken');
    assert.equal(f.severity, 'information');
    assert.match(f.message, /consider automountServiceAccountToken: false/);
    assert.match(f.message, /cannot tell/);
    const off = applyEdits(text, f.fixes[0].edits);
    assert.match(off, / {6}automountServiceAccountToken: false\n {6}serviceAccountName: web/);
    assert.deepEqual(codes(off), []);
    assert.deepEqual(codes(applyEdits(text, f.fixes[1].edits)), []);
    // The ServiceAccount's own false applies when the pod spec says nothing.
    assert.deepEqual(codes(`${text}---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: demo}\nautomountServiceAccountToken: false\n`), []);
  });

  it('lints Pods and every workload template kind', () => {
    const spec = (kind: string, path: string): string => `kind: ${kind}\nmetadata: {name: w}\n${path}`;
    const leaf = 'containers: [{name: c, image: i}]';
    const docs = [
      spec('Pod', `spec: {${leaf}}\n`),
      spec('StatefulSet', `spec:\n  template:\n    spec: {${leaf}}\n`),
      spec('DaemonSet', `spec:\n  template:\n    spec: {${leaf}}\n`),
      spec('ReplicaSet', `spec:\n  template:\n    spec: {${leaf}}\n`),
      spec('Job', `spec:\n  template:\n    spec: {${leaf}}\n`),
      spec('CronJob', `spec:\n  jobTemplate:\n    spec:\n      template:\n        spec: {${leaf}}\n`),
    ];
    for (const d of docs) assert.deepEqual(codes(d), ['default-service-account', 'automountServiceAccountToken'], d);
  });

  it('flags a legacy token Secret mounted as a volume (same file or cluster) and replaces it with a projected token', () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: demo}
spec:
  serviceAccountName: reader
  automountServiceAccountToken: false
  containers: [{name: c, image: busybox}]
  volumes:
    - name: tok
      secret:
        secretName: reader-token
        defaultMode: 0400
`;
    assert.deepEqual(codes(pod), [], 'unknown Secret type: nothing said');
    const secret = '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: reader-token\n  namespace: demo\n  annotations: {kubernetes.io/service-account.name: reader}\ntype: kubernetes.io/service-account-token\n';
    const f = only(lint(pod + secret), 'legacyTokenSecretMounted');
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /mounts the legacy token Secret "reader-token" \(type kubernetes.io\/service-account-token in this file\)/);
    const fixed = applyEdits(pod, f.fixes[0].edits);
    const a = analyzeManifest(fixed);
    assert.deepEqual(a.findings, []);
    assert.equal(a.workloads[0].secretVolumes.length, 0);
    assert.match(fixed, / {6}projected: \{sources: \[\{serviceAccountToken: \{path: token, expirationSeconds: 3600\}\}/);
    const g = only(lint(pod, facts({ legacyTokenSecrets: new Map([['demo', ['reader-token']]]) })), 'legacyTokenSecretMounted');
    assert.match(g.message, /in namespace "demo" of context "kind"/);
  });

  it('flags expirationSeconds above the cluster maximum when one is known, with a fix to the maximum', () => {
    const text = 'kind: Pod\nmetadata: {name: p}\nspec:\n  serviceAccountName: a\n  automountServiceAccountToken: false\n  containers: [{name: c, image: i}]\n  volumes:\n    - name: t\n      projected:\n        sources:\n          - serviceAccountToken: {path: token, expirationSeconds: 172800}\n';
    assert.deepEqual(codes(text, facts()), []);
    const f = only(lint(text, facts({ maxTokenSeconds: { seconds: 86400, source: 'provider', provider: 'Azure Kubernetes Service' } })), 'expirationAboveMaximum');
    assert.match(f.message, /expirationSeconds 172800 is above the longest lifetime context "kind" grants, 86400 s \(documented by Azure Kubernetes Service\)/);
    assert.match(applyEdits(text, f.fixes[0].edits), /expirationSeconds: 86400\}/);
    assert.deepEqual(codes(text, facts({ maxTokenSeconds: { seconds: 172800, source: 'clamp' } })), []);
  });
});

describe('binding subjects', () => {
  const binding = (subjectName: string, extra = ''): string => `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read, namespace: demo}
subjects:
  - kind: ServiceAccount
    name: ${subjectName}
${extra}roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
`;
  const sa = (name: string): string => `---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ${name}, namespace: demo}\n`;

  it('without a cluster: flags a near miss of a ServiceAccount the file defines, with a fix', () => {
    const text = binding('ci-deployr') + sa('ci-deployer');
    const f = only(lint(text), 'subjectServiceAccountMissing');
    assert.match(f.message, /No ServiceAccount "ci-deployr" in this file, but "ci-deployer" is: a typo\?/);
    assert.deepEqual(codes(applyEdits(text, f.fixes[0].edits)), []);
    assert.deepEqual(codes(binding('totally-other') + sa('ci-deployer')), [], 'far from anything here: may exist in the cluster');
    assert.deepEqual(codes(binding('ci-deployer') + sa('ci-deployer')), []);
  });

  it('with the cluster: flags a ServiceAccount that exists neither there nor in the file, closest names first', () => {
    const f = facts({ serviceAccounts: new Map([['demo', ['default', 'ci-deployer', 'builder', 'ci-deploy-bot']]]) });
    const text = binding('ci-deployr');
    const finding = only(lint(text, f), 'subjectServiceAccountMissing');
    assert.match(finding.message, /serviceaccounts "ci-deployr" not found: namespace "demo" of context "kind" has no such ServiceAccount, so RoleBinding "read" grants nothing to it/);
    assert.deepEqual(finding.fixes.map((x) => x.title), ['Use the existing ServiceAccount "ci-deployer"', 'Use the existing ServiceAccount "ci-deploy-bot"', 'Use the existing ServiceAccount "builder"', 'Use the existing ServiceAccount "default"']);
    assert.equal(finding.fixes[0].preferred, true);
    assert.deepEqual(codes(binding('builder'), f), []);
    // The subject's own namespace wins over the binding's; an unlisted namespace says nothing.
    assert.deepEqual(codes(binding('ci-deployr', '    namespace: other\n'), f), []);
    const crb = 'kind: ClusterRoleBinding\nmetadata: {name: x}\nsubjects:\n  - {kind: ServiceAccount, name: nope, namespace: demo}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n';
    assert.deepEqual(codes(crb, f), ['subjectServiceAccountMissing']);
  });
});

describe('closest names', () => {
  it('orders by edit distance, then alphabetically, and leaves the name itself out', () => {
    assert.deepEqual(closestNames('ci-deployr', ['zeta', 'ci-deployer', 'ci-deployr', 'alpha', 'ci-deploy']), ['ci-deploy', 'ci-deployer', 'alpha', 'zeta']);
    assert.equal(isLikelyTypo('reader', 'reder'), true);
    assert.equal(isLikelyTypo('ab', 'cd'), false);
  });

  it('is a metric: symmetric, zero only for equal strings, triangle inequality (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (a, b, c) => {
        assert.equal(editDistance(a, b), editDistance(b, a));
        assert.equal(editDistance(a, b) === 0, a === b);
        assert.ok(editDistance(a, c) <= editDistance(a, b) + editDistance(b, c));
        assert.ok(editDistance(a, b) <= Math.max(a.length, b.length));
      }),
      { numRuns: 500 },
    );
  });

  it('returns at most `limit` distinct candidates sorted by distance (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.array(fc.string({ maxLength: 20 }), { maxLength: 30 }), fc.integer({ min: 0, max: 8 }), (name, cands, limit) => {
        const out = closestNames(name, cands, limit);
        assert.ok(out.length <= limit);
        assert.equal(new Set(out).size, out.length);
        assert.ok(!out.includes(name) && !out.includes(''));
        for (let i = 1; i < out.length; i++) assert.ok(editDistance(name, out[i - 1]) <= editDistance(name, out[i]));
      }),
      { numRuns: 500 },
    );
  });
});

describe('when snippets are offered', () => {
  const at = (line: string): string | undefined => snippetTriggerAt(line, line.length)?.typed;

  it('only behind the stem k8s-sa-, never on ordinary words', () => {
    for (const line of ['  name: ci-token', 'kind: RoleBinding', '  serviceAccountName: my-app', 'token', 'secret', 'k8', 'a: role', 'x-k8s-sa-role', 'audience: vault', 'name: rotation-cronjob']) {
      assert.equal(at(line), undefined, line);
    }
    assert.equal(at('k8s'), 'k8s');
    assert.equal(at('  k8s-sa-rot'), 'k8s-sa-rot');
    assert.equal(at('- K8S-SA-'), 'k8s-sa-');
    assert.equal(snippetTriggerAt('k8s-sa-role rest', 11)?.start, 0);
  });

  it('never offers them unless the typed word is a prefix of the stem or starts with it (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.nat(), (line, raw) => {
        const ch = line.length === 0 ? 0 : raw % (line.length + 1);
        const t = snippetTriggerAt(line, ch);
        if (!t) return;
        assert.equal(t.typed, line.slice(t.start, ch).toLowerCase());
        assert.ok(t.typed.length >= 3);
        assert.ok('k8s-sa-'.startsWith(t.typed) || t.typed.startsWith('k8s-sa-'));
      }),
      { numRuns: 2000 },
    );
  });
});
