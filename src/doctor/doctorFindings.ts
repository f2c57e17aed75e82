/**
 * The token doctor's judgement: from a decoded token and the facts one cluster gave about it
 * (src/kube/doctor.ts), a list of findings, each with a severity, a title, the detail and a fix.
 * Pure: no `vscode`, no network; strings through @vscode/l10n.
 */
import * as l10n from '@vscode/l10n';
import { describePermission } from '../errors/describe';
import type { DoctorTarget, Fact, FactError, ObjectFacts, TokenClusterFacts } from '../kube/doctor';
import { bindingOf, type TokenClaims } from '../jwt/claims';
import type { Explanation } from '../jwt/explain';
import { explainRejection, remintFix, type RejectionContext } from './reviewErrors';
import { summarizeRules } from './rulesSummary';
import { signatureFindings } from './signatureFindings';
import type { DoctorReport, Finding } from './findings';

/** What the cluster side must look up for this token. */
export function doctorTarget(c: TokenClaims): DoctorTarget {
  const k = c.kubernetes;
  const binding = bindingOf(k);
  const namespace = k?.namespace ?? c.subjectServiceAccount?.namespace;
  const serviceAccount = k?.serviceAccount?.name ?? c.subjectServiceAccount?.name;
  return {
    namespace,
    serviceAccount,
    bound: binding?.ref.name ? { kind: binding.kind, name: binding.ref.name } : undefined,
    legacy: c.kind === 'legacy',
    audiences: c.audiences,
  };
}

export function describeFactError(e: FactError): string {
  if (e.kind === 'forbidden' && e.permission) return l10n.t('{0} may not {1}.', e.permission.user, describePermission(e.permission));
  return e.message;
}

/** Findings from the token alone (no cluster): expiry, staleness, legacy risk. */
export function tokenFindings(x: Explanation): Finding[] {
  const c = x.claims;
  const ctx = rejectionContext(c);
  switch (x.status) {
    case 'expired':
      return [{ code: 'expired', severity: 'error', title: x.statusText, detail: l10n.t('Every cluster refuses a token after its exp time.'), fix: remintFix(ctx) }];
    case 'notYetValid':
      return [{ code: 'notYetValid', severity: 'error', title: x.statusText, detail: l10n.t('Clusters refuse a token before its nbf time (with one minute of leeway).'), fix: l10n.t('Check the clocks of this machine and of the issuer.') }];
    case 'expiresSoon':
      return [{ code: 'expiresSoon', severity: 'warning', title: x.statusText, detail: l10n.t('Whatever uses this token will start failing soon.'), fix: remintFix(ctx) }];
    case 'stale':
      return [{ code: 'stale', severity: 'warning', title: x.statusText, detail: l10n.t('The kubelet would have replaced this copy already; the API server still accepts it but flags every use as stale (authentication.k8s.io/stale-token).'), fix: l10n.t('Read the token from the projected volume file each time instead of keeping a copy.') }];
    case 'legacyNoExpiry':
      return [{ code: 'legacy', severity: 'warning', title: l10n.t('Legacy Secret-based token: it never expires'), detail: l10n.t('It stays valid until its Secret "{0}" or its ServiceAccount is deleted; anyone holding a copy keeps access.', c.legacySecretName ?? '?'), fix: l10n.t('Replace it with a short-lived token (kubectl create token, or a projected serviceAccountToken volume), then delete the Secret.') }];
    default:
      return [];
  }
}

function rejectionContext(c: TokenClaims): RejectionContext {
  const t = doctorTarget(c);
  return { namespace: t.namespace, serviceAccount: t.serviceAccount, tokenAudiences: c.audiences, boundKind: t.bound?.kind, boundName: t.bound?.name };
}

/** jwt.DefaultLeeway: claims.go still accepts a token whose object was deleted less than 60 s ago. */
const DELETION_LEEWAY_MS = 60_000;

/**
 * The rejection the API server owes a token it just accepted: kube-apiserver caches a successful
 * authentication for 10 s (TokenSuccessCacheTTL), so a TokenReview right after the ServiceAccount or
 * the bound object was deleted or recreated still says authenticated. The objects tell what
 * pkg/serviceaccount/claims.go will answer once the entry expires, in its own words.
 */
export function pendingRejection(x: Explanation, facts: TokenClusterFacts, now = Date.now()): string | undefined {
  const c = x.claims;
  if (c.kind === 'legacy') return undefined;
  const ctx = rejectionContext(c);
  const sa = facts.serviceAccount;
  const saUid = c.kubernetes?.serviceAccount?.uid;
  if (sa && !sa.ok && sa.error.kind === 'notFound') return `serviceaccounts "${ctx.serviceAccount ?? ''}" not found`;
  if (sa?.ok && saUid && sa.value.uid && sa.value.uid !== saUid) return `service account UID (${sa.value.uid}) does not match claim (${saUid})`;
  const binding = bindingOf(c.kubernetes);
  const bound = facts.boundObject;
  if (!binding || !bound) return undefined;
  if (!bound.ok) return bound.error.kind === 'notFound' ? 'service account token has been invalidated' : undefined;
  const kind = binding.kind.toLowerCase();
  if (binding.ref.uid && bound.value.uid && binding.ref.uid !== bound.value.uid) return `${kind} UID (${bound.value.uid}) does not match service account ${kind} ref claim (${binding.ref.uid})`;
  const deleted = bound.value.deletionTimestamp ? Date.parse(bound.value.deletionTimestamp) : NaN;
  return deleted < now - DELETION_LEEWAY_MS ? 'service account token has been invalidated' : undefined;
}

function reviewFindings(x: Explanation, facts: TokenClusterFacts, out: Finding[]): DoctorReport['verdict'] {
  const ctx = rejectionContext(x.claims);
  const review = facts.tokenReview;
  const pending = review.ok && review.value.authenticated ? pendingRejection(x, facts) : undefined;
  if (pending) {
    const r = explainRejection(pending, ctx);
    out.push({ code: r.code, severity: 'error', title: r.title, detail: r.detail, fix: r.fix });
    out.push({
      code: 'acceptedFromCache',
      severity: 'info',
      title: l10n.t('The TokenReview still accepted it'),
      detail: l10n.t('kube-apiserver remembers a successful authentication for 10 s, so a token used just before its ServiceAccount or bound object changed keeps working that long. Then it answers: {0}', pending),
    });
    return 'rejected';
  }
  if (review.ok && review.value.authenticated) {
    const u = review.value.user;
    const extra = Object.entries(u.extra ?? {}).map(([k, v]) => `${k}=${v.join(',')}`);
    out.push({
      code: 'accepted',
      severity: 'ok',
      title: l10n.t('The cluster accepts this token'),
      detail: l10n.t('TokenReview: authenticated as {0} (uid {1}), groups {2}{3}.', u.username ?? '?', u.uid ?? '?', (u.groups ?? []).join(', '), extra.length ? `; ${extra.join('; ')}` : ''),
    });
    return 'accepted';
  }
  if (review.ok) {
    const r = explainRejection(review.value.error ?? '', ctx);
    out.push({ code: r.code, severity: 'error', title: r.title, detail: r.detail, fix: r.fix });
    const own = facts.ownAudienceReview;
    if (r.code === 'rejected.audience' && own?.ok) {
      if (own.value.authenticated) {
        out.push({ code: 'ownAudienceAccepted', severity: 'info', title: l10n.t('Valid for its own audience'), detail: l10n.t('For {0} the cluster accepts it: the service it was minted for can check it with a TokenReview.', x.claims.audiences.join(', ')) });
      } else {
        const second = explainRejection(own.value.error ?? '', ctx);
        out.push({ code: second.code, severity: 'error', title: second.title, detail: second.detail, fix: second.fix });
      }
    }
    return 'rejected';
  }
  const e = review.error;
  out.push(
    e.kind === 'forbidden'
      ? {
          code: 'tokenReviewForbidden',
          severity: 'warning',
          title: l10n.t('Cannot ask the cluster with a TokenReview'),
          detail: describeFactError(e),
          fix: l10n.t('Allow your user to create tokenreviews (API group authentication.k8s.io), e.g. kubectl create clusterrolebinding {0}-auth-delegator --clusterrole=system:auth-delegator --user={0}', e.permission?.user ?? '<you>'),
        }
      : { code: 'tokenReviewFailed', severity: 'warning', title: l10n.t('The TokenReview failed'), detail: describeFactError(e) },
  );
  const self = facts.selfReview;
  if (self?.ok) {
    out.push({ code: 'selfReviewAccepted', severity: 'ok', title: l10n.t('The cluster accepts this token'), detail: l10n.t('A SelfSubjectReview made with the token says it is {0}, groups {1}.', self.value.username ?? '?', (self.value.groups ?? []).join(', ')) });
    return 'accepted';
  }
  if (self && (self.error.kind === 'unauthorized' || self.error.status === 401)) {
    out.push({ code: 'selfReviewRejected', severity: 'error', title: l10n.t('The cluster rejects this token (401 Unauthorized)'), detail: l10n.t('The API server gives no reason to the token itself; a TokenReview would say why.'), fix: remintFix(ctx) });
    return 'rejected';
  }
  return 'unknown';
}

function objectFinding(
  what: 'serviceAccount' | 'boundObject',
  label: string,
  fact: Fact<ObjectFacts> | undefined,
  claimUid: string | undefined,
  ctx: RejectionContext,
): Finding | undefined {
  if (!fact) return undefined;
  if (!fact.ok) {
    if (fact.error.kind === 'notFound') {
      const fix = what === 'serviceAccount' && ctx.serviceAccount && ctx.namespace
        ? l10n.t('Recreate it (kubectl create serviceaccount {0} -n {1}) and mint a new token.', ctx.serviceAccount, ctx.namespace)
        : remintFix(ctx);
      return { code: `${what}Deleted`, severity: 'error', title: l10n.t('{0} no longer exists', label), detail: l10n.t('Tokens of a deleted object stop working.'), fix };
    }
    return { code: `${what}Unchecked`, severity: 'info', title: l10n.t('Could not check {0}', label), detail: describeFactError(fact.error) };
  }
  if (claimUid && fact.value.uid && claimUid !== fact.value.uid) {
    return { code: `${what}Recreated`, severity: 'error', title: l10n.t('{0} was recreated', label), detail: l10n.t('It has uid {0}, the token names uid {1}: the object the token belongs to was deleted, and another one took its name.', fact.value.uid, claimUid), fix: remintFix(ctx) };
  }
  if (fact.value.deletionTimestamp) {
    return { code: `${what}Terminating`, severity: 'warning', title: l10n.t('{0} is being deleted', label), detail: l10n.t('Deletion started at {0}; the token stops working once it is gone.', fact.value.deletionTimestamp), fix: remintFix(ctx) };
  }
  return { code: `${what}Ok`, severity: 'ok', title: l10n.t('{0} exists', label), detail: claimUid ? l10n.t('Same uid as in the token ({0}).', claimUid) : l10n.t('Found on the cluster.') };
}

function clusterObjectFindings(x: Explanation, facts: TokenClusterFacts, out: Finding[]): void {
  const c = x.claims;
  const ctx = rejectionContext(c);
  const k = c.kubernetes;
  const sa = objectFinding('serviceAccount', l10n.t('ServiceAccount {0}/{1}', ctx.namespace ?? '?', ctx.serviceAccount ?? '?'), facts.serviceAccount, k?.serviceAccount?.uid, ctx);
  if (sa) out.push(sa);
  const binding = bindingOf(k);
  const bound = objectFinding('boundObject', l10n.t('Bound {0} "{1}"', ctx.boundKind ?? '?', ctx.boundName ?? '?'), facts.boundObject, c.kind === 'legacy' ? undefined : binding?.ref.uid, ctx);
  if (bound) out.push(bound);
  if (facts.legacySecret?.ok) {
    const s = facts.legacySecret.value;
    if (s.invalidSince) {
      out.push({ code: 'legacyInvalidSince', severity: 'error', title: l10n.t('Marked invalid since {0}', s.invalidSince), detail: l10n.t('The legacy token cleaner found it unused for a year; the Secret will be deleted.'), fix: remintFix(ctx) });
    } else if (s.lastUsed) {
      out.push({ code: 'legacyLastUsed', severity: 'info', title: l10n.t('Last used on {0}', s.lastUsed), detail: l10n.t('Legacy tokens unused for a year are invalidated (kubernetes.io/legacy-token-invalid-since), then deleted.') });
    }
  }
}

function permissionFindings(x: Explanation, facts: TokenClusterFacts, out: Finding[]): void {
  const ns = doctorTarget(x.claims).namespace;
  const rules = facts.rules;
  if (!rules || ns === undefined) return;
  if (!rules.ok) {
    out.push({ code: 'permissionsUnavailable', severity: 'info', title: l10n.t('Could not list what it may do'), detail: describeFactError(rules.error) });
    return;
  }
  const s = summarizeRules(rules.value);
  const detail = s.lines.length ? s.lines.join('\n') : l10n.t('Nothing beyond what every authenticated user may do.');
  out.push({
    code: 'permissions',
    severity: s.wildcard ? 'warning' : 'info',
    title: s.wildcard ? l10n.t('In namespace {0} it may do everything', ns) : l10n.t('In namespace {0} it may:', ns),
    detail: [
      detail,
      ...(s.incomplete ? [l10n.t('(The list may be incomplete: the cluster uses more than RBAC.)')] : []),
      // RBAC lists what it could resolve and names what it could not (a binding to a missing role):
      // those bindings grant nothing until their role exists (plugin/pkg/auth/authorizer/rbac/rbac.go RulesFor).
      ...(s.evaluationError ? [l10n.t('(Some of its bindings could not be resolved and grant nothing: {0})', s.evaluationError)] : []),
    ].join('\n'),
  });
}

const objectCodes = (what: 'serviceAccount' | 'boundObject'): string[] => ['Deleted', 'Recreated', 'Terminating', 'Ok', 'Unchecked'].map((s) => `${what}${s}`);

/**
 * What a finding makes redundant: when the key is in the report, the findings it lists say the
 * same thing less precisely and are left out. Two directions:
 *   - the cluster's TokenReview answer covers the local guess (`rejected.expired` covers `expired`);
 *   - a specific cause found locally covers the TokenReview's generic words: kube-apiserver answers
 *     a token signed elsewhere with "invalid signature" / "invalid bearer token"
 *     (k8s-token-semantics.md §4), and the JWKS check says WHICH: another issuer, a kid the cluster
 *     does not publish, or an altered token. The generic answer's text is kept in the cause's detail.
 */
const COVERED_BY: Record<string, string[]> = {
  'rejected.expired': ['expired'],
  'rejected.notYetValid': ['notYetValid'],
  'rejected.saDeleted': ['serviceAccountDeleted'],
  'rejected.saRecreated': ['serviceAccountRecreated'],
  'rejected.invalidated': ['boundObjectDeleted', 'boundObjectTerminating'],
  'rejected.podRecreated': ['boundObjectRecreated'],
  'rejected.secretRecreated': ['boundObjectRecreated'],
  'rejected.nodeRecreated': ['boundObjectRecreated'],
  'rejected.legacyInvalidSince': ['legacyInvalidSince'],
  // Another issuer explains the unknown kid, the failed signature and the "other" audience at once;
  // and this cluster's objects of the same name are not the token's (a ServiceAccount "recreated"
  // here is just another cluster's namesake).
  issuerMismatch: ['unknownKid', 'badSignature', 'audienceMismatch', 'rejected.signature', 'rejected.unrecognised', 'selfReviewRejected', ...objectCodes('serviceAccount'), ...objectCodes('boundObject')],
  // A signature this cluster cannot verify ties the token to none of its objects: their uids say nothing.
  unknownKid: ['rejected.signature', 'rejected.unrecognised', 'selfReviewRejected', ...objectCodes('serviceAccount'), ...objectCodes('boundObject')],
  badSignature: ['rejected.signature', 'rejected.unrecognised', 'selfReviewRejected', ...objectCodes('serviceAccount'), ...objectCodes('boundObject')],
  unsupportedAlg: ['rejected.signature', 'rejected.unrecognised', 'selfReviewRejected'],
};

/** Generic TokenReview answers whose words are kept in the detail of the finding that explains them. */
const GENERIC_REJECTIONS = new Set(['rejected.signature', 'rejected.unrecognised', 'selfReviewRejected']);

/**
 * Within one severity, causes come before their consequences: what is wrong with the token itself
 * (issuer, key, signature), then what the cluster answered, then the objects it belongs to, then
 * everything else in the order it was found.
 */
const CAUSE_RANK: Record<string, number> = { issuerMismatch: 0, unknownKid: 1, badSignature: 1, unsupportedAlg: 1, malformedSignature: 1 };
const SEVERITY_ORDER: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2, ok: 3 };
const rankOf = (f: Finding): number => CAUSE_RANK[f.code] ?? (f.code.startsWith('rejected.') ? 2 : 3);

/** Most severe first; within a severity, causes first; otherwise in the order found. */
export function orderFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || rankOf(a.f) - rankOf(b.f) || a.i - b.i)
    .map((e) => e.f);
}

/** Drops what another finding covers; a generic rejection's words go into the detail of its cause. */
function withoutRedundant(found: readonly Finding[]): Finding[] {
  const present = new Set(found.map((f) => f.code));
  const covered = new Set(found.flatMap((f) => (COVERED_BY[f.code] ?? []).filter((c) => present.has(c))));
  const out = found.filter((f) => !covered.has(f.code)).map((f) => ({ ...f }));
  for (const generic of found.filter((f) => covered.has(f.code) && GENERIC_REJECTIONS.has(f.code))) {
    const cause = out.find((o) => (COVERED_BY[o.code] ?? []).includes(generic.code));
    if (cause) cause.detail = `${cause.detail}\n${l10n.t('The cluster\'s own answer agrees: {0}', generic.title)}`;
  }
  return out;
}

/** The doctor's report for one token on one cluster. */
export function diagnoseToken(x: Explanation, facts: TokenClusterFacts): DoctorReport {
  const found: Finding[] = [];
  const verdict = reviewFindings(x, facts, found);
  found.push(...tokenFindings(x));
  found.push(...signatureFindings(x, facts, verdict === 'accepted' || found.some((f) => f.code === 'rejected.audience')));
  clusterObjectFindings(x, facts, found);
  permissionFindings(x, facts, found);
  return { context: facts.context, server: facts.server, verdict, findings: orderFindings(withoutRedundant(found)) };
}
