/**
 * Cross-cluster trust, the pure part: the JWT authenticator, where B fetches A's discovery, the
 * problems that would make B refuse the configuration, the managed-cluster notes, and documents
 * that stay exactly what they say whatever the names in them (fast-check). The real kube-apiserver
 * proof is test/differential/federation.test.ts.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { discoveryBindingFor, issuerSideOf, type IssuerSideFacts } from '../../src/federation/issuerSide';
import { authenticationConfigApiVersion, celString, extraKeyDomainFor, jwtAuthenticator } from '../../src/federation/trustConfig';
import { nameSlug, planCrossClusterTrust, type AcceptingSideFacts, type TrustChoices } from '../../src/federation/trustPlan';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const A: IssuerSideFacts = {
  context: 'prod-a',
  issuer: 'https://kubernetes.default.svc.cluster.local',
  server: 'https://10.0.0.1:6443',
  caPem: CA,
  jwksUri: 'https://10.0.0.1:6443/openid/v1/jwks',
  anonymousDiscovery: 'forbidden',
  issuerDiscovery: 'unreachable',
  anonymousJwks: 'forbidden',
};
const B: AcceptingSideFacts = { context: 'prod-b', server: 'https://10.0.0.2:6443', issuer: 'https://prod-b.example.com', minor: 37 };
const CHOICES: TrustChoices = {
  audience: 'https://prod-b.example.com',
  prefix: 'prod-a:',
  accept: { namespace: 'ci', serviceAccount: 'deployer' },
  grant: { clusterRole: 'view', namespace: 'apps' },
  mint: { namespace: 'ci', serviceAccount: 'deployer', expirationSeconds: 3600 },
};

/** The objects of a document; fails on YAML errors. */
function objects(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text).map((d) => {
    assert.deepEqual(d.errors, []);
    return d.toJS() as Record<string, unknown>;
  });
}

/** Undoes celString (for the property test): the literal's content, unescaped. */
function celUnquote(literal: string): string {
  assert.ok(literal.startsWith("'") && literal.endsWith("'") && literal.length >= 2, literal);
  const body = literal.slice(1, -1);
  assert.doesNotMatch(body, /(^|[^\\])(\\\\)*'/, 'no unescaped quote inside');
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(body, /[\u0000-\u001f\u007f\u2028\u2029]/, 'no raw control character inside');
  return body.replace(/\\u([0-9a-f]{4})|\\(.)/g, (_m, hex: string | undefined, c: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : (c as string)));
}

describe('cross-cluster trust: the JWT authenticator', () => {
  it('maps sub with the prefix, the ServiceAccount groups by CEL, and limits what it accepts', () => {
    const j = jwtAuthenticator({ issuer: { url: A.issuer }, audience: 'b', prefix: 'a:', accept: { namespace: 'ci', serviceAccount: 'deployer' }, extraKeyDomain: 'issuer.example' }) as {
      claimValidationRules: { expression: string; message: string }[];
      claimMappings: { username: unknown; groups: { expression: string }; uid: unknown; extra: { key: string }[] };
      userValidationRules: { expression: string }[];
    };
    assert.deepEqual(j.claimMappings.username, { claim: 'sub', prefix: 'a:' });
    assert.equal(j.claimMappings.groups.expression, "['a:' + 'system:serviceaccounts', 'a:' + 'system:serviceaccounts:' + claims['kubernetes.io'].namespace]");
    assert.deepEqual(j.claimMappings.uid, { expression: "claims['kubernetes.io'].serviceaccount.uid" });
    assert.deepEqual(j.claimMappings.extra.map((e) => e.key), ['issuer.example/pod-name', 'issuer.example/pod-uid', 'issuer.example/credential-id']);
    assert.deepEqual(
      j.claimValidationRules.map((r) => r.expression),
      ["claims.sub.startsWith('system:serviceaccount:')", "claims[?'kubernetes.io'].hasValue()", "claims.sub == 'system:serviceaccount:ci:deployer'"],
    );
    const ns = jwtAuthenticator({ issuer: { url: A.issuer }, audience: 'b', prefix: 'a:', accept: { namespace: 'ci' } }) as { claimValidationRules: { expression: string }[] };
    assert.equal(ns.claimValidationRules[2].expression, "claims['kubernetes.io'].namespace == 'ci'");
    assert.deepEqual(j.userValidationRules.map((r) => r.expression), ["!user.username.startsWith('system:')", "user.groups.all(g, !g.startsWith('system:'))"]);
  });

  it('accepts every ServiceAccount of A when no scope is chosen', () => {
    const j = jwtAuthenticator({ issuer: { url: A.issuer }, audience: 'b', prefix: 'a:', accept: {} }) as { claimValidationRules: unknown[]; claimMappings: { extra?: unknown } };
    assert.equal(j.claimValidationRules.length, 2);
    assert.equal(j.claimMappings.extra, undefined, 'no extra keys without a domain');
  });

  it('writes any text as a CEL string literal that reads back the same (fast-check)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => celUnquote(celString(s)) === s));
    assert.equal(celString("it's \\ \n"), "'it\\'s \\\\ \\u000a'");
  });

  it('takes the extra key domain from the issuer host, never kubernetes.io or k8s.io', () => {
    assert.equal(extraKeyDomainFor('https://Cluster-A.Example.com/path'), 'cluster-a.example.com');
    assert.equal(extraKeyDomainFor('https://kubernetes.default.svc.cluster.local'), 'kubernetes.default.svc.cluster.local');
    assert.equal(extraKeyDomainFor('https://oidc.kubernetes.io/x'), undefined);
    assert.equal(extraKeyDomainFor('https://k8s.io'), undefined);
    assert.equal(extraKeyDomainFor('https://[::1]:6443'), undefined);
    assert.equal(extraKeyDomainFor('not a url'), undefined);
  });

  it('chooses the AuthenticationConfiguration version B reads', () => {
    assert.equal(authenticationConfigApiVersion(37), 'apiserver.config.k8s.io/v1');
    assert.equal(authenticationConfigApiVersion(34), 'apiserver.config.k8s.io/v1');
    assert.equal(authenticationConfigApiVersion(31), 'apiserver.config.k8s.io/v1beta1');
    assert.equal(authenticationConfigApiVersion(29), undefined);
    assert.equal(authenticationConfigApiVersion(undefined), 'apiserver.config.k8s.io/v1');
  });
});

describe('cross-cluster trust: where B fetches A\'s discovery', () => {
  it('from A\'s API server with its CA when the issuer resolves nowhere, with the anonymous binding A lacks', () => {
    const s = issuerSideOf(A);
    assert.deepEqual(s.issuer, { url: A.issuer, discoveryUrl: 'https://10.0.0.1:6443/.well-known/openid-configuration', certificateAuthority: CA });
    assert.deepEqual(s.discoveryBinding, discoveryBindingFor());
    assert.equal(s.notes.some((n) => n.includes('jwks_uri')), false, 'the binding covers the keys on A\'s server');
  });

  it('from the issuer URL itself when it answered from here (system roots, no CA)', () => {
    const s = issuerSideOf({ ...A, issuer: 'https://oidc.prod-a.example.com', issuerDiscovery: 'ok', jwksUri: 'https://oidc.prod-a.example.com/keys', anonymousJwks: 'ok' });
    assert.deepEqual(s.issuer, { url: 'https://oidc.prod-a.example.com' });
    assert.equal(s.discoveryBinding, undefined);
  });

  it('from a managed issuer as published (EKS)', () => {
    const s = issuerSideOf({ context: 'eks', issuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC123' });
    assert.deepEqual(s.issuer, { url: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC123' });
    assert.match(s.notes.join(' '), /Amazon EKS/);
  });

  it('needs no binding when A already answers anonymously; names 401 and an unreachable jwks_uri', () => {
    assert.equal(issuerSideOf({ ...A, anonymousDiscovery: 'ok', anonymousJwks: 'ok' }).discoveryBinding, undefined);
    const off = issuerSideOf({ ...A, anonymousDiscovery: 'unauthorized' });
    assert.ok(off.discoveryBinding);
    assert.match(off.notes.join(' '), /401.*anonymous\.conditions/);
    const elsewhere = issuerSideOf({ ...A, jwksUri: 'https://keys.internal/jwks', anonymousJwks: 'unreachable' });
    assert.match(elsewhere.notes.join(' '), /--service-account-jwks-uri=https:\/\/10\.0\.0\.1:6443\/openid\/v1\/jwks/);
  });
});

describe('cross-cluster trust: the plan', () => {
  it('gives four documents that parse to exactly the objects B and A need', () => {
    const plan = planCrossClusterTrust(A, B, CHOICES);
    assert.deepEqual(plan.problems, []);
    assert.deepEqual(plan.documents.map((d) => [d.name, d.cluster]), [
      ['authentication-config-prod-b.yaml', 'accepting'],
      ['issuer-discovery-prod-a.yaml', 'issuer'],
      ['rbac-prod-b-ci-deployer.yaml', 'accepting'],
      ['token-request-prod-a-ci-deployer.yaml', 'issuer'],
    ]);
    const [config] = objects(plan.documents[0].content);
    assert.equal(config.apiVersion, 'apiserver.config.k8s.io/v1');
    assert.equal(config.kind, 'AuthenticationConfiguration');
    assert.match(plan.documents[0].content, /^# .*--authentication-config=\/etc\/kubernetes\/authentication-config\.yaml/m);
    assert.deepEqual(objects(plan.documents[1].content), [discoveryBindingFor()]);
    assert.deepEqual(objects(plan.documents[2].content), [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'prod-a-ci-deployer-view', namespace: 'apps' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'prod-a:system:serviceaccount:ci:deployer' }],
      },
    ]);
    assert.deepEqual(objects(plan.documents[3].content), [
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: { name: 'deployer', namespace: 'ci' }, spec: { audiences: ['https://prod-b.example.com'], expirationSeconds: 3600 } },
    ]);
    assert.match(plan.documents[3].content, /kubectl --context prod-a create token deployer -n ci --audience https:\/\/prod-b\.example\.com --duration 3600s/);
    assert.deepEqual(plan.expectedUser, { username: 'prod-a:system:serviceaccount:ci:deployer', groups: ['prod-a:system:serviceaccounts', 'prod-a:system:serviceaccounts:ci', 'system:authenticated'] });
  });

  it('binds the namespace group, or every ServiceAccount of A cluster-wide, when B accepts more than one', () => {
    const ns = planCrossClusterTrust(A, B, { ...CHOICES, accept: { namespace: 'ci' } });
    assert.match(ns.documents[2].content, /kind: Group\n\s+name: prod-a:system:serviceaccounts:ci/);
    const all = objects(planCrossClusterTrust(A, B, { ...CHOICES, accept: {}, grant: { clusterRole: 'view' } }).documents[2].content)[0] as { kind: string; subjects: { name: string }[] };
    assert.equal(all.kind, 'ClusterRoleBinding');
    assert.equal(all.subjects[0].name, 'prod-a:system:serviceaccounts');
  });

  it('names what would make B refuse it: the same issuer, A\'s own audience, an old B, a system: or empty prefix, a mint outside the scope', () => {
    const problems = (a: Partial<IssuerSideFacts>, b: Partial<AcceptingSideFacts>, c: Partial<TrustChoices>): string => planCrossClusterTrust({ ...A, ...a }, { ...B, ...b }, { ...CHOICES, ...c }).problems.join('\n');
    assert.match(problems({}, { issuer: A.issuer }, {}), /Both clusters use the issuer https:\/\/kubernetes\.default\.svc\.cluster\.local/);
    assert.match(problems({}, {}, { audience: A.issuer }), /one of cluster A's own API audiences/);
    assert.match(problems({ apiAudiences: ['vault', 'https://api.a'] }, {}, { audience: 'vault' }), /one of cluster A's own API audiences/);
    assert.match(problems({}, { minor: 28 }, {}), /1\.28: --authentication-config with these fields needs 1\.30/);
    assert.match(problems({}, {}, { prefix: 'system:a:' }), /must not be empty nor start with system:/);
    assert.match(problems({}, {}, { prefix: '' }), /must not be empty/);
    assert.match(problems({}, {}, { mint: { namespace: 'ci', serviceAccount: 'other', expirationSeconds: 600 } }), /accepts only ci\/deployer, but the token request is for ci\/other/);
    assert.equal(problems({}, {}, {}), '');
  });

  it('writes v1beta1 for B on 1.31 and says so', () => {
    const plan = planCrossClusterTrust(A, { ...B, minor: 31 }, CHOICES);
    assert.equal(objects(plan.documents[0].content)[0].apiVersion, 'apiserver.config.k8s.io/v1beta1');
    assert.match(plan.documents[0].content, /# apiserver\.config\.k8s\.io\/v1beta1: the version Kubernetes 1\.31 reads/);
  });

  it('says what a managed B offers instead of the flag (EKS, AKS with its aks:jwt: prefix, GKE), with the page', () => {
    const eksB = { ...B, issuer: 'https://oidc.eks.us-east-1.amazonaws.com/id/B1' };
    assert.match(planCrossClusterTrust(A, eksB, CHOICES).problems.join(' '), /EKS\) cannot fetch discovery from A's API server/, 'A\'s issuer resolves nowhere: EKS has no discoveryURL');
    const publicA: IssuerSideFacts = { ...A, issuer: 'https://oidc.prod-a.example.com', issuerDiscovery: 'ok', jwksUri: 'https://oidc.prod-a.example.com/keys', anonymousJwks: 'ok' };
    assert.deepEqual(planCrossClusterTrust(publicA, eksB, CHOICES).problems, [], 'a public issuer works for EKS');
    const eks = planCrossClusterTrust(A, eksB, CHOICES);
    assert.match(eks.documents[0].content, /aws eks associate-identity-provider-config .*issuerUrl=https:\/\/kubernetes\.default\.svc\.cluster\.local,clientId=https:\/\/prod-b\.example\.com,usernameClaim=sub,usernamePrefix=prod-a:/);
    assert.match(eks.documents[0].content, /# https:\/\/docs\.aws\.amazon\.com\/cli\/latest\/reference\/eks\/associate-identity-provider-config\.html/);
    const aksIssuer = 'https://eastus.oic.prod-aks.azure.com/tenant/uuid/';
    assert.match(planCrossClusterTrust(A, { ...B, issuer: aksIssuer }, CHOICES).problems.join(' '), /AKS requires mapped names to start with aks:jwt:/);
    const aks = planCrossClusterTrust(publicA, { ...B, issuer: aksIssuer }, { ...CHOICES, prefix: 'aks:jwt:prod-a:' });
    assert.deepEqual(aks.problems, []);
    assert.match(aks.documents[0].content, /az aks jwtauthenticator add/);
    const gke = planCrossClusterTrust(A, { ...B, issuer: 'https://container.googleapis.com/v1/projects/p/locations/l/clusters/c' }, CHOICES);
    assert.match(gke.documents[0].content, /GKE documents no JWT authenticator/);
    assert.match(gke.problems.join(' '), /cannot be installed there/);
    assert.match(planCrossClusterTrust(A, { ...B, issuer: undefined }, CHOICES).notes.join(' '), /clash with A's issuer was not checked.*EKS, GKE and AKS/);
  });

  it('keeps every document exactly what it says whatever the names and issuer hold (fast-check)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 30 });
    fc.assert(
      fc.property(text, text, text, text, (context, issuerPath, audience, prefix) => {
        const issuer = `https://issuer.example/${encodeURIComponent(issuerPath)}`;
        const plan = planCrossClusterTrust({ ...A, context, issuer }, { ...B, context: `${context}-b` }, { ...CHOICES, audience: audience || 'x', prefix: `p${prefix}` });
        const docs = plan.documents.map((d) => objects(d.content));
        assert.deepEqual(docs.map((d) => d.length), plan.documents.map(() => 1), 'one object per document, no injected ones');
        const config = docs[0][0] as { jwt: { issuer: { url: string; audiences: string[] }; claimMappings: { username: { prefix: string } } }[] };
        assert.equal(config.jwt[0].issuer.url, issuer);
        assert.deepEqual(config.jwt[0].issuer.audiences, [audience || 'x']);
        assert.equal(config.jwt[0].claimMappings.username.prefix, `p${prefix}`);
        for (const d of plan.documents) assert.match(d.name, /^[a-z0-9-]+\.yaml$/);
      }),
      { numRuns: 150 },
    );
  });

  it('slugs names to lower-case letters, digits and dashes', () => {
    assert.equal(nameSlug('arn:aws:eks:us-east-1:123:cluster/Prod'), 'arn-aws-eks-us-east-1-123-cluster-prod');
    assert.equal(nameSlug('--'), '');
  });
});
