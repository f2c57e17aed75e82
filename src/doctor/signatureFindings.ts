/**
 * Doctor findings about where a token comes from: issuer discovery, the signature checked with
 * the cluster's JWKS, the issuer, and the audiences compared with the API server's. Pure.
 */
import * as l10n from '@vscode/l10n';
import type { TokenClusterFacts } from '../kube/doctor';
import type { Explanation } from '../jwt/explain';
import type { Finding } from './findings';

function discoveryProblem(facts: TokenClusterFacts): Finding | undefined {
  if (facts.signature.ok) return undefined;
  const e = facts.signature.error;
  if (e.kind === 'forbidden') {
    const user = e.permission?.user ?? '<you>';
    return {
      code: 'discoveryForbidden',
      severity: 'warning',
      title: l10n.t('Cannot read the cluster\'s signing keys'),
      detail: l10n.t('{0} may not get /.well-known/openid-configuration or /openid/v1/jwks, so the signature was not checked. By default only ServiceAccounts may.', user),
      fix: l10n.t('kubectl create clusterrolebinding {0}-issuer-discovery --clusterrole=system:service-account-issuer-discovery --user={0}', user),
    };
  }
  if (e.kind === 'unsupported' || e.kind === 'notFound') {
    return {
      code: 'discoveryUnavailable',
      severity: 'info',
      title: l10n.t('The cluster does not publish its signing keys'),
      detail: l10n.t('No issuer discovery (its --service-account-issuer is not an https URL, or it is older than Kubernetes 1.21), so the signature was not checked.'),
    };
  }
  return { code: 'discoveryFailed', severity: 'info', title: l10n.t('Could not read the cluster\'s signing keys'), detail: e.message };
}

/** Issuer, signature and audience findings. `audienceDecided`: the TokenReview already judged the audience. */
export function signatureFindings(x: Explanation, facts: TokenClusterFacts, audienceDecided = false): Finding[] {
  const out: Finding[] = [];
  const problem = discoveryProblem(facts);
  if (problem) out.push(problem);
  const c = x.claims;
  const accepted = facts.tokenReview.ok && facts.tokenReview.value.authenticated;
  if (!facts.signature.ok) return out;
  const { discovery, check, keyCount } = facts.signature.value;

  if (c.kind !== 'legacy' && c.issuer !== undefined && discovery.issuer && c.issuer !== discovery.issuer) {
    out.push(
      accepted
        ? { code: 'secondaryIssuer', severity: 'info', title: l10n.t('Issued under an older issuer this cluster still accepts'), detail: l10n.t('The token says {0}; the cluster now issues {1} but also accepts the older one (several --service-account-issuer values, as during an issuer migration).', c.issuer, discovery.issuer) }
        : {
            code: 'issuerMismatch',
            severity: 'error',
            title: l10n.t('Issued by another cluster'),
            detail: l10n.t('The token\'s issuer is {0}; this cluster ({1}) issues {2}. Tokens do not cross clusters unless this cluster is configured to trust that issuer.', c.issuer, facts.context, discovery.issuer),
            fix: l10n.t('Use the context of the cluster whose issuer is {0}, or mint a token on this cluster; or make this cluster trust that issuer (Set Up Cross-Cluster Trust).', c.issuer),
            action: { kind: 'crossClusterTrust', issuer: c.issuer },
          },
    );
  }

  switch (check.status) {
    case 'verified':
      out.push({ code: 'signatureVerified', severity: 'ok', title: l10n.t('Signed by this cluster'), detail: l10n.t('The signature verifies with the cluster\'s key {0} ({1}), fetched from /openid/v1/jwks.', check.kid || '?', check.alg) });
      break;
    case 'noMatchingKid':
      out.push({
        code: 'unknownKid',
        severity: 'error',
        title: l10n.t('No key with this kid in the cluster'),
        detail: l10n.t('The token was signed with key {0}; the cluster publishes {1}. It was issued by another cluster, or the cluster rotated its signing key and no longer publishes the old one.', check.kid, check.availableKids.join(', ') || l10n.t('no keys')),
        fix: l10n.t('Check it against the context of the cluster that issued it; if the key was rotated, mint a new token.'),
      });
      break;
    case 'badSignature':
      out.push({
        code: 'badSignature',
        severity: 'error',
        title: l10n.t('The signature does not verify'),
        detail: c.kid
          ? l10n.t('The cluster has a key with kid {0}, but the signature does not match it: the token was altered (its claims edited) or forged.', c.kid)
          : l10n.t('None of the cluster\'s {0} keys verifies it: the token comes from another cluster, or was altered.', keyCount),
        fix: l10n.t('Do not use this token; mint a new one on the right cluster.'),
      });
      break;
    case 'unsupportedAlg':
      out.push({ code: 'unsupportedAlg', severity: c.kind === 'generic' ? 'warning' : 'error', title: l10n.t('Not signed the way Kubernetes signs'), detail: l10n.t('The algorithm is "{0}"; clusters sign with RSA or ECDSA keys, so this cluster did not issue it.', check.alg) });
      break;
    case 'malformed':
      out.push({ code: 'malformedSignature', severity: 'error', title: l10n.t('The signature cannot be read'), detail: check.detail });
      break;
  }

  // The API server's audiences default to its issuer (--api-audiences); without a TokenReview answer, compare with that.
  if (!audienceDecided && c.kind !== 'legacy' && c.audiences.length > 0 && discovery.issuer && !c.audiences.includes(discovery.issuer)) {
    out.push({
      code: 'audienceMismatch',
      severity: 'warning',
      title: l10n.t('Probably not for this API server'),
      detail: l10n.t('The token is for {0}; the API server\'s audiences default to its issuer {1} (unless --api-audiences says otherwise), so it would likely reject the token.', c.audiences.join(', '), discovery.issuer),
      fix: l10n.t('To call the API server, mint the token with audience {0}, or with no audience.', discovery.issuer),
    });
  }
  return out;
}
