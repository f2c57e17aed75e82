/**
 * Cross-cluster trust, end to end, between two real kube-apiservers (real-cluster tier only: the
 * test server has no --authentication-config). Cluster A is the run's shared cluster (issuer
 * https://kubernetes.default.svc.cluster.local, which nothing can resolve, like most kubeadm
 * clusters); cluster B runs on A's etcd with its own issuer, keys and CA, and starts with an
 * AuthenticationConfiguration that has no authenticator.
 *
 * Everything the extension generates is used as it is: the facts come from src/kube/federation.ts,
 * the plan from src/federation/trustPlan.ts, and its YAML documents are applied unchanged (A's
 * discovery binding, B's RoleBinding), written unchanged into B's --authentication-config file, and
 * its TokenRequest is POSTed unchanged to A. Then:
 *   - before: B refuses A's token (401);
 *   - after: B's `whoami` (SelfSubjectReview made with the token) shows the prefixed user, groups,
 *     uid and extra; the token may do exactly what the RoleBinding grants; other tokens of A
 *     (another ServiceAccount, A's own audience) are still refused.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import * as k from '../../src/kube/index';
import { issuerSideFactsFrom } from '../../src/federation/issuerSide';
import { acceptingSideFactsFrom, planCrossClusterTrust, type TrustChoices, type TrustPlan } from '../../src/federation/trustPlan';
import { sharedRealCluster, startRealCluster, type RealCluster } from '../../realcluster/launcher/index';
import { productionLikeOptions } from '../../testserver/options';
import { selectedBackends } from './backends';

const ISSUER_B = 'https://cluster-b.k8s-sa-tokens.test';
const NO_AUTHENTICATORS = 'apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\njwt: []\n';

/** The objects of a generated document, exactly as written (comments are YAML comments). */
function objectsOf(text: string): k.ManifestObject[] {
  return parseAllDocuments(text).map((d) => {
    assert.deepEqual(d.errors, [], 'the document is valid YAML');
    return d.toJS() as k.ManifestObject;
  });
}

async function applyDocument(client: k.ContextClient, text: string): Promise<void> {
  const resources = await k.listApiResources(client);
  for (const obj of objectsOf(text)) await k.createManifestObject(client, resources, obj, { dryRun: false, defaultNamespace: 'default' });
}

/** The real tier only: without a real kube-apiserver selected, this file declares nothing (no pending tests). */
if (selectedBackends().includes('kube-apiserver')) {
  describe('Cross-cluster trust between two real kube-apiservers [kube-apiserver]', function () {
    this.timeout(120_000);
    const ns = `fed-${k.randomSuffix(5)}`;
    const grantNs = `fed-b-${k.randomSuffix(5)}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-tokens-fed-'));
    let a: RealCluster;
    let b: RealCluster;
    const conns: k.KubeConnections[] = [];
    let adminA: k.ContextClient;
    let adminB: k.ContextClient;
    let plan: TrustPlan;
    let choices: TrustChoices;

    const clientOf = (cluster: RealCluster, name: string): k.ContextClient => {
      const c = new k.KubeConnections([cluster.writeKubeconfig(path.join(dir, name), { contextName: name })], { timeoutMs: 15_000, retries: 2, maxRetryAfterMs: 5000 });
      conns.push(c);
      return c.client(name);
    };
    const document = (prefix: string): string => {
      const d = plan.documents.find((x) => x.name.startsWith(prefix));
      assert.ok(d, `a ${prefix}… document in ${plan.documents.map((x) => x.name).join(', ')}`);
      return d.content;
    };
    /** Mints on A what the generated TokenRequest document says (or `spec` instead), POSTed as written. */
    async function mintOnA(override?: { serviceAccount?: string; audiences?: string[]; pod?: { name: string; uid: string } }): Promise<string> {
      const [request] = objectsOf(document('token-request-'));
      const meta = request.metadata as { name: string; namespace: string };
      const sa = override?.serviceAccount ?? meta.name;
      const spec = { ...(request.spec as object), ...(override?.audiences ? { audiences: override.audiences } : {}), ...(override?.pod ? { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', ...override.pod } } : {}) };
      const body = override ? { ...request, metadata: { ...meta, name: sa }, spec } : request;
      const res = await adminA.request<{ status?: { token?: string } }>({ method: 'POST', path: `/api/v1/namespaces/${meta.namespace}/serviceaccounts/${sa}/token`, body });
      assert.ok(res.body.status?.token, 'A minted a token');
      return res.body.status.token;
    }
    async function whoOnB(token: string): Promise<k.UserInfo | 401> {
      try {
        return await k.whoAmIWithToken(adminB, token);
      } catch (e) {
        if (k.KubeError.is(e, 'unauthorized')) return 401;
        throw e;
      }
    }
    /** Polls `probe` until it gives a value (B reloads its configuration and caches authentication briefly). */
    async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 90_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value !== undefined && value !== false) return value;
        if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}; kube-apiserver B log tail:\n${fs.readFileSync(b.logs.apiServer, 'utf8').split('\n').filter((l) => /authentication config|oidc|jwt/i.test(l)).slice(-15).join('\n')}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }

    before(async function () {
      this.timeout(300_000);
      a = await sharedRealCluster(productionLikeOptions());
      b = await startRealCluster({ etcdOf: a, issuers: [ISSUER_B], authenticationConfig: NO_AUTHENTICATORS });
      adminA = clientOf(a, 'cluster-a');
      adminB = clientOf(b, 'cluster-b');
      for (const sa of ['deployer', 'other']) {
        if (sa === 'deployer') await adminA.request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
        await adminA.request({ method: 'POST', path: `/api/v1/namespaces/${ns}/serviceaccounts`, body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa } } });
      }
      await adminB.request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: grantNs } } });
    });
    after(async () => {
      await adminA?.request({ method: 'DELETE', path: `/api/v1/namespaces/${ns}` }).catch(() => undefined);
      await adminA?.request({ method: 'DELETE', path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/service-account-issuer-discovery-public' }).catch(() => undefined);
      for (const c of conns) c.dispose();
      await b?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('reads what each cluster says about itself, and plans the trust without problems', async () => {
      const [factsA, factsB] = await Promise.all([k.gatherIssuerFacts(adminA), k.gatherAcceptingFacts(adminB)]);
      assert.ok(factsA.discovery.ok && factsA.discovery.value.issuer === a.issuer, 'A\'s issuer from its discovery');
      // kube-apiserver's jwks_uri: https://<advertise address>:<secure port>/openid/v1/jwks (openidmetadata.go).
      assert.equal(factsA.discovery.value.jwksUri, `${a.url}/openid/v1/jwks`);
      assert.equal(factsA.anonymousDiscovery.status, 'forbidden', 'only ServiceAccounts may read discovery by default (bootstrap policy)');
      assert.equal(factsA.issuerDiscovery?.status, 'unreachable', 'kubernetes.default.svc.cluster.local resolves nowhere');
      assert.equal(factsA.anonymousJwks?.status, 'forbidden');
      assert.equal(factsA.caPem, a.caPem);
      assert.ok(factsB.discovery.ok && factsB.discovery.value.issuer === ISSUER_B);
      assert.ok(factsB.version.ok && factsB.version.value.minor === 37, JSON.stringify(factsB.version));

      const sideA = issuerSideFactsFrom(factsA);
      assert.ok(sideA);
      choices = {
        audience: b.url,
        prefix: 'cluster-a:',
        accept: { namespace: ns, serviceAccount: 'deployer' },
        grant: { clusterRole: 'view', namespace: grantNs },
        mint: { namespace: ns, serviceAccount: 'deployer', expirationSeconds: 3600 },
      };
      plan = planCrossClusterTrust(sideA, acceptingSideFactsFrom(factsB), choices);
      assert.deepEqual(plan.problems, []);
      assert.deepEqual(plan.documents.map((d) => d.name), ['authentication-config-cluster-b.yaml', 'issuer-discovery-cluster-a.yaml', `rbac-cluster-b-${ns}-deployer.yaml`, `token-request-cluster-a-${ns}-deployer.yaml`]);
      const [config] = objectsOf(document('authentication-config-'));
      const issuer = (config.jwt as { issuer: Record<string, unknown> }[])[0].issuer;
      assert.deepEqual(issuer, { url: a.issuer, discoveryURL: `${a.url}/.well-known/openid-configuration`, certificateAuthority: a.caPem, audiences: [b.url] });
    });

    it('B refuses a token of A before the configuration', async () => {
      assert.equal(await whoOnB(await mintOnA()), 401);
    });

    it('B accepts it once A serves discovery anonymously and B reads the generated configuration, without a restart', async () => {
      await applyDocument(adminA, document('issuer-discovery-'));
      await eventually(async () => (await k.gatherIssuerFacts(adminA)).anonymousDiscovery.status === 'ok', 'A answers anonymous discovery requests');
      assert.ok(b.authenticationConfigPath, 'B was started with --authentication-config');
      // In place: kube-apiserver watches this path (fsnotify) and reloads a valid change.
      fs.writeFileSync(b.authenticationConfigPath, document('authentication-config-'));
      const token = await mintOnA();
      const who = await eventually(async () => {
        const w = await whoOnB(token);
        return w === 401 ? undefined : w;
      }, 'B accepts the token of A');
      assert.equal(who.username, `cluster-a:system:serviceaccount:${ns}:deployer`);
      assert.equal(who.username, plan.expectedUser.username);
      assert.deepEqual([...(who.groups ?? [])].sort(), [...plan.expectedUser.groups].sort());
      const sa = await k.getServiceAccount(adminA, ns, 'deployer');
      assert.equal(who.uid, sa.uid, 'the uid is the ServiceAccount\'s on A');
      const extra = who.extra ?? {};
      assert.match(extra['kubernetes.default.svc.cluster.local/credential-id']?.[0] ?? '', /^JTI=/);
      assert.equal(extra['kubernetes.default.svc.cluster.local/pod-name'], undefined, 'not bound to a Pod: no pod keys');
    });

    it('the mapped user may do exactly what the generated RoleBinding grants on B', async () => {
      await applyDocument(adminB, document('rbac-'));
      const asToken = adminB.withBearerToken(await mintOnA());
      try {
        await eventually(() => asToken.get(`/api/v1/namespaces/${grantNs}/pods`).then(() => true, () => false), 'the RoleBinding lets the mapped user list pods');
        await assert.rejects(asToken.get(`/api/v1/namespaces/${grantNs}/secrets`), (e: unknown) => k.KubeError.is(e, 'forbidden'), 'view does not read Secrets');
        await assert.rejects(asToken.get('/api/v1/namespaces/default/pods'), (e: unknown) => k.KubeError.is(e, 'forbidden'), 'nothing outside the granted namespace');
        await assert.rejects(
          asToken.request({ method: 'POST', path: `/api/v1/namespaces/${grantNs}/configmaps`, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } }),
          (e: unknown) => k.KubeError.is(e, 'forbidden'),
          'view does not write',
        );
      } finally {
        asToken.dispose();
      }
    });

    it('maps the Pod a token is bound to into extra', async () => {
      const pod = await adminA.request<{ metadata: { uid: string } }>({
        method: 'POST',
        path: `/api/v1/namespaces/${ns}/pods`,
        body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0' }, spec: { serviceAccountName: 'deployer', containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }] } },
      });
      const who = await whoOnB(await mintOnA({ pod: { name: 'web-0', uid: pod.body.metadata.uid } }));
      assert.ok(who !== 401, 'B accepts a Pod-bound token of the ServiceAccount');
      assert.deepEqual(who.extra?.['kubernetes.default.svc.cluster.local/pod-name'], ['web-0']);
      assert.deepEqual(who.extra?.['kubernetes.default.svc.cluster.local/pod-uid'], [pod.body.metadata.uid]);
    });

    it('B still refuses A\'s other tokens, and says why: another ServiceAccount, or A\'s own audience', async () => {
      const other = await mintOnA({ serviceAccount: 'other' });
      assert.equal(await whoOnB(other), 401);
      const otherReview = await k.tokenReview(adminB, other);
      assert.equal(otherReview.authenticated, false);
      assert.match(otherReview.error ?? '', new RegExp(`only ServiceAccount ${ns}/deployer is accepted`), 'refused by the generated claim rule');
      const ownAudience = await mintOnA({ audiences: [a.issuer] });
      assert.equal(await whoOnB(ownAudience), 401);
      assert.match((await k.tokenReview(adminB, ownAudience)).error ?? '', /oidc: verify token: oidc: expected audience/, 'a token for A\'s own API is not one for B');
    });
  });
}
