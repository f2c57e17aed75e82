/**
 * The test server checked with the real kubectl (v1.32): token minting and its errors, can-i,
 * paging, apply (also server dry run) and whoami.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { TestCluster } from '../../testserver/api';
import { startTestCluster } from '../../testserver/index';
import { decodePart, Kubectl } from './testserver-helpers';

describe('test server with the real kubectl', function () {
  this.timeout(30000);
  let cluster: TestCluster;
  let kubectl: Kubectl;

  before(async () => {
    cluster = await startTestCluster({ bulk: { namespaces: 6, serviceAccountsPerNamespace: 3 } });
    kubectl = new Kubectl(cluster);
  });
  after(async () => {
    kubectl.dispose();
    await cluster.close();
  });

  describe('kubectl create token', () => {
    it('mints a default token: 1 h, API audience, sorted claims, no binding', async () => {
      const r = await kubectl.run(['create', 'token', 'ci-deployer', '-n', 'demo']);
      assert.equal(r.code, 0, r.stderr);
      const token = r.stdout.trim();
      const claims = decodePart(token, 1);
      assert.deepEqual(Object.keys(claims), ['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
      assert.deepEqual(claims.aud, ['https://kubernetes.default.svc.cluster.local']);
      assert.equal(Number(claims.exp) - Number(claims.iat), 3600);
      assert.equal(claims.sub, 'system:serviceaccount:demo:ci-deployer');
      const sa = cluster.store.get('v1', 'ServiceAccount', 'ci-deployer', 'demo');
      assert.deepEqual(claims['kubernetes.io'], { namespace: 'demo', serviceaccount: { name: 'ci-deployer', uid: sa?.metadata.uid } });
    });

    it('honours --duration and --audience', async () => {
      const r = await kubectl.run(['create', 'token', 'reader', '-n', 'demo', '--duration', '2h', '--audience', 'vault', '--audience', 'ci']);
      assert.equal(r.code, 0, r.stderr);
      const claims = decodePart(r.stdout.trim(), 1);
      assert.equal(Number(claims.exp) - Number(claims.iat), 7200);
      assert.deepEqual(claims.aud, ['vault', 'ci']);
    });

    it('binds to a Pod on a node, extended to 365 d with warnafter at 3607 s', async () => {
      const r = await kubectl.run(['create', 'token', 'ci-deployer', '-n', 'demo', '--bound-object-kind', 'Pod', '--bound-object-name', 'web-0', '--duration', '3607s']);
      assert.equal(r.code, 0, r.stderr);
      const claims = decodePart(r.stdout.trim(), 1);
      const k8s = claims['kubernetes.io'] as Record<string, { name: string; uid: string } | number>;
      const pod = cluster.store.get('v1', 'Pod', 'web-0', 'demo');
      const node = cluster.store.get('v1', 'Node', 'node-1');
      assert.deepEqual(k8s.pod, { name: 'web-0', uid: pod?.metadata.uid });
      assert.deepEqual(k8s.node, { name: 'node-1', uid: node?.metadata.uid });
      assert.equal(Number(claims.exp) - Number(claims.iat), 31536000);
      assert.equal(Number(k8s.warnafter) - Number(claims.iat), 3607);
    });

    it('binds to a Secret and to a Node', async () => {
      const s = await kubectl.run(['create', 'token', 'reader', '-n', 'demo', '--bound-object-kind', 'Secret', '--bound-object-name', 'reader-token']);
      assert.equal(s.code, 0, s.stderr);
      const secret = cluster.store.get('v1', 'Secret', 'reader-token', 'demo');
      assert.deepEqual((decodePart(s.stdout.trim(), 1)['kubernetes.io'] as Record<string, unknown>).secret, { name: 'reader-token', uid: secret?.metadata.uid });
      const n = await kubectl.run(['create', 'token', 'default', '-n', 'demo', '--bound-object-kind', 'Node', '--bound-object-name', 'node-1']);
      assert.equal(n.code, 0, n.stderr);
      const k8s = decodePart(n.stdout.trim(), 1)['kubernetes.io'] as Record<string, unknown>;
      assert.equal((k8s.node as { name: string }).name, 'node-1');
      assert.equal(k8s.pod, undefined);
    });

    it('prints the server warning when the duration is clamped by the max expiration', async () => {
      cluster.configure({ maxTokenExpirationSeconds: 7200 });
      try {
        const r = await kubectl.run(['create', 'token', 'reader', '-n', 'demo', '--duration', '10h']);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /^Warning: requested expiration of 36000 seconds shortened to 7200 seconds$/m);
        const claims = decodePart(r.stdout.trim(), 1);
        assert.equal(Number(claims.exp) - Number(claims.iat), 7200);
      } finally {
        cluster.configure({ maxTokenExpirationSeconds: 0 });
      }
    });

    it('reports the 422 for a duration under 10 minutes', async () => {
      const r = await kubectl.run(['create', 'token', 'reader', '-n', 'demo', '--duration', '60s']);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr.trim(),
        'error: failed to create token: TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
      );
    });

    it('reports a missing ServiceAccount (404 wins over the short duration)', async () => {
      const r = await kubectl.run(['create', 'token', 'nope', '-n', 'demo', '--duration', '60s']);
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim(), 'error: failed to create token: serviceaccounts "nope" not found');
    });

    it('reports a missing namespace before the ServiceAccount lookup', async () => {
      const r = await kubectl.run(['create', 'token', 'nope', '-n', 'missing-ns']);
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim(), 'error: failed to create token: namespaces "missing-ns" not found');
    });

    it('reports Forbidden for a user without create serviceaccounts/token', async () => {
      const r = await kubectl.run(['create', 'token', 'ci-deployer', '-n', 'demo'], { token: cluster.userToken('jane') });
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr.trim(),
        'error: failed to create token: serviceaccounts "ci-deployer" is forbidden: User "jane" cannot create resource "serviceaccounts/token" in API group "" in the namespace "demo"',
      );
    });

    it('reports the pod serviceaccount mismatch and the UID conflict', async () => {
      const mismatch = await kubectl.run(['create', 'token', 'reader', '-n', 'demo', '--bound-object-kind', 'Pod', '--bound-object-name', 'web-0']);
      assert.equal(mismatch.stderr.trim(), 'error: failed to create token: cannot bind token for serviceaccount "reader" to pod running with different serviceaccount name.');
      const uid = await kubectl.run(['create', 'token', 'ci-deployer', '-n', 'demo', '--bound-object-kind', 'Pod', '--bound-object-name', 'web-0', '--bound-object-uid', 'abc']);
      assert.equal(
        uid.stderr.trim(),
        'error: failed to create token: Operation cannot be fulfilled on Pod "web-0": the UID in the bound object reference (abc) does not match the UID in record. The object might have been deleted and then recreated',
      );
    });
  });

  describe('kubectl auth', () => {
    it('can-i with --as a ServiceAccount: allowed for the token subresource', async () => {
      const r = await kubectl.run(['auth', 'can-i', 'create', 'serviceaccounts', '--subresource=token', '-n', 'demo', '--as=system:serviceaccount:demo:ci-deployer']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'yes');
    });

    it('can-i denied exits 1 and prints no', async () => {
      const r = await kubectl.run(['auth', 'can-i', 'get', 'secrets', '-n', 'demo', '--as=system:serviceaccount:demo:ci-deployer']);
      assert.equal(r.code, 1);
      assert.equal(r.stdout.trim(), 'no');
    });

    it('can-i sees the ClusterRoleBinding of prometheus to view, across namespaces', async () => {
      const r = await kubectl.run(['auth', 'can-i', 'list', 'pods', '-n', 'payments', '--as=system:serviceaccount:monitoring:prometheus']);
      assert.equal(r.stdout.trim(), 'yes');
      const w = await kubectl.run(['auth', 'can-i', 'delete', 'pods', '-n', 'payments', '--as=system:serviceaccount:monitoring:prometheus']);
      assert.equal(w.stdout.trim(), 'no');
    });

    it('impersonation needs an impersonate verb: jane gets the exact 403 of the first mode tried', async () => {
      // kube-apiserver v1.35+ tries constrained impersonation first (impersonate-on:serviceaccount:<verb>
      // on the request) and answers with that refusal when no mode, legacy `impersonate` included, allows it.
      const r = await kubectl.run(['auth', 'can-i', 'get', 'pods', '-n', 'demo', '--as=system:serviceaccount:demo:reader'], { token: cluster.userToken('jane') });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /selfsubjectaccessreviews\.authorization\.k8s\.io is forbidden: User "jane" cannot impersonate-on:serviceaccount:create resource "selfsubjectaccessreviews" in API group "authorization\.k8s\.io" at the cluster scope/);
    });

    it('can-i --list prints the rules of the ServiceAccount', async () => {
      const r = await kubectl.run(['auth', 'can-i', '--list', '-n', 'demo', '--as=system:serviceaccount:demo:ci-deployer']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^serviceaccounts\/token\s+\[\]\s+\[\]\s+\[create\]$/m);
      assert.match(r.stdout, /^deployments\.apps\s+(?:\S.*)?\[get list watch create update patch delete\]$/m);
    });

    it('whoami with a minted token shows the SA, its groups and the credential id', async () => {
      const minted = await kubectl.run(['create', 'token', 'ci-deployer', '-n', 'demo']);
      const token = minted.stdout.trim();
      const r = await kubectl.run(['auth', 'whoami', '-o', 'json'], { token });
      assert.equal(r.code, 0, r.stderr);
      const review = JSON.parse(r.stdout) as { status: { userInfo: { username: string; groups: string[]; extra: Record<string, string[]> } } };
      assert.equal(review.status.userInfo.username, 'system:serviceaccount:demo:ci-deployer');
      assert.deepEqual(review.status.userInfo.groups, ['system:serviceaccounts', 'system:serviceaccounts:demo', 'system:authenticated']);
      assert.deepEqual(review.status.userInfo.extra['authentication.kubernetes.io/credential-id'], [`JTI=${String(decodePart(token, 1).jti)}`]);
      const table = await kubectl.run(['auth', 'whoami'], { token });
      assert.match(table.stdout, /^Username\s+system:serviceaccount:demo:ci-deployer$/m);
    });
  });

  describe('kubectl get and apply', () => {
    it('get sa -A pages with --chunk-size and lists every ServiceAccount once', async () => {
      const r = await kubectl.run(['get', 'sa', '-A', '--chunk-size=4', '--no-headers', '-v=6']);
      assert.equal(r.code, 0, r.stderr);
      const rows = r.stdout.trim().split('\n').map((l) => l.split(/\s+/).slice(0, 2).join('/'));
      const expected = cluster.store.list('v1', 'ServiceAccount').map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
      assert.deepEqual(rows, expected);
      const pages = r.stderr.split('\n').filter((l) => /GET .*\/api\/v1\/serviceaccounts\?.*limit=4/.test(l));
      assert.equal(pages.length, Math.ceil(expected.length / 4));
    });

    it('apply --dry-run=server validates without persisting; apply creates, then patches', async () => {
      const manifest = kubectl.file(
        'sa.yaml',
        [
          'apiVersion: v1',
          'kind: ServiceAccount',
          'metadata: {name: applied, namespace: demo, labels: {tier: one}}',
          '---',
          'apiVersion: rbac.authorization.k8s.io/v1',
          'kind: RoleBinding',
          'metadata: {name: applied-view, namespace: demo}',
          'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}',
          'subjects: [{kind: ServiceAccount, name: applied, namespace: demo}]',
        ].join('\n'),
      );
      const dry = await kubectl.run(['apply', '--dry-run=server', '-f', manifest]);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /serviceaccount\/applied created \(server dry run\)/);
      assert.equal(cluster.store.get('v1', 'ServiceAccount', 'applied', 'demo'), undefined);
      assert.equal(cluster.store.get('rbac.authorization.k8s.io/v1', 'RoleBinding', 'applied-view', 'demo'), undefined);

      const created = await kubectl.run(['apply', '-f', manifest]);
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /serviceaccount\/applied created/);
      assert.ok(cluster.store.get('v1', 'ServiceAccount', 'applied', 'demo'));
      const can = await kubectl.run(['auth', 'can-i', 'list', 'configmaps', '-n', 'demo', '--as=system:serviceaccount:demo:applied']);
      assert.equal(can.stdout.trim(), 'yes');

      kubectl.file('sa.yaml', kubectlFileText(manifest).replace('tier: one', 'tier: two'));
      const patched = await kubectl.run(['apply', '-f', manifest]);
      assert.equal(patched.code, 0, patched.stderr);
      assert.match(patched.stdout, /serviceaccount\/applied configured/);
      assert.equal(cluster.store.get('v1', 'ServiceAccount', 'applied', 'demo')?.metadata.labels?.tier, 'two');
    });

    it('create and delete through typed (protobuf) requests', async () => {
      const c = await kubectl.run(['create', 'serviceaccount', 'made-by-kubectl', '-n', 'payments']);
      assert.equal(c.code, 0, c.stderr);
      assert.ok(cluster.store.get('v1', 'ServiceAccount', 'made-by-kubectl', 'payments'));
      const dup = await kubectl.run(['create', 'serviceaccount', 'made-by-kubectl', '-n', 'payments']);
      assert.equal(dup.stderr.trim(), 'error: failed to create serviceaccount: serviceaccounts "made-by-kubectl" already exists');
      const d = await kubectl.run(['delete', 'serviceaccount', 'made-by-kubectl', '-n', 'payments']);
      assert.equal(d.code, 0, d.stderr);
      assert.equal(cluster.store.get('v1', 'ServiceAccount', 'made-by-kubectl', 'payments'), undefined);
    });

    it('create secret, role and rolebinding (protobuf bodies) store what kubectl sent', async () => {
      const secret = await kubectl.run(['create', 'secret', 'generic', 'creds', '-n', 'payments', '--from-literal=user=app']);
      assert.equal(secret.code, 0, secret.stderr);
      const stored = cluster.store.get('v1', 'Secret', 'creds', 'payments');
      assert.equal(stored?.type, 'Opaque');
      assert.deepEqual(stored?.data, { user: Buffer.from('app').toString('base64') });
      assert.equal(stored?.metadata.generateName, undefined);
      const role = await kubectl.run(['create', 'role', 'token-minter', '-n', 'payments', '--verb=create', '--resource=serviceaccounts/token']);
      assert.equal(role.code, 0, role.stderr);
      assert.deepEqual(cluster.store.get('rbac.authorization.k8s.io/v1', 'Role', 'token-minter', 'payments')?.rules, [
        { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] },
      ]);
      const rb = await kubectl.run(['create', 'rolebinding', 'worker-mints', '-n', 'payments', '--role=token-minter', '--serviceaccount=payments:worker']);
      assert.equal(rb.code, 0, rb.stderr);
      const can = await kubectl.run(['auth', 'can-i', 'create', 'serviceaccounts', '--subresource=token', '-n', 'payments', '--as=system:serviceaccount:payments:worker']);
      assert.equal(can.stdout.trim(), 'yes');
    });

    it('a wrong CA in the kubeconfig fails TLS verification', async () => {
      const r = await kubectl.run(['get', 'ns'], { wrongCa: true });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /certificate signed by unknown authority/);
    });
  });
});

function kubectlFileText(p: string): string {
  return fs.readFileSync(p, 'utf8');
}
