/**
 * Apply's pure parts: the apply order, what an object needs from the same manifest, and how refusals
 * of kube-apiserver are read. The messages are the ones kube-apiserver v1.37.2 sent (realcluster),
 * copied verbatim; the parsers are also fed adversarial text (fast-check).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { KubeError, errorFromResponse } from '../../src/errors/kubeError';
import { describeRule, explainApplyFailure, parseConflicts, parseEscalation } from '../../src/scaffold/applyErrors';
import { APPLY_ORDER, dependenciesOf, inApplyOrder, missingDependency, subjectServiceAccounts } from '../../src/scaffold/applyPlan';
import type { ManifestObjectLike } from '../../src/scaffold/manifestDocuments';

const rbac = 'rbac.authorization.k8s.io';
const obj = (kind: string, name: string, extra: Record<string, unknown> = {}, namespace?: string): ManifestObjectLike => ({
  apiVersion: kind.includes('Role') ? `${rbac}/v1` : 'v1',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  ...extra,
});
const binding = (name: string, roleKind: string, role: string, namespace?: string): ManifestObjectLike =>
  obj('RoleBinding', name, { roleRef: { apiGroup: rbac, kind: roleKind, name: role }, subjects: [{ kind: 'ServiceAccount', name: 'bot' }] }, namespace);

// Verbatim from kube-apiserver v1.37.2: team-a-admin (ClusterRole admin in team-a) creating a Role.
const ESCALATION_ROLE = JSON.stringify({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message:
    'roles.rbac.authorization.k8s.io "esc-role" is forbidden: user "team-a-admin" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["get" "list"]}\n{APIGroups:["rbac.authorization.k8s.io"], Resources:["clusterroles"], Verbs:["escalate"]}',
  reason: 'Forbidden',
  details: { name: 'esc-role', group: rbac, kind: 'roles' },
  code: 403,
});
const ESCALATION_BINDING =
  'rolebindings.rbac.authorization.k8s.io "bot-rb" is forbidden: user "team-a-admin" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}';
const ROLEREF_NOT_FOUND = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'rolebindings.rbac.authorization.k8s.io "bot-role" not found', reason: 'NotFound', details: { name: 'bot-role', group: rbac, kind: 'rolebindings' }, code: 404 });
const CONFLICT = JSON.stringify({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message: 'Apply failed with 1 conflict: conflict with "kubectl-create" using rbac.authorization.k8s.io/v1: .rules',
  reason: 'Conflict',
  details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-create" using rbac.authorization.k8s.io/v1', field: '.rules' }] },
  code: 409,
});

describe('scaffold: apply order and dependencies', () => {
  it('sends what others need first, as helm installs (Namespace, ServiceAccount, roles, bindings, workloads), unknown kinds last, stable', () => {
    const docs = ['Deployment', 'RoleBinding', 'Widget', 'Role', 'ServiceAccount', 'ClusterRoleBinding', 'ClusterRole', 'Namespace', 'Pod', 'ConfigMap'].map((kind, index) => ({ index, object: obj(kind, `n${index}`) }));
    assert.deepEqual(inApplyOrder(docs).map((d) => d.object.kind), ['Namespace', 'ServiceAccount', 'ConfigMap', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Pod', 'Deployment', 'Widget']);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...APPLY_ORDER.slice(0, 12), 'Widget', 'Gadget'), { maxLength: 30 }), (kinds) => {
        const sorted = inApplyOrder(kinds.map((kind, index) => ({ index, object: obj(kind, `n${index}`) })));
        const rank = (k: string): number => (APPLY_ORDER.includes(k) ? APPLY_ORDER.indexOf(k) : APPLY_ORDER.length);
        return sorted.length === kinds.length && sorted.every((d, i) => i === 0 || rank(sorted[i - 1].object.kind) < rank(d.object.kind) || (rank(sorted[i - 1].object.kind) === rank(d.object.kind) && sorted[i - 1].index < d.index));
      }),
    );
  });

  it('names what an object needs: its namespace, a binding’s role, a Pod’s ServiceAccount (default when unnamed)', () => {
    assert.deepEqual(dependenciesOf(binding('rb', 'Role', 'r'), 'team-a'), [{ kind: 'Namespace', name: 'team-a' }, { kind: 'Role', name: 'r', namespace: 'team-a' }]);
    assert.deepEqual(dependenciesOf(obj('ClusterRoleBinding', 'crb', { roleRef: { kind: 'ClusterRole', name: 'view' } }), undefined), [{ kind: 'ClusterRole', name: 'view' }]);
    assert.deepEqual(dependenciesOf(obj('Pod', 'p', { spec: {} }), 'demo'), [{ kind: 'Namespace', name: 'demo' }, { kind: 'ServiceAccount', name: 'default', namespace: 'demo' }]);
  });

  it('recognises the real refusals caused by a dependency that a dry run only pretended to create', () => {
    const rb = binding('bot-rb', 'Role', 'bot-role');
    const notFound = errorFromResponse(404, ROLEREF_NOT_FOUND);
    assert.deepEqual(missingDependency(rb, 'team-a', { kind: notFound.kind, message: notFound.message, details: notFound.body?.details }), { kind: 'Role', name: 'bot-role', namespace: 'team-a' });
    // plugin/pkg/admission/serviceaccount: the Pod's ServiceAccount is looked up at admission.
    const pod = obj('Pod', 'p1', { spec: { serviceAccountName: 'bot' } });
    const saMessage = 'pods "p1" is forbidden: error looking up service account team-a/bot: serviceaccount "bot" not found';
    assert.deepEqual(missingDependency(pod, 'team-a', { kind: 'forbidden', message: saMessage }), { kind: 'ServiceAccount', name: 'bot', namespace: 'team-a' });
    assert.deepEqual(missingDependency(obj('ConfigMap', 'c'), 'new-ns', { kind: 'notFound', message: 'namespaces "new-ns" not found', details: { name: 'new-ns', kind: 'namespaces' } }), { kind: 'Namespace', name: 'new-ns' });
    // Another role's absence, or an unrelated 404, is not this binding's dependency.
    assert.equal(missingDependency(rb, 'team-a', { kind: 'notFound', message: 'x', details: { name: 'other' } }), undefined);
    assert.equal(missingDependency(rb, 'team-a', { kind: 'forbidden', message: ESCALATION_BINDING }), undefined);
  });

  it('lists every ServiceAccount subject once, in the binding’s namespace when the subject names none', () => {
    const objects = [
      obj('RoleBinding', 'a', { subjects: [{ kind: 'ServiceAccount', name: 'bot' }, { kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'ci', namespace: 'other' }] }, 'team-a'),
      obj('ClusterRoleBinding', 'b', { subjects: [{ kind: 'ServiceAccount', name: 'bot', namespace: 'team-a' }, { kind: 'ServiceAccount', name: 7 }] }),
    ];
    assert.deepEqual(subjectServiceAccounts(objects, 'default').map((s) => `${s.namespace}/${s.name} by ${s.binding.kind} ${s.binding.name}`), ['team-a/bot by RoleBinding a', 'other/ci by RoleBinding a']);
  });
});

describe('scaffold: reading apply refusals', () => {
  it('parses the rules of a real escalation refusal and explains them with the way out', () => {
    const e = errorFromResponse(403, ESCALATION_ROLE);
    const esc = parseEscalation(e.message);
    assert.deepEqual(esc, {
      user: 'team-a-admin',
      rules: [
        { apiGroups: [''], resources: ['nodes'], nonResourceURLs: [], resourceNames: [], verbs: ['get', 'list'] },
        { apiGroups: [rbac], resources: ['clusterroles'], nonResourceURLs: [], resourceNames: [], verbs: ['escalate'] },
      ],
    });
    const role = explainApplyFailure(e, 'Role');
    assert.equal(
      role.message,
      'You (team-a-admin) may not create a role that grants permissions you do not hold. Missing: get, list nodes; escalate clusterroles (API group rbac.authorization.k8s.io). Ask a cluster admin to apply it, to give you these permissions, or to allow you to create roles with any rules (verb "escalate" on roles).',
    );
    const bind = explainApplyFailure(new KubeError({ kind: 'forbidden', status: 403, message: ESCALATION_BINDING }), 'RoleBinding', { kind: 'ClusterRole', name: 'cluster-admin' });
    assert.match(bind.message, /^You \(team-a-admin\) may not bind a role that grants permissions you do not hold\. Missing: all verbs on all resources \(all API groups\); all verbs on all non-resource URLs\. .*verb "bind" on clusterroles/);
    assert.equal(describeRule({ apiGroups: ['apps'], resources: ['deployments'], nonResourceURLs: [], resourceNames: ['web', 'api'], verbs: ['patch'] }), 'patch deployments named web, api (API group apps)');
  });

  it('parses Go-quoted values with escapes, and a refusal followed by resolution errors', () => {
    const m = 'user "a\\"b" (groups=["g"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["x\\"y"], Verbs:["get"]}; resolution errors: [role.rbac "gone" not found]';
    assert.deepEqual(parseEscalation(m), { user: 'a"b', rules: [{ apiGroups: [''], resources: ['x"y'], nonResourceURLs: [], resourceNames: [], verbs: ['get'] }] });
  });

  it('never throws on any message, and finds no escalation where there is none', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => parseEscalation(s) === undefined || s.includes('is attempting to grant RBAC permissions not currently held')));
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('{', '}', '[', ']', '"', '\\', ' ', ':', 'Verbs', 'APIGroups', '\n'), fc.string({ maxLength: 4 })), { maxLength: 80 }), (parts) => {
        const r = parseEscalation(`user "u" (groups=[]) is attempting to grant RBAC permissions not currently held:\n${parts.join('')}`);
        return r === undefined || r.rules.every((rule) => rule.verbs.length > 0);
      }),
    );
  });

  it('reads server-side apply conflicts (manager and field) and explains them', () => {
    const e = errorFromResponse(409, CONFLICT);
    assert.deepEqual(parseConflicts(e.body), [{ manager: 'kubectl-create', field: '.rules' }]);
    assert.deepEqual(parseConflicts({ details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "helm" with subresource "status" using v1 at 2026-01-02T03:04:05Z', field: '.status' }, { reason: 'FieldValueInvalid', message: 'x' }] } }), [{ manager: 'helm', field: '.status' }]);
    const explained = explainApplyFailure(e, 'Role');
    assert.deepEqual(explained.conflicts, [{ manager: 'kubectl-create', field: '.rules' }]);
    assert.match(explained.message, /^Fields managed by another field manager: "kubectl-create" manages \.rules\./);
  });

  it('names the role a binding refers to when the server’s 404 calls it a rolebinding', () => {
    const e = errorFromResponse(404, ROLEREF_NOT_FOUND);
    assert.equal(explainApplyFailure(e, 'RoleBinding', { kind: 'Role', name: 'bot-role' }).message, 'Role bot-role, which this binding refers to, does not exist.');
  });
});
