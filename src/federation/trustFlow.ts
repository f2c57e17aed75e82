/**
 * Set Up Cross-Cluster Trust: picks cluster A (whose tokens) and cluster B (which accepts them)
 * among the kubeconfig contexts, reads both through src/kube, asks what B should accept and grant,
 * and returns the plan (trustPlan.ts). Every answer can come from the argument object instead of a
 * prompt (the doctor passes the token, the accepting context and the issuer; tests pass all).
 */
import * as vscode from 'vscode';
import { nonEmptyString } from '../common/args';
import { decodeJwt } from '../jwt/decode';
import { readClaims, type TokenClaims } from '../jwt/claims';
import type { IssuerClusterFacts, AcceptingClusterFacts } from '../kube/federation';
import { ClusterSession } from '../kube/session';
import type { Services } from '../services';
import { isTreeNode, resolveTarget } from '../tokens/targets';
import { contextOf } from '../tree/model';
import { issuerSideFactsFrom, type IssuerSideFacts } from './issuerSide';
import { AKS_REQUIRED_PREFIX } from './managedClusters';
import { acceptingSideFactsFrom, planCrossClusterTrust, nameSlug, type AcceptingSideFacts, type TrustChoices, type TrustPlan } from './trustPlan';
import { askChoices } from './trustQuestions';

export interface TrustArgs {
  /** A token of A (from the doctor): its issuer, audiences and ServiceAccount are the defaults. In memory only. */
  token?: string;
  issuerContext?: string;
  acceptingContext?: string;
  /** A's issuer when A is not among the contexts (from the token). */
  issuer?: string;
  choices?: Partial<TrustChoices>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The argument as TrustArgs: a context node of the tree makes its context cluster B. */
export function trustArgs(arg: unknown): TrustArgs {
  if (isTreeNode(arg)) {
    const context = contextOf(arg);
    return context ? { acceptingContext: context } : {};
  }
  if (!isRecord(arg)) return {};
  return {
    token: nonEmptyString(arg.token),
    issuerContext: nonEmptyString(arg.issuerContext),
    acceptingContext: nonEmptyString(arg.acceptingContext),
    issuer: nonEmptyString(arg.issuer),
    choices: isRecord(arg.choices) ? (arg.choices as Partial<TrustChoices>) : undefined,
  };
}

function claimsOf(token: string | undefined): TokenClaims | undefined {
  if (!token) return undefined;
  const d = decodeJwt(token);
  return d.ok ? readClaims(d) : undefined;
}

const OUTSIDE = '\u0000outside';

async function pickContext(services: Services, title: string, placeHolder: string, exclude: string | undefined, outside?: string): Promise<string | undefined> {
  const loaded = services.session.connections().kubeconfigs;
  const items: (vscode.QuickPickItem & { value: string })[] = loaded.contexts
    .filter((c) => c.name !== exclude)
    .sort((a, b) => Number(b.isCurrent) - Number(a.isCurrent))
    .map((c) => ({ label: c.name, description: c.server, value: c.name }));
  if (outside) items.push({ label: vscode.l10n.t('Not in my kubeconfig'), description: vscode.l10n.t('use the token\'s issuer {0}', outside), value: OUTSIDE });
  if (items.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Cross-cluster trust needs two clusters: add the kubeconfig of the other cluster first.'));
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true }))?.value;
}

interface Gathered {
  a?: IssuerClusterFacts;
  b: AcceptingClusterFacts;
}

async function gather(services: Services, issuerContext: string | undefined, acceptingContext: string): Promise<Gathered> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading both clusters…'), cancellable: true },
    async (_p, cancelToken) => {
      const cancel = ClusterSession.signalFor(cancelToken);
      try {
        const kube = services.session.module();
        const conns = services.session.connections();
        const [a, b] = await Promise.all([
          issuerContext ? kube.gatherIssuerFacts(conns.client(issuerContext), cancel.signal) : undefined,
          kube.gatherAcceptingFacts(conns.client(acceptingContext), cancel.signal),
        ]);
        return { a, b };
      } finally {
        cancel.dispose();
      }
    },
  );
}

/** A's facts for the plan: from its context, or from the token's issuer when A is not a context. */
function issuerSide(g: Gathered, issuerHint: string | undefined): IssuerSideFacts | string {
  if (g.a) {
    const side = issuerSideFactsFrom(g.a);
    if (side) return side;
    const why = g.a.discovery.ok ? vscode.l10n.t('it publishes no issuer') : g.a.discovery.error.message;
    if (!issuerHint) return vscode.l10n.t('Could not read the issuer of context "{0}": {1}', g.a.context, why);
    return { context: g.a.context, issuer: issuerHint, server: g.a.server, caPem: g.a.caPem, anonymousDiscovery: g.a.anonymousDiscovery.status, apiAudiences: g.a.apiAudiences };
  }
  return issuerHint ? { issuer: issuerHint } : vscode.l10n.t('Pick the context of the cluster that issues the tokens.');
}

/** Default prefix: the issuer cluster's name and a colon; AKS requires aks:jwt: before it. */
export function defaultPrefix(a: IssuerSideFacts, b: AcceptingSideFacts): string {
  const base = `${nameSlug(a.context ?? new URL(a.issuer).hostname.split('.')[0] ?? 'federated') || 'federated'}:`;
  return b.issuer && /\.oic\.prod-aks\.azure\.com\//.test(b.issuer) ? `${AKS_REQUIRED_PREFIX}${base}` : base;
}

/** A planned trust, with what a check on B needs. */
export interface TrustRun {
  plan: TrustPlan;
  choices: TrustChoices;
  acceptingContext: string;
  /** Undefined when A is not one of the contexts (nothing can be minted there from here). */
  issuerContext?: string;
}

/** Runs the flow; undefined when the user cancels or a cluster cannot be read. */
export async function runTrustFlow(services: Services, arg: unknown): Promise<TrustRun | undefined> {
  const args = trustArgs(arg);
  const claims = claimsOf(args.token);
  const issuerHint = args.issuer ?? claims?.issuer;
  const acceptingContext =
    args.acceptingContext ?? (await pickContext(services, vscode.l10n.t('Cross-cluster trust (1/2): the cluster that accepts the tokens (B)'), vscode.l10n.t('Its API server will accept ServiceAccount tokens of the other cluster'), undefined));
  if (!acceptingContext) return undefined;
  let issuerContext = args.issuerContext;
  if (!issuerContext) {
    const picked = await pickContext(
      services,
      vscode.l10n.t('Cross-cluster trust (2/2): the cluster that issues the tokens (A)'),
      issuerHint ? vscode.l10n.t('The cluster whose issuer is {0}', issuerHint) : vscode.l10n.t('Its ServiceAccount tokens will work on {0}', acceptingContext),
      acceptingContext,
      issuerHint,
    );
    if (!picked) return undefined;
    issuerContext = picked === OUTSIDE ? undefined : picked;
  }
  const gathered = await gather(services, issuerContext, acceptingContext);
  const a = issuerSide(gathered, issuerHint);
  if (typeof a === 'string') {
    void vscode.window.showErrorMessage(a);
    return undefined;
  }
  const b = acceptingSideFactsFrom(gathered.b);
  const target = async (): Promise<{ namespace: string; serviceAccount: string } | undefined> =>
    issuerContext ? resolveTarget(services.session, { context: issuerContext }) : undefined;
  const choices = await askChoices({ services, a, b, claims, given: args.choices ?? {}, defaultPrefix: defaultPrefix(a, b), pickServiceAccount: target, acceptingContext });
  if (!choices) return undefined;
  const plan = planCrossClusterTrust(a, b, choices);
  if (claims?.issuer && claims.issuer !== a.issuer) {
    plan.notes.unshift(vscode.l10n.t('The token was issued by {0}, but cluster A ({1}) issues {2}: it is not a token of A.', claims.issuer, a.context ?? '?', a.issuer));
  }
  return { plan, choices, acceptingContext, issuerContext };
}
