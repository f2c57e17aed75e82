/**
 * Every snippet body (placeholders filled with their defaults) and every generator's output is
 * accepted by the test API server through the real kubectl (`apply --dry-run=server`; a
 * TokenRequest body through `create --raw` on its subresource). Also the kube-layer calls behind
 * "apply" and the diagnostics: discovery, API audiences, create with and without dryRun=All.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { apiAudiences, createManifestObject, KubeError, learntTokenDefaults, listApiResources, probeApiAudiences, requestToken, type ContextClient } from '../../src/kube/index';
import { decodeJwt } from '../../src/jwt/decode';
import { projectedPodYaml, ROTATION_IMAGE, ROTATION_WORK_DIR, rotationCronJobObjects, rotationCronJobYaml } from '../../src/scaffold/generators';
import { analyzeManifest } from '../../src/scaffold/manifestAnalysis';
import { workloadFindings } from '../../src/scaffold/workloadLints';
import { parseManifest } from '../../src/scaffold/manifestDocuments';
import { parseResource, rbacChoiceYaml } from '../../src/scaffold/rbacGenerator';
import type { TestCluster } from '../../testserver/api';
import { startTestCluster } from '../../testserver/index';
import { ClientFactory } from './kube-fixture';
import { Kubectl } from './testserver-helpers';

interface Snippet {
  prefix: string;
  body: string[];
}

/** The text VS Code inserts when every tab stop keeps its default (first choice; empty for bare stops). */
export function fillPlaceholders(body: string): string {
  return body
    .replace(/\$\{\d+\|([^,|}]*)(?:,[^,|}]*)*\|\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\{\d+\}|\$\d+/g, '')
    .replace(/\\\$/g, '$');
}

const snippets = Object.entries(JSON.parse(fs.readFileSync(path.join(__dirname, '../../../snippets/k8s-tokens.code-snippets'), 'utf8')) as Record<string, Snippet>);

describe('scaffold output against the test server (real kubectl)', function () {
  this.timeout(30000);
  let cluster: TestCluster;
  let kubectl: Kubectl;

  before(async () => {
    cluster = await startTestCluster({ seed: 'demo' });
    kubectl = new Kubectl(cluster);
    // The snippets' defaults name ServiceAccount my-app in namespace default.
    const sa = await kubectl.run(['create', 'serviceaccount', 'my-app', '-n', 'default']);
    assert.equal(sa.code, 0, sa.stderr);
  });
  after(async () => {
    kubectl.dispose();
    await cluster.close();
  });

  it('has the snippets the feature promises', () => {
    const kinds = snippets.flatMap(([, s]) => parseAllDocuments(fillPlaceholders(s.body.join('\n'))).map((d) => (d.toJS() as { kind: string }).kind));
    for (const k of ['ServiceAccount', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'Pod', 'TokenRequest', 'Secret', 'CronJob', 'NetworkPolicy']) assert.ok(kinds.includes(k), k);
    assert.ok(snippets.some(([, s]) => s.body.includes('automountServiceAccountToken: false')));
    assert.ok(snippets.every(([, s]) => s.prefix.startsWith('k8s-sa-')), 'one stem, behind which the completion provider offers them');
  });

  it('the RoleBinding snippets name the binding and the role with separate placeholders', () => {
    for (const name of ['RoleBinding', 'ClusterRoleBinding']) {
      const body = snippets.find(([n]) => n === name)?.[1].body.join('\n') ?? '';
      const nameStop = /^ {2}name: \$\{(\d+):/m.exec(body)?.[1];
      const roleStop = /roleRef:[\s\S]*\n {2}name: \$\{(\d+):/.exec(body)?.[1];
      assert.ok(nameStop && roleStop, body);
      assert.notEqual(nameStop, roleStop, `${name}: metadata.name and roleRef.name are tied`);
    }
  });

  for (const [name, snippet] of snippets) {
    it(`snippet "${name}" is accepted by a server-side dry run, and our checks find nothing`, async () => {
      const text = fillPlaceholders(snippet.body.join('\n'));
      assert.doesNotMatch(text, /\$\{?\d/, 'every placeholder is filled');
      const analysis = analyzeManifest(text);
      assert.deepEqual(analysis.findings, []);
      assert.deepEqual(workloadFindings(text, analysis).map((f) => f.message), [], 'and the workload lints find nothing');
      const doc = parseAllDocuments(text)[0].toJS() as { kind: string; metadata: { name: string; namespace: string } };
      if (doc.kind === 'TokenRequest') {
        const file = kubectl.file(`${snippet.prefix}.json`, JSON.stringify(doc));
        const r = await kubectl.run(['create', '--raw', `/api/v1/namespaces/${doc.metadata.namespace}/serviceaccounts/${doc.metadata.name}/token?dryRun=All`, '-f', file]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal((JSON.parse(r.stdout) as { kind: string }).kind, 'TokenRequest');
        return;
      }
      const r = await kubectl.run(['apply', '--dry-run=server', '-f', kubectl.file(`${snippet.prefix}.yaml`, text)]);
      assert.equal(r.code, 0, r.stderr);
      const docs = parseAllDocuments(text).length;
      assert.equal((r.stdout.match(/\(server dry run\)/g) ?? []).length, docs, r.stdout);
    });
  }

  const generated: Record<string, string> = {
    'projected Pod': projectedPodYaml({ serviceAccount: { namespace: 'demo', name: 'reader' }, audience: 'vault', expirationSeconds: 600, mountPath: '/tokens' }),
    'rotation CronJob': rotationCronJobYaml({ serviceAccount: { namespace: 'demo', name: 'reader' }, audience: 'vault' }),
    'RBAC (namespace)': rbacChoiceYaml({ serviceAccount: { namespace: 'demo', name: 'reader' }, resources: ['pods', 'deployments.apps', 'serviceaccounts/token'].map(parseResource), verbs: ['get', 'create'], scope: 'namespace' }),
    'RBAC (cluster)': rbacChoiceYaml({ serviceAccount: { namespace: 'demo', name: 'reader' }, resources: ['namespaces', 'cronjobs.batch'].map(parseResource), verbs: ['list'], scope: 'cluster' }),
  };
  for (const [name, text] of Object.entries(generated)) {
    it(`generator output "${name}" is accepted by a server-side dry run`, async () => {
      const r = await kubectl.run(['apply', '--dry-run=server', '-f', kubectl.file('generated.yaml', text)]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((r.stdout.match(/\(server dry run\)/g) ?? []).length, parseAllDocuments(text).length, r.stdout);
      const analysis = analyzeManifest(text);
      assert.deepEqual(workloadFindings(text, analysis).map((f) => f.message), []);
    });
  }

  it('the rotation Job runs as written: /bin/sh script, real kubectl, only the rotator\'s own permissions', async () => {
    const objects = rotationCronJobObjects({ serviceAccount: { namespace: 'demo', name: 'reader' }, expirationSeconds: 3600 });
    const cronJob = objects[3] as { spec: { jobTemplate: { spec: { template: { spec: { containers: { image: string; command: string[] }[] } } } } } };
    const container = cronJob.spec.jobTemplate.spec.template.spec.containers[0];
    assert.equal(container.image, ROTATION_IMAGE);
    assert.doesNotMatch(container.image, /registry\.k8s\.io\/kubectl/, 'distroless: no /bin/sh');
    assert.deepEqual(container.command.slice(0, 2), ['/bin/sh', '-c']);
    // The rotator's ServiceAccount, Role and RoleBinding, for real; then the script as that ServiceAccount.
    const rbac = objects.slice(0, 3).map((o) => JSON.stringify(o)).join('\n');
    const applied = await kubectl.run(['apply', '-f', kubectl.file('rotator.json', rbac)]);
    assert.equal(applied.code, 0, applied.stderr);
    const rotatorToken = JSON.parse((await kubectl.run(['create', 'token', 'reader-token-rotator', '-n', 'demo', '-o', 'json'])).stdout) as { status: { token: string } };
    const config = kubectl.kubeconfig({ token: rotatorToken.status.token, namespace: 'demo', contextName: 'rotator' });
    const work = fs.mkdtempSync(path.join(kubectl.dir, 'work-'));
    // In the Pod, kubectl reads the in-cluster config; here the kubeconfig stands in for it. The script
    // is the container's, with only its work directory moved.
    const script = container.command[2].split(`${ROTATION_WORK_DIR}/`).join(`${work}/`);
    const runScript = (): Promise<{ code: number; stderr: string }> =>
      new Promise((resolve) => {
        execFile('/bin/sh', ['-c', script], { env: { PATH: '/usr/bin:/bin', HOME: kubectl.dir, KUBECONFIG: config }, timeout: 30000 }, (err, _out, stderr) => resolve({ code: err ? 1 : 0, stderr: String(stderr) }));
      });
    for (const round of [1, 2]) {
      const r = await runScript();
      assert.equal(r.code, 0, `round ${round}: ${r.stderr}`);
      const secret = cluster.store.get('v1', 'Secret', 'reader-rotated-token', 'demo') as { data?: { token?: string } } | undefined;
      const token = Buffer.from(secret?.data?.token ?? '', 'base64').toString();
      const decoded = decodeJwt(token);
      assert.ok(decoded.ok, `round ${round}: a token in the Secret`);
      assert.equal(decoded.payload.sub, 'system:serviceaccount:demo:reader');
      assert.deepEqual(fs.readdirSync(work), [], 'no token left in the work directory');
    }
  });

  it('refuses what the diagnostics report, with the same field message', async () => {
    const text = projectedPodYaml({ serviceAccount: { namespace: 'demo', name: 'reader' }, expirationSeconds: 60 });
    const finding = analyzeManifest(text).findings[0];
    const r = await kubectl.run(['apply', '--dry-run=server', '-f', kubectl.file('bad.yaml', text)]);
    assert.notEqual(r.code, 0);
    assert.ok(r.stderr.includes(finding.message), `${r.stderr} includes ${finding.message}`);
  });

  describe('kube layer: discovery, audiences and create', () => {
    let clients: ClientFactory;
    let client: ContextClient;
    before(() => {
      clients = new ClientFactory(cluster);
      client = clients.client();
    });
    after(() => clients.dispose());

    it('lists API resources with subresources, and the API audiences', async () => {
      const resources = await listApiResources(client);
      const find = (g: string, r: string) => resources.find((x) => x.group === g && x.resource === r);
      assert.deepEqual(find('', 'serviceaccounts/token')?.verbs, ['create']);
      assert.equal(find('batch', 'cronjobs')?.kind, 'CronJob');
      assert.equal(find('rbac.authorization.k8s.io', 'clusterroles')?.namespaced, false);
      assert.deepEqual(await apiAudiences(client), [cluster.issuer]);
    });

    it('learns the API audiences from a dry-run TokenRequest, which returns a real token, and the maximum from a clamp', async () => {
      cluster.configure({ apiAudiences: [cluster.issuer, 'https://vault.example.com'] });
      try {
        // The issuer alone would miss the second API audience.
        assert.deepEqual(await apiAudiences(client), [cluster.issuer]);
        const dry = await requestToken(client, { namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 600, dryRun: true });
        assert.ok(decodeJwt(dry.token).ok, 'upstream answers a dry run with a signed token');
        assert.deepEqual(await probeApiAudiences(client, 'demo', 'reader'), [cluster.issuer, 'https://vault.example.com']);
        assert.deepEqual(learntTokenDefaults(client).apiAudiences, [cluster.issuer, 'https://vault.example.com']);
        cluster.configure({ maxTokenExpirationSeconds: 7200 });
        await requestToken(client, { namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 86400, audiences: ['x'] });
        assert.equal(learntTokenDefaults(client).maxSeconds, 7200);
        assert.deepEqual(learntTokenDefaults(client).apiAudiences, [cluster.issuer, 'https://vault.example.com'], 'a request with audiences teaches no defaults');
        cluster.configure({ maxTokenExpirationSeconds: 0 });
        await requestToken(client, { namespace: 'demo', serviceAccount: 'reader', expirationSeconds: 86400, audiences: ['x'] });
        assert.equal(learntTokenDefaults(client).maxSeconds, undefined, 'granted beyond the old maximum: it was lifted');
      } finally {
        cluster.configure({ apiAudiences: [], maxTokenExpirationSeconds: 0 });
      }
    });

    it('creates with dryRun=All without storing, then for real; names the missing permission on 403', async () => {
      const resources = await listApiResources(client);
      const [obj] = parseManifest('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: scaffold-cm}\ndata: {a: b}\n').flatMap((p) => ('object' in p ? [p.object] : []));
      const dry = await createManifestObject(client, resources, obj, { dryRun: true, defaultNamespace: 'demo' });
      assert.deepEqual(dry, { kind: 'ConfigMap', name: 'scaffold-cm', namespace: 'demo', warnings: [] });
      assert.equal(cluster.store.get('v1', 'ConfigMap', 'scaffold-cm', 'demo'), undefined);
      await createManifestObject(client, resources, obj, { dryRun: false, defaultNamespace: 'demo' });
      assert.ok(cluster.store.get('v1', 'ConfigMap', 'scaffold-cm', 'demo'));

      const jane = clients.client({ token: cluster.userToken('jane'), contextName: 'jane' });
      await assert.rejects(createManifestObject(jane, resources, { ...obj, metadata: { name: 'other' } }, { dryRun: true, defaultNamespace: 'demo' }), (e: unknown) => {
        assert.ok(KubeError.is(e, 'forbidden'));
        assert.deepEqual({ verb: e.permission?.verb, resource: e.permission?.resource, namespace: e.permission?.namespace }, { verb: 'create', resource: 'configmaps', namespace: 'demo' });
        return true;
      });
      await assert.rejects(createManifestObject(client, resources, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, { dryRun: true, defaultNamespace: 'demo' }), (e: unknown) => KubeError.is(e, 'unsupported'));
    });
  });
});
