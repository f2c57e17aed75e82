/**
 * The questions of Set Up Cross-Cluster Trust after both clusters are known: which ServiceAccount
 * of A, which of A's tokens B accepts, the audience, the prefix, and what B grants. A given answer
 * (argument object) skips its question; a token from the doctor answers the first ones.
 */
import * as vscode from 'vscode';
import type { TokenClaims } from '../jwt/claims';
import type { Services } from '../services';
import type { IssuerSideFacts } from './issuerSide';
import { SA_USER_PREFIX } from './trustConfig';
import type { AcceptingSideFacts, TrustChoices } from './trustPlan';

export interface Questions {
  services: Services;
  a: IssuerSideFacts;
  b: AcceptingSideFacts;
  claims?: TokenClaims;
  given: Partial<TrustChoices>;
  defaultPrefix: string;
  acceptingContext: string;
  /** Namespace and ServiceAccount of A, picked from A's lists (undefined when A is not a context). */
  pickServiceAccount: () => Promise<{ namespace: string; serviceAccount: string } | undefined>;
}

const STEPS = 5;
const title = (step: number, what: string): string => vscode.l10n.t('Cross-cluster trust ({0}/{1}): {2}', step, STEPS, what);
const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;

async function serviceAccountOfA(q: Questions): Promise<{ namespace: string; serviceAccount: string } | undefined> {
  const g = q.given.mint;
  if (g?.namespace && g.serviceAccount) return { namespace: g.namespace, serviceAccount: g.serviceAccount };
  const k = q.claims?.kubernetes;
  const ns = k?.namespace ?? q.claims?.subjectServiceAccount?.namespace;
  const sa = k?.serviceAccount?.name ?? q.claims?.subjectServiceAccount?.name;
  if (ns && sa) return { namespace: ns, serviceAccount: sa };
  const picked = await q.pickServiceAccount();
  if (picked) return picked;
  if (q.a.context) return undefined;
  const typed = await vscode.window.showInputBox({
    title: title(1, vscode.l10n.t('the ServiceAccount of A')),
    prompt: vscode.l10n.t('namespace/name of the ServiceAccount whose tokens B should accept'),
    ignoreFocusOut: true,
    validateInput: (v) => (/^[a-z0-9-]+\/[a-z0-9.-]+$/.test(v.trim()) ? undefined : vscode.l10n.t('namespace/name, e.g. ci/deployer')),
  });
  const [namespace, serviceAccount] = typed?.trim().split('/') ?? [];
  return namespace && serviceAccount ? { namespace, serviceAccount } : undefined;
}

async function scope(q: Questions, sa: { namespace: string; serviceAccount: string }): Promise<TrustChoices['accept'] | undefined> {
  if (q.given.accept) return q.given.accept;
  const items = [
    { label: vscode.l10n.t('Only {0}/{1}', sa.namespace, sa.serviceAccount), description: vscode.l10n.t('recommended'), accept: { namespace: sa.namespace, serviceAccount: sa.serviceAccount } },
    { label: vscode.l10n.t('Every ServiceAccount of namespace {0}', sa.namespace), accept: { namespace: sa.namespace } },
    { label: vscode.l10n.t('Every ServiceAccount of cluster A'), description: vscode.l10n.t('bind only what each may do'), accept: {} },
  ];
  return (await vscode.window.showQuickPick(items, { title: title(2, vscode.l10n.t('which tokens of A cluster B accepts')), ignoreFocusOut: true }))?.accept;
}

/** A token minted for an audience that is not A's own shows which audience B should accept. */
function defaultAudience(q: Questions): string {
  const own = new Set(q.a.apiAudiences ?? [q.a.issuer]);
  return q.claims?.audiences.find((a) => !own.has(a)) ?? q.b.server ?? q.acceptingContext;
}

async function audience(q: Questions): Promise<string | undefined> {
  if (q.given.audience) return q.given.audience;
  const own = new Set(q.a.apiAudiences ?? [q.a.issuer]);
  return vscode.window.showInputBox({
    title: title(3, vscode.l10n.t('the audience cluster B accepts')),
    prompt: vscode.l10n.t('Tokens of A must be minted for it (--audience). It must not be one of A\'s own API audiences.'),
    value: defaultAudience(q),
    ignoreFocusOut: true,
    validateInput: (v) => (!v.trim() ? vscode.l10n.t('An audience is required') : own.has(v.trim()) ? vscode.l10n.t('This is one of A\'s own API audiences: tokens for A would work on B too') : undefined),
  }).then((v) => v?.trim());
}

async function prefix(q: Questions): Promise<string | undefined> {
  if (q.given.prefix !== undefined) return q.given.prefix;
  return vscode.window.showInputBox({
    title: title(4, vscode.l10n.t('the prefix of mapped names on B')),
    prompt: vscode.l10n.t('Cluster B sees {0}<namespace>:<name> and groups with this prefix, so they cannot clash with its own.', `<prefix>${SA_USER_PREFIX}`),
    value: q.defaultPrefix,
    ignoreFocusOut: true,
    validateInput: (v) => (!v ? vscode.l10n.t('A prefix is required') : v.startsWith('system:') ? vscode.l10n.t('It must not start with system:') : undefined),
  });
}

async function grant(q: Questions, sa: { namespace: string }): Promise<TrustChoices['grant'] | undefined> {
  if (q.given.grant) return q.given.grant;
  const kube = q.services.session.module();
  const client = q.services.session.connections().client(q.acceptingContext);
  let names: string[] = [];
  try {
    names = (await kube.listNamespaces(client, { limit: 500 })).items.map((n) => n.name);
  } catch (e) {
    q.services.log.warn(`could not list namespaces of ${q.acceptingContext}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const ordered = [...new Set([...(names.includes(sa.namespace) ? [sa.namespace] : []), ...names.sort()])];
  const everywhere = '\u0000all';
  const picked = await vscode.window.showQuickPick(
    [...ordered.map((n) => ({ label: n, value: n })), { label: vscode.l10n.t('Every namespace'), description: vscode.l10n.t('a ClusterRoleBinding'), value: everywhere }],
    { title: title(5, vscode.l10n.t('where cluster B grants it a role')), placeHolder: vscode.l10n.t('Namespace of cluster B'), ignoreFocusOut: true },
  );
  if (!picked) return undefined;
  const roles = [
    { label: 'view', description: vscode.l10n.t('read most objects, not Secrets') },
    { label: 'edit', description: vscode.l10n.t('read and change most objects') },
    { label: 'admin', description: vscode.l10n.t('everything in a namespace, RBAC included') },
  ];
  const role = await vscode.window.showQuickPick(roles, { title: title(5, vscode.l10n.t('which ClusterRole cluster B grants')), ignoreFocusOut: true });
  if (!role) return undefined;
  return picked.value === everywhere ? { clusterRole: role.label } : { clusterRole: role.label, namespace: DNS_LABEL.test(picked.value) ? picked.value : sa.namespace };
}

/** Every choice, asked or given; undefined when the user cancels. */
export async function askChoices(q: Questions): Promise<TrustChoices | undefined> {
  const sa = await serviceAccountOfA(q);
  if (!sa) return undefined;
  const accept = await scope(q, sa);
  if (!accept) return undefined;
  const aud = await audience(q);
  if (!aud) return undefined;
  const pre = await prefix(q);
  if (pre === undefined) return undefined;
  const g = await grant(q, sa);
  if (!g) return undefined;
  return { audience: aud, prefix: pre, accept, grant: g, mint: { ...sa, expirationSeconds: q.given.mint?.expirationSeconds ?? 3600 } };
}
