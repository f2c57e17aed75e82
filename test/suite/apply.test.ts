/**
 * Apply Manifest as `kubectl apply --server-side` against the suite's cluster, on both backends (the
 * test server and, with `--real`, kube-apiserver): applying what exists, conflicts with another field
 * manager, a namespace admin applying a ServiceAccount + Role + RoleBinding (rules held, and not
 * held), the proof's ServiceAccount check, warnings, and the tree after Apply.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/common/commandIds';
import type { ExtensionApi } from '../../src/extension';
import { isAllowed } from '../../src/permissions/matrix';
import type { ApplyOutcome } from '../../src/scaffold/applyCommand';
import { applyDetails } from '../../src/scaffold/applyReport';
import type { TreeNode } from '../../src/tree/model';
import { adminContextLoaded, captureWorkbench, getApi, resetKubeconfigs, sessionQuiet, testCluster, until, waitFor, whenAllowed, writeExtraKubeconfig, type HostCluster } from './helpers';

const rbac = 'rbac.authorization.k8s.io';
const suffix = (): string => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;

async function apply(yamlText: string, args: Record<string, unknown>): Promise<ApplyOutcome> {
  const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: yamlText });
  return vscode.commands.executeCommand<ApplyOutcome>(CommandIds.applyManifest, { uri: doc.uri.toString(), confirm: false, show: false, ...args });
}

const rows = (o: ApplyOutcome | undefined, phase: 'results' | 'dryRun' = 'results'): unknown[][] => (o?.[phase] ?? []).map((r) => [r.kind, r.name, r.ok, r.action ?? (r.deferred ? 'deferred' : r.message)]);

const teamManifest = (ns: string, rules: string): string => `apiVersion: ${rbac}/v1
kind: RoleBinding
metadata: {name: bot-reader, namespace: ${ns}}
roleRef: {apiGroup: ${rbac}, kind: Role, name: bot-reader}
subjects: [{kind: ServiceAccount, name: bot, namespace: ${ns}}]
---
apiVersion: ${rbac}/v1
kind: Role
metadata: {name: bot-reader, namespace: ${ns}}
rules:
${rules}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: bot, namespace: ${ns}}
`;

describe('Apply Manifest (server-side apply)', () => {
  let api: ExtensionApi;
  let cluster: HostCluster;

  before(async () => {
    cluster = await testCluster();
    api = await getApi();
    await adminContextLoaded(api);
    await sessionQuiet(api);
  });
  afterEach(() => resetKubeconfigs());
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('applies a manifest whose objects exist: configured, not a Conflict (issue 12 bug 3)', async () => {
    const name = `apply-again-${suffix()}`;
    const manifest = (value: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: demo}\ndata: {a: "${value}"}\n`;
    const first = await apply(manifest('1'), { context: 'test-admin' });
    assert.deepEqual(rows(first), [['ConfigMap', name, true, 'created']]);
    const again = await apply(manifest('2'), { context: 'test-admin' });
    assert.equal(again.status, 'applied', JSON.stringify(again.results));
    assert.deepEqual(rows(again), [['ConfigMap', name, true, 'configured']]);
    assert.deepEqual((await cluster.objects.get('v1', 'ConfigMap', name, 'demo'))?.data, { a: '2' });
    const managers = ((await cluster.objects.get('v1', 'ConfigMap', name, 'demo'))?.metadata.managedFields as { manager: string; operation: string }[]).map((m) => `${m.manager}/${m.operation}`);
    assert.deepEqual(managers, ['k8s-sa-tokens/Apply']);
  });

  it('names the other field manager and its fields on a conflict, applies nothing, and takes the fields over only when asked', async () => {
    const name = `apply-conflict-${suffix()}`;
    await cluster.objects.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'demo' }, data: { a: 'theirs' } });
    const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: demo}\ndata: {a: ours}\n`;
    const refused = await apply(manifest, { context: 'test-admin' });
    assert.equal(refused.status, 'conflicts');
    assert.deepEqual(refused.results[0].conflicts, [{ manager: 'k8s-tokens-host-test', field: '.data.a' }]);
    assert.match(refused.results[0].message ?? '', /"k8s-tokens-host-test" manages \.data\.a/);
    assert.deepEqual((await cluster.objects.get('v1', 'ConfigMap', name, 'demo'))?.data, { a: 'theirs' }, 'nothing applied');

    const forced = await apply(manifest, { context: 'test-admin', force: true });
    assert.equal(forced.status, 'applied', JSON.stringify(forced.results));
    assert.equal(forced.forced, true);
    assert.deepEqual((await cluster.objects.get('v1', 'ConfigMap', name, 'demo'))?.data, { a: 'ours' });
  });

  describe('as a namespace admin (ClusterRole admin bound in one namespace)', () => {
    let ns: string;
    const context = 'apply-ns-admin';

    before(async () => {
      ns = `apply-team-${suffix()}`;
      const user = `${ns}-admin`;
      await cluster.objects.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      await cluster.objects.create({
        apiVersion: `${rbac}/v1`,
        kind: 'RoleBinding',
        metadata: { name: 'admin', namespace: ns },
        roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'admin' },
        subjects: [{ apiGroup: rbac, kind: 'User', name: user }],
      });
      await writeExtraKubeconfig({ contextName: context, user: { name: user }, namespace: ns });
      await until(() => api.services.session.connections().kubeconfigs.contexts.some((c) => c.name === context), `context ${context}`);
      await sessionQuiet(api);
      await whenAllowed(api, context, { verb: 'create', resource: 'roles', group: rbac, namespace: ns });
    });
    beforeEach(async () => {
      await writeExtraKubeconfig({ contextName: context, user: { name: `${ns}-admin` }, namespace: ns });
      await sessionQuiet(api);
    });

    it('applies a ServiceAccount, Role and RoleBinding in dependency order, the binding’s dry run deferred, and proves the rules', async () => {
      const o = await apply(teamManifest(ns, '- {apiGroups: [""], resources: [configmaps], verbs: [get, list]}'), { context });
      assert.equal(o.status, 'applied', JSON.stringify(o.results));
      // kube-apiserver resolves a binding's roleRef to check that a user without `bind` holds the role's
      // rules: a dry run of a binding whose Role is new in this apply cannot be checked.
      assert.deepEqual(rows(o, 'dryRun'), [['ServiceAccount', 'bot', true, 'created'], ['Role', 'bot-reader', true, 'created'], ['RoleBinding', 'bot-reader', true, 'deferred']]);
      assert.match(o.dryRun?.[2].deferred ?? '', new RegExp(`needs Role ${ns}/bot-reader, which is new in this apply`));
      assert.deepEqual(rows(o), [['ServiceAccount', 'bot', true, 'created'], ['Role', 'bot-reader', true, 'created'], ['RoleBinding', 'bot-reader', true, 'created']]);
      assert.deepEqual(o.missingServiceAccounts, []);
      assert.equal(o.proofError, undefined);
      assert.equal(o.proof?.exact, true, JSON.stringify(o.proof?.mismatches));
      assert.equal(o.proof && isAllowed(o.proof.matrix, 'list', 'configmaps'), true);
      assert.equal(o.proof && isAllowed(o.proof.matrix, 'delete', 'configmaps'), false);
    });

    it('explains an escalation refusal with the rules not held and the way out, and applies nothing', async () => {
      await vscode.commands.executeCommand('notifications.clearAll');
      const o = await apply(teamManifest(ns, '- {apiGroups: [""], resources: [nodes], verbs: [get]}\n- {apiGroups: [""], resources: [configmaps], verbs: [get]}').replace(/bot-reader/g, 'bot-nodes'), { context });
      assert.equal(o.status, 'dryRunFailed', JSON.stringify(o.results));
      const role = o.results.find((r) => r.kind === 'Role');
      assert.deepEqual(role?.escalation?.rules.map((r) => [r.resources, r.verbs]), [[['nodes'], ['get']]]);
      assert.match(role?.message ?? '', new RegExp(`^You \\(${ns}-admin\\) may not create a role that grants permissions you do not hold\\. Missing: get nodes\\. .*verb "escalate" on roles`));
      assert.equal(o.results.find((r) => r.kind === 'RoleBinding')?.message, `Not checked: it needs Role ${ns}/bot-nodes, which the dry run refused.`);
      assert.equal(await cluster.objects.get(`${rbac}/v1`, 'Role', 'bot-nodes', ns), undefined);
      // What the user reads: the refusal, the missing rule and the way out, in the notification.
      const shot = await waitFor(async () => {
        const c = await captureWorkbench('apply-escalation-refused', { selector: '.notification-toast' });
        // Once the finished progress toast is gone, so the refusal and its Show Details button are in view.
        return c.texts.some((t) => t.includes('Missing: get nodes') && t.includes('escalate')) && !c.texts.some((t) => t.includes('Applying to')) ? c : undefined;
      }, 'the refusal notification', 20_000);
      assert.ok(shot.texts.some((t) => /The dry run refused 2 of 3 object\(s\); nothing was applied/.test(t)), shot.texts.join(' | '));
      // Its Show Details button opens this report, which holds every object's result in full.
      const details = applyDetails(o);
      assert.match(details, new RegExp(`^# Apply to context "${context}"\n\n## Server-side dry run\n`));
      assert.match(details, new RegExp(`- \\*\\*Role ${ns}/bot-nodes\\*\\*: refused\n  - You \\(${ns}-admin\\) may not create a role`));
      assert.match(details, new RegExp(`- \\*\\*RoleBinding ${ns}/bot-nodes\\*\\*: refused\n  - Not checked: it needs Role ${ns}/bot-nodes`));
    });
  });

  it('says that the bound ServiceAccount does not exist instead of proving its permissions', async () => {
    const name = `apply-ghost-${suffix()}`;
    const manifest = teamManifest('demo', '- {apiGroups: [""], resources: [configmaps], verbs: [get]}')
      .split('---')
      .slice(0, 2)
      .join('---')
      .replace(/bot-reader/g, name)
      .replace('name: bot,', `name: ${name}-sa,`);
    const o = await apply(manifest, { context: 'test-admin' });
    assert.equal(o.status, 'applied', JSON.stringify(o.results));
    assert.equal(o.proof, undefined);
    assert.deepEqual(o.missingServiceAccounts, [`ServiceAccount demo/${name}-sa (named by RoleBinding demo/${name}) does not exist`]);
    assert.match(o.proofError ?? '', new RegExp(`^Nothing was proved: ServiceAccount demo/${name}-sa does not exist`));
  });

  it('keeps the server’s field-validation warnings, and reads a field apply does not know as an invalid manifest', async () => {
    const warned = await apply('apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: apply-warn-, namespace: demo}\ndata: {a: "1"}\nextra: 1\n', { context: 'test-admin' });
    assert.equal(warned.status, 'applied', JSON.stringify(warned.results));
    assert.deepEqual(warned.results[0].warnings, ['unknown field "extra"']);
    const refused = await apply(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: apply-unknown-${suffix()}, namespace: demo}\nextra: 1\n`, { context: 'test-admin' });
    assert.equal(refused.status, 'dryRunFailed');
    assert.match(refused.results[0].message ?? '', /^The cluster refused the request as invalid: \.extra: field not declared in schema/);
  });

  it('shows what Apply created in the tree without a manual refresh', async () => {
    const name = `apply-tree-${suffix()}`;
    const kids = async (n?: TreeNode): Promise<TreeNode[]> => (await api.tree.provider.getChildren(n)) ?? [];
    const ctx = await until(async () => (await kids()).find((n) => n.kind === 'context' && n.entry.name === 'test-admin'), 'context node');
    const demo = await until(async () => (await kids(ctx)).find((n) => n.kind === 'namespace' && n.name === 'demo'), 'namespace demo');
    assert.ok(!(await kids(demo)).some((n) => n.kind === 'serviceAccount' && n.sa.name === name));
    const o = await apply(`apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ${name}, namespace: demo}\n`, { context: 'test-admin' });
    assert.equal(o.status, 'applied');
    const fresh = async (): Promise<TreeNode[]> => {
      const c = (await kids()).find((n) => n.kind === 'context' && n.entry.name === 'test-admin');
      const d = (await kids(c)).find((n) => n.kind === 'namespace' && n.name === 'demo');
      return kids(d);
    };
    await until(async () => (await fresh()).some((n) => n.kind === 'serviceAccount' && n.sa.name === name), `ServiceAccount ${name} in the tree`);
  });
});
