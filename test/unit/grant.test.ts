import * as assert from 'node:assert/strict';
import { explainGrant, parseClampWarning } from '../../src/tokens/grant';

const iat = 1_750_000_000;
const ts = (s: number): string => new Date(s * 1000).toISOString().replace('.000', '');

describe('grant explanation', () => {
  it('reports a token granted as requested', () => {
    const r = explainGrant({ requestedSeconds: 7200, grantedSeconds: 7200, expirationTimestamp: ts(iat + 7200), warnings: [], claims: { iat, exp: iat + 7200 }, now: 0 });
    assert.equal(r.clamp, undefined);
    assert.equal(r.extended, false);
    assert.equal(r.expiresAt, (iat + 7200) * 1000);
    assert.match(r.notes.join(' '), /Granted as requested: 2h/);
  });

  it('explains the max-expiration clamp from the Warning header', () => {
    const warning = 'requested expiration of 172800 seconds shortened to 86400 seconds';
    assert.deepEqual(parseClampWarning(['other', warning]), { from: 172800, to: 86400 });
    const r = explainGrant({ requestedSeconds: 172800, grantedSeconds: 86400, expirationTimestamp: ts(iat + 86400), warnings: [warning], claims: { iat, exp: iat + 86400 }, now: 0 });
    assert.deepEqual(r.clamp, { kind: 'maxExpiration', requestedSeconds: 172800, grantedSeconds: 86400 });
    assert.match(r.notes[0], /--service-account-max-token-expiration=86400s/);
    assert.match(r.notes[0], /from 2d to 1d/);
  });

  it('calls a shorter grant without a warning a silent cap', () => {
    const r = explainGrant({ requestedSeconds: 604800, grantedSeconds: 172800, expirationTimestamp: ts(iat + 172800), warnings: [], claims: { iat, exp: iat + 172800 }, now: 0 });
    assert.equal(r.clamp?.kind, 'silent');
    assert.match(r.notes[0], /without a warning/);
  });

  it('explains the Pod-bound extension: exp 365 d while the status says 3607 s', () => {
    const r = explainGrant({
      requestedSeconds: 3607,
      grantedSeconds: 3607,
      expirationTimestamp: ts(iat + 3607),
      warnings: [],
      boundKind: 'Pod',
      claims: { iat, exp: iat + 31536000, 'kubernetes.io': { warnafter: iat + 3607 } },
      now: 0,
    });
    assert.equal(r.extended, true);
    assert.equal(r.warnAfter, (iat + 3607) * 1000);
    assert.equal(r.statusExpiresAt, (iat + 3607) * 1000);
    assert.equal(r.expiresAt, (iat + 31536000) * 1000);
    assert.match(r.notes.join(' '), /365d/);
    assert.match(r.notes.join(' '), /warnafter/);
  });

  it('says why a Pod-bound 3607 s token was not extended', () => {
    const r = explainGrant({ requestedSeconds: 3607, grantedSeconds: 3607, expirationTimestamp: ts(iat + 3607), warnings: [], boundKind: 'Pod', claims: { iat, exp: iat + 3607 }, now: 0 });
    assert.equal(r.extended, false);
    assert.match(r.notes.join(' '), /Not extended/);
  });

  it('falls back to the status when the token cannot be decoded', () => {
    const r = explainGrant({ grantedSeconds: 3600, expirationTimestamp: ts(iat + 3600), warnings: [], now: 0 });
    assert.equal(r.issuedAt, iat * 1000);
    assert.equal(r.expiresAt, (iat + 3600) * 1000);
    assert.match(r.notes.join(' '), /server default: 1h/);
  });

  it('names no invented provider maximum for a silent cap; says what the issuer\'s provider documents', () => {
    const input = { requestedSeconds: 604800, grantedSeconds: 86400, expirationTimestamp: ts(iat + 86400), warnings: [], now: 0 };
    const plain = explainGrant({ ...input, claims: { iat, exp: iat + 86400, iss: 'https://kubernetes.default.svc' } }).notes[0];
    assert.doesNotMatch(plain, /EKS|GKE|48 h|24 h/);
    assert.match(plain, /external signer/);
    const aks = explainGrant({ ...input, claims: { iat, exp: iat + 86400, iss: 'https://eastus.oic.prod-aks.azure.com/t/u/' } }).notes[0];
    assert.match(aks, /Azure Kubernetes Service, which documents a maximum token lifetime of 1d/);
    const eks = explainGrant({ ...input, claims: { iat, exp: iat + 86400, iss: 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC' } }).notes[0];
    assert.match(eks, /Amazon EKS, whose documentation does not state its maximum/);
  });

  it('recognises an extension to another maximum by warnafter, with its stale period and the provider\'s cut-off', () => {
    const r = explainGrant({
      requestedSeconds: 3607,
      grantedSeconds: 3607,
      expirationTimestamp: ts(iat + 3607),
      warnings: [],
      boundKind: 'Pod',
      claims: { iat, exp: iat + 365 * 86400, iss: 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC', 'kubernetes.io': { warnafter: iat + 3607 } },
      now: iat * 1000,
    });
    assert.equal(r.extended, true);
    assert.match(r.notes[0], /for the last 364d22h59m53s, after kubernetes.io.warnafter/);
    assert.ok(r.notes.some((n) => /Amazon EKS documents that its API server rejects extended tokens older than 90 d/.test(n)), r.notes.join('\n'));
    const short = explainGrant({ requestedSeconds: 3607, grantedSeconds: 3607, expirationTimestamp: ts(iat + 3607), warnings: [], boundKind: 'Pod', claims: { iat, exp: iat + 7 * 86400, 'kubernetes.io': { warnafter: iat + 3607 } }, now: 0 });
    assert.equal(short.extended, true);
    assert.match(short.notes[0], /valid for 7d/);
  });
});
