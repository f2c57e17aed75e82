import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { aggregatedSources, pendingAggregation, selectorMatches } from '../../src/permissions/aggregation';
import { grantsFor, ruleAllows, serviceAccountIdentity, type AccessRequest, type PolicyRule, type RbacBinding, type RbacObjects, type RbacRole } from '../../src/permissions/rbac';
import { describeQuery, parseResource, whoCan, type WhoCanQuery } from '../../src/permissions/whoCan';

const tokenQuery: WhoCanQuery = { verb: 'create', group: '', resource: 'serviceaccounts', subresource: 'token', namespace: 'demo' };

const objects: RbacObjects = {
  roles: [
    { kind: 'Role', name: 'minter', namespace: 'demo', rules: [{ verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] }] },
    { kind: 'Role', name: 'one-sa', namespace: 'demo', rules: [{ verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: ['ci-deployer'] }] },
    { kind: 'Role', name: 'minter', namespace: 'payments', rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] },
  ],
  clusterRoles: [
    { kind: 'ClusterRole', name: 'cluster-admin', rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] },
    { kind: 'ClusterRole', name: 'any-token', rules: [{ verbs: ['create'], apiGroups: [''], resources: ['*/token'] }] },
    { kind: 'ClusterRole', name: 'sa-only', rules: [{ verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts'] }] },
  ],
  roleBindings: [
    { kind: 'RoleBinding', name: 'minter', namespace: 'demo', roleRef: { kind: 'Role', name: 'minter' }, subjects: [{ kind: 'ServiceAccount', name: 'ci-deployer' }, { kind: 'User', name: 'jane' }] },
    { kind: 'RoleBinding', name: 'one-sa', namespace: 'demo', roleRef: { kind: 'Role', name: 'one-sa' }, subjects: [{ kind: 'Group', name: 'system:serviceaccounts:demo' }] },
    { kind: 'RoleBinding', name: 'gone', namespace: 'demo', roleRef: { kind: 'Role', name: 'deleted' }, subjects: [{ kind: 'User', name: 'bob' }] },
    { kind: 'RoleBinding', name: 'minter', namespace: 'payments', roleRef: { kind: 'Role', name: 'minter' }, subjects: [{ kind: 'ServiceAccount', name: 'api', namespace: 'payments' }] },
    { kind: 'RoleBinding', name: 'sa-only', namespace: 'demo', roleRef: { kind: 'ClusterRole', name: 'sa-only' }, subjects: [{ kind: 'Group', name: 'system:authenticated' }] },
  ],
  clusterRoleBindings: [
    { kind: 'ClusterRoleBinding', name: 'cluster-admin', roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'system:masters' }] },
    { kind: 'ClusterRoleBinding', name: 'token-everywhere', roleRef: { kind: 'ClusterRole', name: 'any-token' }, subjects: [{ kind: 'Group', name: 'system:serviceaccounts' }, { kind: 'ServiceAccount', name: 'nowhere' }] },
  ],
};

const line = (p: ReturnType<typeof whoCan>['paths'][number]): string =>
  `${p.subject.kind} ${p.subject.namespace ? `${p.subject.namespace}/` : ''}${p.subject.name} ← ${p.binding.kind} ${p.binding.name}${p.resourceNames ? ` only ${p.resourceNames.join(',')}` : ''}${p.namespace ? ` in ${p.namespace}` : ''}`;

describe('who can: from RBAC objects', () => {
  it('lists ServiceAccounts, users and groups with their binding, role and rule', () => {
    const a = whoCan(objects, tokenQuery);
    assert.deepEqual(a.paths.map(line), [
      'ServiceAccount demo/ci-deployer ← RoleBinding minter in demo',
      'User jane ← RoleBinding minter in demo',
      'Group system:masters ← ClusterRoleBinding cluster-admin',
      'Group system:serviceaccounts ← ClusterRoleBinding token-everywhere',
      'Group system:serviceaccounts:demo ← RoleBinding one-sa only ci-deployer in demo',
    ]);
    const viaWildcard = a.paths.find((p) => p.binding.name === 'token-everywhere');
    assert.deepEqual(viaWildcard?.rule.resources, ['*/token']);
    assert.deepEqual(viaWildcard?.role, { kind: 'ClusterRole', name: 'any-token' });
  });

  it('names a resourceNames rule as limited, and drops it for other names', () => {
    assert.ok(whoCan(objects, { ...tokenQuery, name: 'ci-deployer' }).paths.some((p) => p.binding.name === 'one-sa' && !p.resourceNames));
    assert.ok(!whoCan(objects, { ...tokenQuery, name: 'reader' }).paths.some((p) => p.binding.name === 'one-sa'));
  });

  it('keeps RoleBindings of other namespaces out, unless all namespaces are asked', () => {
    assert.ok(!whoCan(objects, tokenQuery).paths.some((p) => p.subject.name === 'api'));
    const all = whoCan(objects, { ...tokenQuery, namespace: '' });
    assert.ok(all.paths.some((p) => p.subject.name === 'api' && p.namespace === 'payments'));
  });

  it('does not confuse a resource with its subresource', () => {
    assert.ok(!whoCan(objects, tokenQuery).paths.some((p) => p.role.name === 'sa-only'));
    assert.ok(whoCan(objects, { ...tokenQuery, subresource: undefined }).paths.some((p) => p.role.name === 'sa-only'));
  });

  it('reports bindings to missing roles and ServiceAccount subjects that match nobody', () => {
    const a = whoCan(objects, tokenQuery);
    assert.deepEqual(
      a.notes.map((n) => `${n.kind}: ${n.binding} ${n.detail}`),
      ['subjectWithoutNamespace: ClusterRoleBinding token-everywhere nowhere', 'unresolvedRole: RoleBinding demo/gone Role deleted'],
    );
  });

  it('parses and describes the resource a person types', () => {
    assert.deepEqual(parseResource('serviceaccounts/token'), { resource: 'serviceaccounts', group: '', subresource: 'token' });
    assert.deepEqual(parseResource(' deployments.apps/scale '), { resource: 'deployments', group: 'apps', subresource: 'scale' });
    assert.deepEqual(parseResource('roles.rbac.authorization.k8s.io'), { resource: 'roles', group: 'rbac.authorization.k8s.io' });
    assert.equal(parseResource('pods secrets'), undefined);
    assert.equal(parseResource(''), undefined);
    assert.equal(describeQuery({ verb: 'list', group: 'apps', resource: 'deployments' }), 'list deployments.apps');
    assert.equal(describeQuery({ ...tokenQuery, name: 'x' }), 'create serviceaccounts/token "x"');
  });
});

describe('aggregated ClusterRoles', () => {
  const src = (name: string, labels: Record<string, string>, rules: PolicyRule[]): RbacRole => ({ kind: 'ClusterRole', name, labels, rules });
  it('selects by matchLabels and matchExpressions, never itself', () => {
    assert.ok(selectorMatches({ matchLabels: { a: '1' } }, { a: '1', b: '2' }));
    assert.ok(!selectorMatches({ matchLabels: { a: '1' } }, { a: '2' }));
    assert.ok(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }] }, { a: '2' }));
    assert.ok(!selectorMatches({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['2'] }] }, { a: '2' }));
    assert.ok(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['2'] }] }, {}));
    assert.ok(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, { a: '' }));
    assert.ok(!selectorMatches({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, { a: '' }));
    assert.ok(!selectorMatches({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }, { a: '' }));
    const agg: RbacRole = { kind: 'ClusterRole', name: 'admin', labels: { 'x/agg': 'true' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'x/agg': 'true' } }] }, rules: [] };
    const edit = src('edit', { 'x/agg': 'true' }, [{ verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] }]);
    assert.deepEqual(aggregatedSources(agg, [agg, edit, src('other', {}, [])]).map((r) => r.name), ['edit']);
    assert.deepEqual(pendingAggregation(agg, [agg, edit]).map((p) => p.from), ['edit']);
    assert.deepEqual(pendingAggregation({ ...agg, rules: [...edit.rules] }, [agg, edit]), []);
  });
});

// ---- properties ----

const verbArb = fc.constantFrom('get', 'list', 'create', 'delete', '*');
const groupArb = fc.constantFrom('', 'apps', '*');
const resourceArb = fc.constantFrom('pods', 'pods/log', 'secrets', 'serviceaccounts', 'serviceaccounts/token', '*', '*/token', '*/log', 'serviceaccounts/*');
const nameArb = fc.constantFrom('a', 'b', 'ci-deployer');
const ruleArb: fc.Arbitrary<PolicyRule> = fc.record(
  {
    verbs: fc.uniqueArray(verbArb, { maxLength: 3 }),
    apiGroups: fc.uniqueArray(groupArb, { maxLength: 2 }),
    resources: fc.uniqueArray(resourceArb, { maxLength: 3 }),
    resourceNames: fc.uniqueArray(nameArb, { maxLength: 2 }),
  },
  { requiredKeys: ['verbs'] },
);
const requestArb: fc.Arbitrary<AccessRequest> = fc.record({
  verb: fc.constantFrom('get', 'list', 'create', 'delete'),
  group: fc.constantFrom('', 'apps'),
  resource: fc.constantFrom('pods', 'secrets', 'serviceaccounts'),
  subresource: fc.option(fc.constantFrom('log', 'token', ''), { nil: undefined }),
  name: fc.option(nameArb, { nil: undefined }),
  namespace: fc.constant('demo'),
});

/** RuleAllows exactly as evaluation_helpers.go writes it, loop by loop: the reference for the properties. */
function referenceRuleAllows(rule: PolicyRule, r: AccessRequest): boolean {
  const sub = r.subresource ?? '';
  const combined = sub.length > 0 ? `${r.resource}/${sub}` : r.resource;
  const verb = (rule.verbs ?? []).some((v) => v === '*' || v === r.verb);
  const group = (rule.apiGroups ?? []).some((g) => g === '*' || g === r.group);
  const res = (rule.resources ?? []).some((x) => x === '*' || x === combined || (sub.length > 0 && x.length === sub.length + 2 && x.startsWith('*/') && x.endsWith(sub)));
  const name = !(rule.resourceNames ?? []).length || (rule.resourceNames ?? []).includes(r.name ?? '');
  return verb && group && res && name;
}

describe('RBAC rule matching: properties', () => {
  it('agrees with the reference RuleAllows on every rule and request', () => {
    fc.assert(fc.property(ruleArb, requestArb, (rule, req) => ruleAllows(rule, req) === referenceRuleAllows(rule, req)));
  });

  it('a * in verbs, apiGroups or resources allows everything the explicit list allows', () => {
    fc.assert(
      fc.property(ruleArb, requestArb, fc.constantFrom('verbs', 'apiGroups', 'resources'), (rule, req, field) => {
        fc.pre(ruleAllows(rule, req));
        return ruleAllows({ ...rule, [field]: ['*'] }, req);
      }),
    );
  });

  it('dropping resourceNames never turns an allow into a deny, and a rule without them ignores the name', () => {
    fc.assert(
      fc.property(ruleArb, requestArb, nameArb, (rule, req, other) => {
        const open = { ...rule, resourceNames: undefined };
        if (ruleAllows(rule, req) && !ruleAllows(open, req)) return false;
        return ruleAllows(open, req) === ruleAllows(open, { ...req, name: other });
      }),
    );
  });

  it('a rule naming only the parent resource never allows a subresource, and */sub never the parent', () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        fc.pre(!!req.subresource);
        const parent = ruleAllows({ verbs: ['*'], apiGroups: ['*'], resources: [req.resource] }, req);
        const anySub = ruleAllows({ verbs: ['*'], apiGroups: ['*'], resources: [`*/${req.subresource}`] }, { ...req, subresource: undefined });
        return !parent && !anySub;
      }),
    );
  });
});

const subjectArb = fc.oneof(
  fc.record({ kind: fc.constant('ServiceAccount'), name: fc.constantFrom('ci-deployer', 'reader'), namespace: fc.option(fc.constantFrom('demo', 'payments'), { nil: undefined }) }),
  fc.record({ kind: fc.constant('Group'), name: fc.constantFrom('system:serviceaccounts', 'system:serviceaccounts:demo', 'system:serviceaccounts:payments', 'system:authenticated', 'ops') }),
  fc.record({ kind: fc.constant('User'), name: fc.constantFrom('system:serviceaccount:demo:ci-deployer', 'jane') }),
);
const roleNameArb = fc.constantFrom('r1', 'r2', 'r3');
const objectsArb: fc.Arbitrary<RbacObjects> = fc
  .record({
    roles: fc.array(fc.record({ name: roleNameArb, namespace: fc.constantFrom('demo', 'payments'), rules: fc.array(ruleArb, { maxLength: 3 }) }), { maxLength: 4 }),
    clusterRoles: fc.array(fc.record({ name: roleNameArb, rules: fc.array(ruleArb, { maxLength: 3 }) }), { maxLength: 3 }),
    roleBindings: fc.array(
      fc.record({ name: fc.constantFrom('b1', 'b2'), namespace: fc.constantFrom('demo', 'payments'), roleKind: fc.constantFrom('Role', 'ClusterRole'), role: roleNameArb, subjects: fc.array(subjectArb, { maxLength: 3 }) }),
      { maxLength: 4 },
    ),
    clusterRoleBindings: fc.array(fc.record({ name: fc.constantFrom('c1', 'c2'), role: roleNameArb, subjects: fc.array(subjectArb, { maxLength: 3 }) }), { maxLength: 3 }),
  })
  .map((o) => ({
    roles: o.roles.map((r) => ({ kind: 'Role' as const, ...r })),
    clusterRoles: o.clusterRoles.map((r) => ({ kind: 'ClusterRole' as const, ...r })),
    roleBindings: o.roleBindings.map((b): RbacBinding => ({ kind: 'RoleBinding', name: b.name, namespace: b.namespace, roleRef: { kind: b.roleKind, name: b.role }, subjects: b.subjects })),
    clusterRoleBindings: o.clusterRoleBindings.map((b): RbacBinding => ({ kind: 'ClusterRoleBinding', name: b.name, roleRef: { kind: 'ClusterRole', name: b.role }, subjects: b.subjects })),
  }));

describe('who can: properties', () => {
  it('names the ServiceAccount (or one of its groups) exactly when the authorizer evaluation allows it', () => {
    const who = serviceAccountIdentity('demo', 'ci-deployer');
    fc.assert(
      fc.property(objectsArb, requestArb, (objs, req) => {
        const q: WhoCanQuery = { verb: req.verb, group: req.group, resource: req.resource, subresource: req.subresource || undefined, name: req.name, namespace: 'demo' };
        const allowed = grantsFor(objs, who, { ...req, subresource: req.subresource || undefined }).length > 0;
        const named = whoCan(objs, q).paths.some(
          (p) =>
            !p.resourceNames &&
            ((p.subject.kind === 'ServiceAccount' && p.subject.namespace === 'demo' && p.subject.name === 'ci-deployer') ||
              (p.subject.kind === 'User' && p.subject.name === who.user) ||
              (p.subject.kind === 'Group' && who.groups.includes(p.subject.name))),
        );
        return allowed === named;
      }),
      { numRuns: 500 },
    );
  });
});
