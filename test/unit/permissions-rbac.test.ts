import * as assert from 'node:assert/strict';
import {
  applicableRoles,
  describeGrant,
  grantsFor,
  parseReason,
  reasonOf,
  ruleAllows,
  serviceAccountIdentity,
  type AccessRequest,
  type RbacObjects,
} from '../../src/permissions/rbac';

const ciDeployer = serviceAccountIdentity('demo', 'ci-deployer');

/** The demo seed of the test server, plus a few bindings that must NOT apply. */
const demoRbac: RbacObjects = {
  roles: [
    {
      kind: 'Role',
      name: 'ci-deployer',
      namespace: 'demo',
      rules: [
        { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] },
        { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['serviceaccounts', 'pods', 'configmaps'] },
        { verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], apiGroups: ['apps'], resources: ['deployments'] },
      ],
    },
    { kind: 'Role', name: 'ci-deployer', namespace: 'payments', rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] },
    { kind: 'Role', name: 'secret-reader', namespace: 'demo', rules: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['ci-config'] }] },
  ],
  clusterRoles: [
    { kind: 'ClusterRole', name: 'view', rules: [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'pods/log', 'configmaps'] }] },
    { kind: 'ClusterRole', name: 'system:basic-user', rules: [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] }] },
    { kind: 'ClusterRole', name: 'log-reader', rules: [{ verbs: ['get'], apiGroups: [''], resources: ['*/log'] }] },
  ],
  roleBindings: [
    { kind: 'RoleBinding', name: 'ci-deployer', namespace: 'demo', roleRef: { kind: 'Role', name: 'ci-deployer' }, subjects: [{ kind: 'ServiceAccount', name: 'ci-deployer', namespace: 'demo' }] },
    // Same Role name in another namespace: must not apply in demo.
    { kind: 'RoleBinding', name: 'ci-deployer', namespace: 'payments', roleRef: { kind: 'Role', name: 'ci-deployer' }, subjects: [{ kind: 'ServiceAccount', name: 'ci-deployer', namespace: 'demo' }] },
    // A ServiceAccount subject without namespace means the binding's namespace.
    { kind: 'RoleBinding', name: 'secret-reader', namespace: 'demo', roleRef: { kind: 'Role', name: 'secret-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'ci-deployer' }] },
    { kind: 'RoleBinding', name: 'jane-view', namespace: 'demo', roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'jane' }] },
    { kind: 'RoleBinding', name: 'all-sa-view', namespace: 'demo', roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'system:serviceaccounts:demo' }] },
    { kind: 'RoleBinding', name: 'dangling', namespace: 'demo', roleRef: { kind: 'Role', name: 'gone' }, subjects: [{ kind: 'ServiceAccount', name: 'ci-deployer', namespace: 'demo' }] },
  ],
  clusterRoleBindings: [
    { kind: 'ClusterRoleBinding', name: 'system:basic-user', roleRef: { kind: 'ClusterRole', name: 'system:basic-user' }, subjects: [{ kind: 'Group', name: 'system:authenticated' }] },
    { kind: 'ClusterRoleBinding', name: 'logs', roleRef: { kind: 'ClusterRole', name: 'log-reader' }, subjects: [{ kind: 'User', name: 'system:serviceaccount:demo:ci-deployer' }] },
    // A ClusterRoleBinding to a Role is never honoured.
    { kind: 'ClusterRoleBinding', name: 'bogus', roleRef: { kind: 'Role', name: 'ci-deployer' }, subjects: [{ kind: 'ServiceAccount', name: 'ci-deployer', namespace: 'demo' }] },
  ],
};

const req = (verb: string, resource: string, extra: Partial<AccessRequest> = {}): AccessRequest => ({ verb, group: '', resource, namespace: 'demo', ...extra });

describe('RBAC evaluation: rules', () => {
  it('matches verbs, groups and resources exactly or by *', () => {
    const rule = { verbs: ['get', 'list'], apiGroups: ['apps'], resources: ['deployments'] };
    assert.ok(ruleAllows(rule, req('get', 'deployments', { group: 'apps' })));
    assert.ok(!ruleAllows(rule, req('delete', 'deployments', { group: 'apps' })));
    assert.ok(!ruleAllows(rule, req('get', 'deployments')), 'core group is not apps');
    assert.ok(ruleAllows({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, req('escalate', 'roles', { group: 'rbac.authorization.k8s.io' })));
  });

  it('treats subresources as separate resources, with */sub matching any parent', () => {
    assert.ok(ruleAllows({ verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] }, req('create', 'serviceaccounts', { subresource: 'token' })));
    assert.ok(!ruleAllows({ verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts'] }, req('create', 'serviceaccounts', { subresource: 'token' })));
    assert.ok(!ruleAllows({ verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] }, req('create', 'serviceaccounts')));
    assert.ok(ruleAllows({ verbs: ['get'], apiGroups: [''], resources: ['*/log'] }, req('get', 'pods', { subresource: 'log' })));
    assert.ok(!ruleAllows({ verbs: ['get'], apiGroups: [''], resources: ['*/log'] }, req('get', 'pods')));
  });

  it('honours resourceNames only for requests that name the object', () => {
    const rule = { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['ci-config'] };
    assert.ok(ruleAllows(rule, req('get', 'secrets', { name: 'ci-config' })));
    assert.ok(!ruleAllows(rule, req('get', 'secrets', { name: 'other' })));
    assert.ok(!ruleAllows(rule, req('get', 'secrets')), 'a list-like request without a name is not covered');
  });
});

describe('RBAC evaluation: bindings', () => {
  it('finds the roles that apply to a ServiceAccount in a namespace, ClusterRoleBindings first', () => {
    const names = applicableRoles(demoRbac, ciDeployer, 'demo').map((r) => `${r.grant.bindingKind}/${r.grant.bindingName}`);
    assert.deepEqual(names, [
      'ClusterRoleBinding/system:basic-user',
      'ClusterRoleBinding/logs',
      'RoleBinding/ci-deployer',
      'RoleBinding/secret-reader',
      'RoleBinding/all-sa-view',
      'RoleBinding/dangling',
    ]);
    assert.equal(applicableRoles(demoRbac, ciDeployer, 'demo').find((r) => r.grant.bindingName === 'dangling')?.rules, undefined);
  });

  it('names the binding that grants create serviceaccounts/token, as the RBAC reason does', () => {
    const grants = grantsFor(demoRbac, ciDeployer, req('create', 'serviceaccounts', { subresource: 'token' }));
    assert.equal(grants.length, 1);
    assert.equal(reasonOf(grants[0]), 'RBAC: allowed by RoleBinding "ci-deployer/demo" of Role "ci-deployer" to ServiceAccount "ci-deployer/demo"');
    assert.equal(describeGrant(grants[0]), 'RoleBinding demo/ci-deployer → Role ci-deployer (ServiceAccount demo/ci-deployer)');
  });

  it('writes a ServiceAccount subject as namespace/name, also when the reason came from the server (issue 12 #4)', () => {
    // kube-apiserver writes `ServiceAccount "name/namespace"` in its reason; people read namespace/name.
    const fromServer = parseReason('RBAC: allowed by RoleBinding "deploy/payments" of ClusterRole "edit" to ServiceAccount "ci-deployer/demo"');
    assert.ok(fromServer);
    assert.deepEqual(fromServer.subject, { kind: 'ServiceAccount', name: 'ci-deployer', namespace: 'demo' });
    assert.equal(describeGrant(fromServer), 'RoleBinding payments/deploy → ClusterRole edit (ServiceAccount demo/ci-deployer)');
    const payments = grantsFor(demoRbac, ciDeployer, req('delete', 'secrets', { namespace: 'payments' }));
    assert.equal(describeGrant(payments[0]), 'RoleBinding payments/ci-deployer → Role ci-deployer (ServiceAccount demo/ci-deployer)');
    assert.equal(describeGrant(grantsFor(demoRbac, ciDeployer, req('list', 'pods'))[1]), 'RoleBinding demo/all-sa-view → ClusterRole view (Group system:serviceaccounts:demo)');
  });

  it('lists every granting binding, the first being the one the authorizer would name', () => {
    const grants = grantsFor(demoRbac, ciDeployer, req('list', 'pods'));
    assert.deepEqual(
      grants.map(reasonOf),
      [
        'RBAC: allowed by RoleBinding "ci-deployer/demo" of Role "ci-deployer" to ServiceAccount "ci-deployer/demo"',
        'RBAC: allowed by RoleBinding "all-sa-view/demo" of ClusterRole "view" to Group "system:serviceaccounts:demo"',
      ],
    );
    assert.equal(reasonOf(grantsFor(demoRbac, ciDeployer, req('get', 'pods', { subresource: 'log' }))[0]), 'RBAC: allowed by ClusterRoleBinding "logs" of ClusterRole "log-reader" to User "system:serviceaccount:demo:ci-deployer"');
  });

  it('grants nothing outside the binding namespace or to other subjects', () => {
    assert.deepEqual(grantsFor(demoRbac, ciDeployer, req('delete', 'secrets', { namespace: 'payments' })).length, 1, 'payments RoleBinding grants * there');
    assert.deepEqual(grantsFor(demoRbac, ciDeployer, req('delete', 'secrets')), []);
    assert.deepEqual(grantsFor(demoRbac, serviceAccountIdentity('demo', 'reader'), req('create', 'serviceaccounts', { subresource: 'token' })), []);
    assert.deepEqual(grantsFor(demoRbac, serviceAccountIdentity('payments', 'api'), req('list', 'pods')), []);
    // Cluster-wide request: only ClusterRoleBindings count.
    assert.deepEqual(grantsFor(demoRbac, ciDeployer, { verb: 'list', group: '', resource: 'pods' }), []);
  });
});

describe('RBAC evaluation: reasons', () => {
  it('parses the reasons kube-apiserver writes', () => {
    assert.deepEqual(parseReason('RBAC: allowed by RoleBinding "ci-deployer/demo" of Role "ci-deployer" to ServiceAccount "ci-deployer/demo"'), {
      bindingKind: 'RoleBinding',
      bindingName: 'ci-deployer',
      bindingNamespace: 'demo',
      roleKind: 'Role',
      roleName: 'ci-deployer',
      subject: { kind: 'ServiceAccount', name: 'ci-deployer', namespace: 'demo' },
    });
    assert.deepEqual(parseReason('RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"'), {
      bindingKind: 'ClusterRoleBinding',
      bindingName: 'system:basic-user',
      bindingNamespace: undefined,
      roleKind: 'ClusterRole',
      roleName: 'system:basic-user',
      subject: { kind: 'Group', name: 'system:authenticated' },
    });
  });

  it('round-trips every grant through its reason, and ignores other texts', () => {
    for (const r of applicableRoles(demoRbac, ciDeployer, 'demo')) assert.deepEqual(parseReason(reasonOf(r.grant)), r.grant);
    assert.equal(parseReason(''), undefined);
    assert.equal(parseReason(undefined), undefined);
    assert.equal(parseReason('allowed by a webhook'), undefined);
  });
});
