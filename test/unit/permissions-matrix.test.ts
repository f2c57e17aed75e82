import * as assert from 'node:assert/strict';
import { parse } from 'yaml';
import { toMarkdown, toYaml } from '../../src/permissions/export';
import { mdText } from '../../src/text/tableText';
import {
  allowedCells,
  cellsFromAccessReviews,
  cellsFromRules,
  isAllowed,
  STANDARD_RESOURCES,
  STANDARD_VERBS,
  type PermissionMatrix,
} from '../../src/permissions/matrix';
import { grantsFor, parseReason, serviceAccountIdentity, type GrantRef, type RbacObjects } from '../../src/permissions/rbac';

const ciRules = [
  { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] },
  { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['serviceaccounts', 'pods', 'configmaps'] },
  { verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], apiGroups: ['apps'], resources: ['deployments'] },
];
const rbac: RbacObjects = {
  roles: [{ kind: 'Role', name: 'ci-deployer', namespace: 'demo', rules: ciRules }],
  clusterRoles: [],
  roleBindings: [{ kind: 'RoleBinding', name: 'ci-deployer', namespace: 'demo', roleRef: { kind: 'Role', name: 'ci-deployer' }, subjects: [{ kind: 'ServiceAccount', name: 'ci-deployer', namespace: 'demo' }] }],
  clusterRoleBindings: [],
};
const who = serviceAccountIdentity('demo', 'ci-deployer');
const grant: GrantRef = { bindingKind: 'RoleBinding', bindingName: 'ci-deployer', bindingNamespace: 'demo', roleKind: 'Role', roleName: 'ci-deployer', subject: { kind: 'ServiceAccount', name: 'ci-deployer', namespace: 'demo' } };

function matrixOf(cells: Pick<PermissionMatrix, 'verbs' | 'rows' | 'nonResource'>, extra: Partial<PermissionMatrix> = {}): PermissionMatrix {
  return {
    context: 'test-admin',
    serviceAccount: { namespace: 'demo', name: 'ci-deployer' },
    namespace: 'demo',
    method: 'rulesReview',
    fallbacks: [],
    notes: [],
    incomplete: false,
    generatedAt: '2026-03-14T12:00:00.000Z',
    ...cells,
    ...extra,
  };
}

describe('permissions matrix from rules', () => {
  const cells = cellsFromRules({ resourceRules: ciRules, nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*'] }] }, 'demo', (req) => grantsFor(rbac, who, req));

  it('has a row per named resource and the standard verbs as columns', () => {
    assert.deepEqual(
      cells.rows.map((r) => `${r.group}/${r.resource}`),
      ['/configmaps', '/pods', '/serviceaccounts', '/serviceaccounts/token', 'apps/deployments'],
    );
    assert.deepEqual(cells.verbs, STANDARD_VERBS);
    assert.deepEqual(cells.nonResource, [{ verbs: ['get'], urls: ['/api', '/api/*'] }]);
  });

  it('allows exactly what the rules say, each allowed cell with its binding', () => {
    const m = matrixOf(cells);
    assert.ok(isAllowed(m, 'create', 'serviceaccounts/token'));
    assert.ok(!isAllowed(m, 'get', 'serviceaccounts/token'));
    assert.ok(!isAllowed(m, 'create', 'serviceaccounts'));
    assert.ok(isAllowed(m, 'delete', 'deployments', 'apps'));
    assert.ok(!isAllowed(m, 'delete', 'deployments'));
    const allowed = allowedCells(m);
    assert.equal(allowed.length, 1 + 9 + 7);
    for (const c of allowed) assert.deepEqual(c.grants, [grant], `${c.verb} ${c.resource}`);
    const denied = m.rows.flatMap((r) => Object.values(r.cells)).filter((c) => !c.allowed);
    assert.ok(denied.every((c) => c.grants.length === 0));
  });

  it('lets wildcard rules cover named rows and keeps * as its own row; extra verbs get columns', () => {
    const c = cellsFromRules(
      {
        resourceRules: [
          { verbs: ['*'], apiGroups: ['apps'], resources: ['*'] },
          { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] },
          { verbs: ['impersonate'], apiGroups: [''], resources: ['serviceaccounts'] },
        ],
        nonResourceRules: [],
      },
      'demo',
      () => [],
    );
    assert.deepEqual(
      c.rows.map((r) => `${r.group}/${r.resource}`),
      ['/serviceaccounts', 'apps/*', 'apps/deployments'],
    );
    assert.deepEqual(c.verbs, [...STANDARD_VERBS, 'impersonate']);
    const deployments = c.rows[2];
    assert.ok(STANDARD_VERBS.every((v) => deployments.cells[v].allowed), 'apps/* covers deployments for every verb');
    assert.ok(c.rows[0].cells.impersonate.allowed && !c.rows[0].cells.get.allowed);
  });

  it('marks cells limited to resourceNames', () => {
    const c = cellsFromRules(
      {
        resourceRules: [
          { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['b', 'a'] },
          { verbs: ['get', 'update'], apiGroups: [''], resources: ['secrets'], resourceNames: ['c'] },
          { verbs: ['list'], apiGroups: [''], resources: ['secrets'] },
        ],
        nonResourceRules: [],
      },
      'demo',
      () => [],
    );
    const secrets = c.rows[0];
    assert.deepEqual(secrets.cells.get, { allowed: true, resourceNames: ['a', 'b', 'c'], grants: [] });
    assert.deepEqual(secrets.cells.update.resourceNames, ['c']);
    assert.deepEqual(secrets.cells.list, { allowed: true, resourceNames: undefined, grants: [] });
    assert.equal(secrets.cells.delete.allowed, false);
  });
});

describe('permissions matrix from SubjectAccessReviews', () => {
  it('has the standard resources as rows and cells only for the verbs checked', () => {
    const tokenCheck = STANDARD_RESOURCES.find((c) => c.subresource === 'token');
    const podsCheck = STANDARD_RESOURCES.find((c) => c.resource === 'pods' && !c.subresource);
    assert.ok(tokenCheck && podsCheck);
    const reason = 'RBAC: allowed by RoleBinding "ci-deployer/demo" of Role "ci-deployer" to ServiceAccount "ci-deployer/demo"';
    const c = cellsFromAccessReviews([
      { check: tokenCheck, verb: 'create', allowed: true, grant: parseReason(reason) },
      { check: podsCheck, verb: 'get', allowed: true, grant: undefined },
      { check: podsCheck, verb: 'delete', allowed: false },
    ]);
    assert.equal(c.rows.length, STANDARD_RESOURCES.length);
    const tokenRow = c.rows.find((r) => r.resource === 'serviceaccounts/token');
    assert.deepEqual(tokenRow?.cells, { create: { allowed: true, grants: [grant] } });
    const pods = c.rows.find((r) => r.resource === 'pods');
    assert.deepEqual(pods?.cells.get, { allowed: true, grants: [] });
    assert.equal(pods?.cells.delete.allowed, false);
    assert.equal(pods?.cells.list, undefined, 'not checked');
    assert.deepEqual(allowedCells(matrixOf(c)).map((x) => `${x.verb} ${x.resource}`), ['get pods', 'create serviceaccounts/token']);
  });
});

describe('permissions export', () => {
  const m = matrixOf(cellsFromRules({ resourceRules: ciRules, nonResourceRules: [] }, 'demo', (req) => grantsFor(rbac, who, req)), {
    fallbacks: ['SelfSubjectRulesReview as the ServiceAccount was refused: you may not impersonate serviceaccounts in namespace "demo".'],
  });

  it('writes a Markdown table with one line per row and the granting bindings', () => {
    const md = toMarkdown(m);
    const lines = md.split('\n');
    assert.equal(lines[0], '# Permissions of ServiceAccount demo/ci-deployer');
    const header = lines.find((l) => l.startsWith('| Resource'));
    assert.equal(header, '| Resource | API group | get | list | watch | create | update | patch | delete |');
    // Denied (✗) and not checked (–) read differently (issue 12).
    assert.ok(lines.includes('| serviceaccounts/token | core | ✗ | ✗ | ✗ | ✓ | ✗ | ✗ | ✗ |'), md);
    assert.ok(lines.includes('| deployments | apps | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |'), md);
    assert.ok(md.includes('- **serviceaccounts/token (core)**: create ← RoleBinding demo/ci-deployer → Role ci-deployer (ServiceAccount demo/ci-deployer)'), md);
    assert.ok(md.includes('> SelfSubjectRulesReview as the ServiceAccount was refused'));
  });

  it('escapes Markdown in names from the cluster', () => {
    assert.equal(mdText('a|b*c_[x](y)<z>`'), 'a\\|b\\*c\\_\\[x\\](y)\\<z\\>\\`');
    const hostile = matrixOf({ verbs: ['get'], rows: [{ group: 'x.io', resource: 'evil|<img src=x>', cells: { get: { allowed: true, grants: [] } } }], nonResource: [] });
    const row = toMarkdown(hostile)
      .split('\n')
      .find((l) => l.includes('evil'));
    assert.equal(row, '| evil\\|\\<img src=x\\> | x.io | ✓ |');
  });

  it('writes YAML that reads back to the same permissions', () => {
    const doc = parse(toYaml(m)) as {
      kind: string;
      serviceAccount: { namespace: string; name: string };
      method: string;
      fallbacks: string[];
      resources: { apiGroup: string; resource: string; allowed: string[]; denied: string[]; grantedBy: Record<string, string[]> }[];
    };
    assert.equal(doc.kind, 'ServiceAccountPermissions');
    assert.deepEqual(doc.serviceAccount, { namespace: 'demo', name: 'ci-deployer' });
    assert.equal(doc.method, 'rulesReview');
    assert.equal(doc.fallbacks.length, 1);
    const token = doc.resources.find((r) => r.resource === 'serviceaccounts/token');
    assert.deepEqual(token, {
      apiGroup: '',
      resource: 'serviceaccounts/token',
      allowed: ['create'],
      denied: ['get', 'list', 'watch', 'update', 'patch', 'delete'],
      grantedBy: { create: ['RoleBinding demo/ci-deployer → Role ci-deployer (ServiceAccount demo/ci-deployer)'] },
    });
    assert.equal(doc.resources.length, 5);
  });

  it('says so when there is nothing', () => {
    const empty = matrixOf({ verbs: STANDARD_VERBS, rows: [], nonResource: [] });
    assert.match(toMarkdown(empty), /No resource permissions\./);
    assert.deepEqual((parse(toYaml(empty)) as { resources: unknown[] }).resources, []);
  });
});
