/**
 * The permissions matrix of a ServiceAccount through the real command, against the test API
 * server's RBAC: the seeded ServiceAccount demo/ci-deployer is bound by RoleBinding demo/ci-deployer
 * to Role ci-deployer (serviceaccounts/token create; get/list/watch serviceaccounts, pods,
 * configmaps; everything on apps deployments) and to nothing else.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import { CommandIds } from '../../src/common/commandIds';
import type { ExtensionApi } from '../../src/extension';
import { isAllowed, type PermissionMatrix } from '../../src/permissions/matrix';
import { PermissionsDocuments } from '../../src/permissions/view';
import type { TreeNode } from '../../src/tree/model';
import { adminContextLoaded, getApi, resetKubeconfigs, sessionQuiet, testCluster, until, whenAllowed, writeExtraKubeconfig, type HostCluster } from './helpers';

const show = (arg: unknown): Thenable<PermissionMatrix | undefined> => vscode.commands.executeCommand<PermissionMatrix | undefined>(CommandIds.showPermissions, arg);
const ciDeployer = { context: 'test-admin', namespace: 'demo', name: 'ci-deployer' };
const GRANT = 'RoleBinding demo/ci-deployer → Role ci-deployer (ServiceAccount demo/ci-deployer)';

function cell(m: PermissionMatrix, resource: string, verb: string, group = ''): PermissionMatrix['rows'][number]['cells'][string] | undefined {
  return m.rows.find((r) => r.resource === resource && r.group === group)?.cells[verb];
}

/** The allowed/denied cells every method must agree on for demo/ci-deployer. */
function assertCiDeployerMatrix(m: PermissionMatrix): void {
  for (const [verb, resource, group] of [
    ['create', 'serviceaccounts/token', ''],
    ['list', 'pods', ''],
    ['watch', 'configmaps', ''],
    ['delete', 'deployments', 'apps'],
    ['patch', 'deployments', 'apps'],
  ]) {
    assert.equal(isAllowed(m, verb, resource, group), true, `${verb} ${resource}`);
    const grants = cell(m, resource, verb, group)?.grants.map((g) => `${g.bindingKind} ${g.bindingNamespace}/${g.bindingName} → ${g.roleKind} ${g.roleName}`);
    assert.deepEqual(grants, ['RoleBinding demo/ci-deployer → Role ci-deployer'], `grant of ${verb} ${resource}`);
  }
  for (const [verb, resource, group] of [
    ['delete', 'pods', ''],
    ['get', 'secrets', ''],
    ['create', 'configmaps', ''],
    ['list', 'statefulsets', 'apps'],
  ]) {
    assert.equal(isAllowed(m, verb, resource, group), false, `${verb} ${resource} must be denied`);
  }
}

describe('Permissions matrix', () => {
  let api: ExtensionApi;
  let cluster: HostCluster;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'permissions-'));

  before(async () => {
    cluster = await testCluster();
    api = await getApi();
    await adminContextLoaded(api);
  });
  afterEach(async () => {
    await resetKubeconfigs();
    await sessionQuiet(api);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('evaluates a seeded ServiceAccount as itself (impersonation) and names the granting binding', async () => {
    const m = await show({ ...ciDeployer, show: false });
    assert.ok(m);
    assert.equal(m.method, 'rulesReview');
    assert.deepEqual(m.fallbacks, []);
    assert.equal(m.namespace, 'demo');
    assertCiDeployerMatrix(m);
  });

  it('exports the matrix as Markdown and as YAML', async () => {
    const md = path.join(dir, 'ci-deployer.md');
    const yml = path.join(dir, 'ci-deployer.yaml');
    await show({ ...ciDeployer, show: false, export: { format: 'markdown', target: md } });
    const m = await show({ ...ciDeployer, show: false, export: { format: 'yaml', target: yml } });
    assert.ok(m);

    const text = fs.readFileSync(md, 'utf8');
    assert.match(text, /^# Permissions of ServiceAccount demo\/ci-deployer$/m);
    const header = text.split('\n').find((l) => l.startsWith('| Resource |')) ?? '';
    const verbs = header.split('|').map((c) => c.trim()).slice(3, -1);
    const deployments = (text.split('\n').find((l) => l.startsWith('| deployments | apps |')) ?? '').split('|').map((c) => c.trim()).slice(3, -1);
    assert.equal(deployments[verbs.indexOf('delete')], '✓', text);
    const pods = (text.split('\n').find((l) => l.startsWith('| pods | core |')) ?? '').split('|').map((c) => c.trim()).slice(3, -1);
    assert.equal(pods[verbs.indexOf('list')], '✓', text);
    // Denied reads ✗, distinct from – (not checked).
    assert.equal(pods[verbs.indexOf('delete')], '✗', text);
    assert.ok(text.includes(`- **deployments (apps)**: ${['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'].filter((v) => verbs.includes(v)).join(', ')} ← ${GRANT}`), text);

    const doc = parse(fs.readFileSync(yml, 'utf8')) as {
      kind: string;
      serviceAccount: { namespace: string; name: string };
      method: string;
      resources: { apiGroup: string; resource: string; allowed: string[]; denied: string[]; grantedBy: Record<string, string[]> }[];
    };
    assert.equal(doc.kind, 'ServiceAccountPermissions');
    assert.deepEqual(doc.serviceAccount, { namespace: 'demo', name: 'ci-deployer' });
    assert.equal(doc.method, 'rulesReview');
    const token = doc.resources.find((r) => r.resource === 'serviceaccounts/token');
    assert.deepEqual(token?.allowed, ['create']);
    assert.deepEqual(token?.grantedBy, { create: [GRANT] });
    const podsEntry = doc.resources.find((r) => r.resource === 'pods' && r.apiGroup === '');
    assert.ok(podsEntry?.allowed.includes('list') && podsEntry.denied.includes('delete'), JSON.stringify(podsEntry));
  });

  it('falls back to SubjectAccessReviews when the caller may not impersonate, still naming the binding', async () => {
    const name = `sar-only-${Date.now()}`;
    await cluster.objects.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name },
      rules: [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'] }],
    });
    await cluster.objects.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name }],
    });
    try {
      await writeExtraKubeconfig({ contextName: name, user: { name } });
      await until(() => api.services.session.connections().kubeconfigs.contexts.some((c) => c.name === name), `context ${name}`);
      await sessionQuiet(api);
      await whenAllowed(api, name, { verb: 'create', group: 'authorization.k8s.io', resource: 'subjectaccessreviews' });
      const m = await show({ ...ciDeployer, context: name, show: false });
      assert.ok(m);
      assert.equal(m.method, 'accessReview');
      assert.match(m.fallbacks[0] ?? '', /SelfSubjectRulesReview as the ServiceAccount was refused: you may not impersonate/);
      assertCiDeployerMatrix(m);
    } finally {
      await cluster.objects.delete('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', name);
      await cluster.objects.delete('rbac.authorization.k8s.io/v1', 'ClusterRole', name);
    }
  });

  it('opens from the ServiceAccount tree node in the permissions view', async () => {
    const children = async (n?: TreeNode): Promise<TreeNode[]> => (await api.tree.provider.getChildren(n)) ?? [];
    const labelOf = (n: TreeNode): string => {
      const l = api.tree.provider.getTreeItem(n).label;
      return typeof l === 'string' ? l : (l?.label ?? '');
    };
    let node: TreeNode | undefined;
    for (const name of ['test-admin', 'demo', 'ci-deployer']) {
      const parent = node;
      node = await until(async () => (await children(parent)).find((c) => labelOf(c) === name), `tree node ${name}`);
    }
    const m = await show(node);
    assert.ok(m);
    assert.deepEqual(m.serviceAccount, { namespace: 'demo', name: 'ci-deployer' });
    assertCiDeployerMatrix(m);
    const panel = api.permissions.view.current;
    assert.ok(panel, 'the permissions view is open');
    assert.equal(panel.panel.title, 'Permissions: demo/ci-deployer');
    assert.equal(panel.shown.matrix, m);
    // Apply's proof shows its matrix through documents.show: the view, and Markdown behind a URI.
    const uri = await api.permissions.documents.show(m);
    assert.equal(uri.toString(), PermissionsDocuments.uriFor(m).toString());
    assert.ok(api.permissions.documents.provideTextDocumentContent(uri).includes(GRANT));
    assert.equal(api.permissions.view.current, panel, 'one view, re-targeted');
  });
});
