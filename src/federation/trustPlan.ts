/**
 * Cross-cluster trust, the plan: from what clusters A (issuer) and B (accepting) said about
 * themselves and the user's choices, every document that makes B accept A's ServiceAccount
 * tokens, with what must hold for it to work. Pure: tests feed it plain facts, and the real-cluster
 * test applies its documents as they are.
 *
 *   B: authentication-config-<B>.yaml  the AuthenticationConfiguration for --authentication-config
 *   A: issuer-discovery-<A>.yaml       lets B's API server (an anonymous caller) read A's discovery
 *   B: rbac-<B>-<who>.yaml             what the mapped identity may do on B
 *   A: token-request-<A>-<ns>-<sa>.yaml the TokenRequest that mints a token B accepts
 */
import { trimChars, trimEndChars } from '../text/displayText';
import * as l10n from '@vscode/l10n';
import { yaml } from '../loader/yaml';
import { providerOfIssuer, type ProviderId } from '../jwt/providers';
import { managedAcceptorNote, type ManagedAcceptorNote } from './managedClusters';
import { authenticationConfigApiVersion, authenticationConfiguration, extraKeyDomainFor, jwtAuthenticator, mappedGroups, mappedUser, SA_GROUP, type AcceptedScope, type IssuerSpec } from './trustConfig';
import { issuerSideOf, type IssuerSideFacts } from './issuerSide';
import type { AcceptingClusterFacts } from '../kube/federation';

export interface AcceptingSideFacts {
  context: string;
  server?: string;
  /** B's own `--service-account-issuer` (from its discovery), when readable. */
  issuer?: string;
  /** B's Kubernetes minor version (1.<minor>), when known. */
  minor?: number;
}

/** The plan's view of what src/kube/federation.ts read from cluster B. */
export function acceptingSideFactsFrom(b: AcceptingClusterFacts): AcceptingSideFacts {
  return { context: b.context, server: b.server, issuer: b.discovery.ok ? b.discovery.value.issuer || undefined : undefined, minor: b.version.ok ? b.version.value.minor : undefined };
}

export interface TrustChoices {
  /** The audience B accepts; A's tokens must be minted for it. */
  audience: string;
  /** Put before every mapped user and group name (`cluster-a:`). */
  prefix: string;
  accept: AcceptedScope;
  /** What the mapped identity gets on B: a ClusterRole, bound in `namespace` (a RoleBinding) or cluster-wide. */
  grant: { clusterRole: string; namespace?: string };
  /** The ServiceAccount of A the token request is for, and its lifetime. */
  mint: { namespace: string; serviceAccount: string; expirationSeconds: number };
}

export interface TrustDocument {
  /** Untitled document name: `authentication-config-prod-b.yaml`. */
  name: string;
  /** Which cluster it is for. */
  cluster: 'issuer' | 'accepting';
  content: string;
}

export interface TrustPlan {
  documents: TrustDocument[];
  /** The flag B's kube-apiserver needs. */
  apiServerFlag: string;
  /** What `kubectl auth whoami` on B shows for the minted token. */
  expectedUser: { username: string; groups: string[] };
  /** Why B would refuse the configuration or the token (fix these first). */
  problems: string[];
  /** What the extension could not check, or that needs doing elsewhere. */
  notes: string[];
  /** B runs on a managed service: what it offers instead of the flag. */
  managed?: ManagedAcceptorNote;
}

export const CONFIG_PATH = '/etc/kubernetes/authentication-config.yaml';

/** Lower-case letters, digits and dashes: names of documents and objects. */
export function nameSlug(s: string, max = 40): string {
  const cleaned = s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return trimEndChars(trimChars(cleaned, '-').slice(0, max), '-');
}

/** YAML comment lines. Names in them come from clusters and kubeconfigs: a line break would end the comment, so none survives. */
// eslint-disable-next-line no-control-regex
const comment = (lines: readonly string[]): string => lines.map((l) => `# ${l.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ')}`.trimEnd()).join('\n');
const yamlText = (o: unknown): string => yaml().stringify(o, { lineWidth: 0 });

/** Who on B gets the grant: the one ServiceAccount, its namespace's group, or every ServiceAccount of A. */
function subjectOf(c: TrustChoices): { kind: 'User' | 'Group'; name: string; slug: string } {
  const { namespace, serviceAccount } = c.accept;
  if (namespace !== undefined && serviceAccount !== undefined) return { kind: 'User', name: mappedUser(c.prefix, namespace, serviceAccount), slug: `${nameSlug(namespace)}-${nameSlug(serviceAccount)}` };
  if (namespace !== undefined) return { kind: 'Group', name: mappedGroups(c.prefix, namespace)[1], slug: `${nameSlug(namespace)}-serviceaccounts` };
  return { kind: 'Group', name: `${c.prefix}${SA_GROUP}`, slug: 'serviceaccounts' };
}

function problemsOf(issuer: IssuerSpec, b: AcceptingSideFacts, c: TrustChoices, apiAudiences: readonly string[], provider: ProviderId | undefined): string[] {
  const out: string[] = [];
  if ((provider === 'eks' || provider === 'aks') && (issuer.discoveryUrl || issuer.certificateAuthority)) {
    // Neither the EKS --oidc structure nor the AKS JWT authenticator has a discovery URL or a CA (managedClusters.ts).
    out.push(l10n.t('Cluster B ({0}) cannot fetch discovery from A\'s API server: its identity federation has no discovery URL and no CA. A\'s issuer URL itself must serve discovery publicly with a publicly trusted certificate.', provider === 'eks' ? 'EKS' : 'AKS'));
  }
  if (provider === 'gke') out.push(l10n.t('Cluster B runs on GKE, which documents no way to accept another cluster\'s ServiceAccount tokens: this configuration cannot be installed there.'));
  if (b.issuer !== undefined && b.issuer === issuer.url) {
    // validation.go validateURL: "URL must not overlap with disallowed issuers" (B's --service-account-issuer values).
    out.push(l10n.t('Both clusters use the issuer {0}. Cluster B refuses an authenticator for its own issuer, and a token could not tell the clusters apart. Give cluster A its own issuer: put a new, unique --service-account-issuer first on A (keep the old one after it while its tokens are still in use).', issuer.url));
  }
  if (b.minor !== undefined && authenticationConfigApiVersion(b.minor) === undefined) {
    out.push(l10n.t('Cluster B runs Kubernetes 1.{0}: --authentication-config with these fields needs 1.30 or later.', b.minor));
  }
  if (apiAudiences.includes(c.audience)) {
    out.push(l10n.t('The audience {0} is one of cluster A\'s own API audiences: every token A mints for its own API would then work on B too. Choose an audience that names B.', c.audience));
  }
  if (c.prefix === '' || c.prefix.startsWith('system:')) {
    out.push(l10n.t('The prefix must not be empty nor start with system:, or A\'s ServiceAccounts could pass for B\'s own users and groups.'));
  }
  if (provider === 'aks' && !c.prefix.startsWith('aks:jwt:')) {
    out.push(l10n.t('AKS requires mapped names to start with aks:jwt: (the prefix is {0}).', c.prefix));
  }
  if (c.accept.serviceAccount !== undefined && (c.accept.namespace !== c.mint.namespace || c.accept.serviceAccount !== c.mint.serviceAccount)) {
    out.push(l10n.t('Cluster B accepts only {0}/{1}, but the token request is for {2}/{3}.', c.accept.namespace ?? '?', c.accept.serviceAccount, c.mint.namespace, c.mint.serviceAccount));
  } else if (c.accept.namespace !== undefined && c.accept.namespace !== c.mint.namespace) {
    out.push(l10n.t('Cluster B accepts only namespace {0}, but the token request is for {1}/{2}.', c.accept.namespace, c.mint.namespace, c.mint.serviceAccount));
  }
  return out;
}

/** Every document, problem and note of the trust between A and B. */
export function planCrossClusterTrust(a: IssuerSideFacts, b: AcceptingSideFacts, c: TrustChoices): TrustPlan {
  const side = issuerSideOf(a);
  const providerB = b.issuer ? providerOfIssuer(b.issuer)?.id : undefined;
  const aName = nameSlug(a.context ?? a.issuer.replace(/^https:\/\//, '')) || 'issuer';
  const bName = nameSlug(b.context) || 'accepting';
  const apiVersion = authenticationConfigApiVersion(b.minor) ?? 'apiserver.config.k8s.io/v1';
  const authenticator = jwtAuthenticator({ issuer: side.issuer, audience: c.audience, prefix: c.prefix, accept: c.accept, extraKeyDomain: extraKeyDomainFor(a.issuer) });
  const managed = providerB ? managedAcceptorNote(providerB, { issuer: a.issuer, audience: c.audience, prefix: c.prefix, name: aName }) : undefined;
  const apiServerFlag = `--authentication-config=${CONFIG_PATH}`;
  const scope = c.accept.serviceAccount !== undefined ? `${c.accept.namespace}/${c.accept.serviceAccount}` : c.accept.namespace !== undefined ? l10n.t('namespace {0}', c.accept.namespace) : l10n.t('every ServiceAccount');

  const documents: TrustDocument[] = [];
  documents.push({
    name: `authentication-config-${bName}.yaml`,
    cluster: 'accepting',
    content: `${comment([
      l10n.t('Cluster B ({0}) accepts ServiceAccount tokens of cluster A ({1}):', b.context, a.context ?? a.issuer),
      `  ${l10n.t('{0}, audience {1}', scope, c.audience)}`,
      l10n.t('Save it as {0} on every control plane node of B, and start kube-apiserver with', CONFIG_PATH),
      `  ${apiServerFlag}`,
      l10n.t('(not together with the --oidc-* flags). Later changes to the file apply without a restart.'),
      ...(apiVersion === 'apiserver.config.k8s.io/v1' ? [] : [l10n.t('{0}: the version Kubernetes 1.{1} reads.', apiVersion, b.minor ?? '?')]),
      ...(managed ? ['', ...managed.lines, managed.source] : []),
    ])}\n${yamlText(authenticationConfiguration(apiVersion, [authenticator]))}`,
  });

  if (side.discoveryBinding) {
    documents.push({
      name: `issuer-discovery-${aName}.yaml`,
      cluster: 'issuer',
      content: `${comment([
        l10n.t('For cluster A ({0}): lets anyone, cluster B\'s API server included, read A\'s issuer discovery', a.context ?? a.issuer),
        l10n.t('(/.well-known/openid-configuration and /openid/v1/jwks: public keys, nothing secret). Apply it on A.'),
      ])}\n${yamlText(side.discoveryBinding)}`,
    });
  }

  const subject = subjectOf(c);
  const bindingName = trimEndChars(`${nameSlug(c.prefix, 20) || 'federated'}-${subject.slug}-${nameSlug(c.grant.clusterRole, 20)}`.slice(0, 63), '-');
  const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: c.grant.clusterRole };
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: c.grant.namespace !== undefined ? 'RoleBinding' : 'ClusterRoleBinding',
    metadata: c.grant.namespace !== undefined ? { name: bindingName, namespace: c.grant.namespace } : { name: bindingName },
    roleRef,
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: subject.kind, name: subject.name }],
  };
  const where = c.grant.namespace !== undefined ? l10n.t('in namespace {0}', c.grant.namespace) : l10n.t('in every namespace');
  documents.push({
    name: `rbac-${bName}-${subject.slug}.yaml`,
    cluster: 'accepting',
    content: `${comment([l10n.t('For cluster B ({0}): {1} {2} gets ClusterRole {3} {4}.', b.context, subject.kind, subject.name, c.grant.clusterRole, where)])}\n${yamlText(binding)}`,
  });

  const m = c.mint;
  const tokenRequest = {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: { name: m.serviceAccount, namespace: m.namespace },
    spec: { audiences: [c.audience], expirationSeconds: m.expirationSeconds },
  };
  documents.push({
    name: `token-request-${aName}-${nameSlug(m.namespace)}-${nameSlug(m.serviceAccount)}.yaml`,
    cluster: 'issuer',
    content: `${comment([
      l10n.t('On cluster A ({0}): a token of {1}/{2} that cluster B accepts. Mint it with', a.context ?? a.issuer, m.namespace, m.serviceAccount),
      `  kubectl${a.context ? ` --context ${a.context}` : ''} create token ${m.serviceAccount} -n ${m.namespace} --audience ${c.audience} --duration ${m.expirationSeconds}s`,
      l10n.t('or POST this TokenRequest to /api/v1/namespaces/{0}/serviceaccounts/{1}/token.', m.namespace, m.serviceAccount),
    ])}\n${yamlText(tokenRequest)}`,
  });

  const notes = [...side.notes];
  if (!b.issuer) notes.push(l10n.t('Cluster B\'s own issuer could not be read, so a clash with A\'s issuer was not checked.'));
  if (b.minor === undefined) notes.push(l10n.t('Cluster B\'s version could not be read: the file uses apiserver.config.k8s.io/v1 (Kubernetes 1.34 and later; v1beta1 from 1.30).'));
  if (!managed && !providerB) {
    notes.push(l10n.t('On EKS, GKE and AKS the control plane flags cannot be set; each has its own identity federation (EKS: OIDC identity provider configuration; AKS: structured authentication JWT authenticators, preview; GKE: none for ServiceAccount tokens of another cluster).'));
  }
  notes.push(l10n.t('This extension cannot see cluster B\'s network: only a token of A accepted by B proves that B reaches A\'s discovery. After applying, mint the token and run kubectl auth whoami with it on B.'));

  return {
    documents,
    apiServerFlag,
    expectedUser: { username: mappedUser(c.prefix, m.namespace, m.serviceAccount), groups: [...mappedGroups(c.prefix, m.namespace), 'system:authenticated'] },
    problems: problemsOf(side.issuer, b, c, a.apiAudiences ?? [a.issuer], providerB),
    notes,
    managed,
  };
}
