/**
 * Token classification by claims, extension by `warnafter`, and what managed providers document
 * (issue 13, wrong details 1–3): the hover never contradicts a claim it shows.
 */
import * as assert from 'node:assert/strict';
import { readClaims } from '../../src/jwt/claims';
import { decodeJwt, type DecodedJwt } from '../../src/jwt/decode';
import { explainJwt, type Explanation } from '../../src/jwt/explain';
import { PROVIDERS, providerOfIssuer } from '../../src/jwt/providers';
import { IAT, LEGACY_TOKEN, makeToken, podTokenPayload } from './jwt-vectors';

const DAY = 24 * 3600;
const decoded = (token: string): DecodedJwt => {
  const d = decodeJwt(token);
  assert.ok(d.ok);
  return d;
};
const explain = (payload: unknown, nowSeconds = IAT + 1800): Explanation => explainJwt(decoded(makeToken(payload)), { now: nowSeconds * 1000, timeZone: 'UTC', locale: 'en-GB' });
/** Every word the hover shows: status, rows and notes. */
const allText = (x: Explanation): string => [x.statusText, x.statusLabel, ...x.rows.map((r) => `${r.label}: ${r.value}`), ...x.notes].join('\n');

describe('token kind by claims', () => {
  // An early bound-token cluster ran with --service-account-issuer=kubernetes/serviceaccount.
  const boundWithLegacyIssuer = { ...podTokenPayload, iss: 'kubernetes/serviceaccount', exp: IAT + 7200, 'kubernetes.io': { ...podTokenPayload['kubernetes.io'], warnafter: undefined } };

  it('classes a token with iss kubernetes/serviceaccount, exp and the kubernetes.io claim as bound, never "no expiry"', () => {
    const x = explain(boundWithLegacyIssuer);
    assert.equal(x.claims.kind, 'bound');
    assert.equal(x.status, 'valid');
    assert.ok(x.rows.some((r) => r.label === 'Expires'));
    assert.doesNotMatch(allText(x), /no expiry|never expires/i);
  });

  it('still classes the real legacy token (legacy claims, no exp) as legacy with no expiry', () => {
    const x = explainJwt(decoded(LEGACY_TOKEN), { now: IAT * 1000, timeZone: 'UTC' });
    assert.equal(x.claims.kind, 'legacy');
    assert.equal(x.status, 'legacyNoExpiry');
    assert.match(x.notes.join(' '), /only when the Secret is listed in the ServiceAccount's secrets field/);
  });

  it('never says "no expiry" next to an Expires row, whatever the claims', () => {
    const legacyClaims = {
      iss: 'kubernetes/serviceaccount',
      'kubernetes.io/serviceaccount/namespace': 'demo',
      'kubernetes.io/serviceaccount/secret.name': 'reader-token',
      'kubernetes.io/serviceaccount/service-account.name': 'reader',
      sub: 'system:serviceaccount:demo:reader',
    };
    for (const payload of [legacyClaims, { ...legacyClaims, exp: IAT + 3600 }, { iss: 'kubernetes/serviceaccount', exp: IAT + 3600, sub: 'system:serviceaccount:demo:reader' }]) {
      const x = explain(payload);
      const shownExpiry = x.rows.some((r) => r.label === 'Expires');
      assert.equal(shownExpiry, 'exp' in payload);
      if (shownExpiry) assert.doesNotMatch(allText(x), /no expiry|never expires/i, JSON.stringify(payload));
    }
  });
});

describe('extended tokens by warnafter', () => {
  const extended = (lifetime: number, warnAfter = 3607): Record<string, unknown> => ({
    ...podTokenPayload,
    exp: IAT + lifetime,
    'kubernetes.io': { ...podTokenPayload['kubernetes.io'], warnafter: IAT + warnAfter },
  });

  it('recognises an extension to any length, not only 365 days, and names the stale period', () => {
    for (const [lifetime, stale] of [
      [365 * DAY, '364 d 22 h'],
      [90 * DAY, '89 d 22 h'],
      [7 * DAY, '6 d 22 h'],
    ] as const) {
      const x = explain(extended(lifetime));
      assert.equal(x.claims.kubernetes?.extended, true, `${lifetime}`);
      assert.equal(x.claims.kubernetes?.staleSeconds, lifetime - 3607);
      assert.equal(x.claims.kubernetes?.requestedSeconds, 3607);
      const note = x.notes.find((n) => n.startsWith('Extended token'));
      assert.ok(note, x.notes.join('\n'));
      assert.match(note, /asked for 3607 s/);
      assert.ok(note.includes(`another ${stale},`), note);
    }
  });

  it('explains a non-kubelet request (warnafter not 3607 s after iat) with the requested length', () => {
    const x = explain(extended(30 * DAY, 7200));
    const note = x.notes.find((n) => n.startsWith('Extended token'));
    assert.ok(note);
    assert.match(note, /asked for 2 h/);
  });

  it('does not call a token extended when warnafter is not before exp', () => {
    assert.equal(readClaims(decoded(makeToken(extended(3607)))).kubernetes?.extended, false);
    assert.equal(readClaims(decoded(makeToken({ ...podTokenPayload, 'kubernetes.io': { namespace: 'demo' } }))).kubernetes?.extended, false);
  });
});

describe('managed-cluster facts', () => {
  it('recognises each provider from its documented issuer form, and nothing else', () => {
    assert.equal(providerOfIssuer('https://oidc.eks.eu-west-1.amazonaws.com/id/AB123456ABC')?.id, 'eks');
    assert.equal(providerOfIssuer('https://container.googleapis.com/v1/projects/p1/locations/europe-west1/clusters/c1')?.id, 'gke');
    assert.equal(providerOfIssuer('https://eastus.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/')?.id, 'aks');
    assert.equal(providerOfIssuer('https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/c532c4ce5e84048a1972535df283f737d')?.id, 'ack');
    for (const other of ['https://kubernetes.default.svc.cluster.local', 'kubernetes/serviceaccount', 'https://oidc.eks.eu-west-1.amazonaws.com.evil.example/id/x', 'https://evil.example/https://oidc.eks.x.amazonaws.com/id/y', undefined, 'x'.repeat(5000)]) {
      assert.equal(providerOfIssuer(other), undefined, String(other).slice(0, 80));
    }
  });

  it('cites an https source for every documented fact and marks the rest unknown', () => {
    for (const p of PROVIDERS) {
      for (const fact of [p.issuerForm, p.maxTokenSeconds, p.extension, p.defaultAudiences]) {
        if (fact.known) assert.match(fact.source, /^https:\/\//, `${p.id}`);
      }
    }
    const eks = PROVIDERS.find((p) => p.id === 'eks');
    assert.deepEqual(eks?.extension.known && eks.extension.value, { kind: 'seconds', seconds: 90 * DAY });
    assert.equal(eks?.maxTokenSeconds.known, false, 'no EKS page states a 24 h maximum');
  });

  it('says when EKS stops accepting an extended token, before the exp the hover shows', () => {
    const payload = { ...podTokenPayload, iss: 'https://oidc.eks.eu-west-1.amazonaws.com/id/AB123456ABC', aud: ['https://kubernetes.default.svc'] };
    const early = explain(payload);
    assert.ok(early.notes.some((n) => n.startsWith('Issued by Amazon EKS')));
    assert.ok(early.notes.some((n) => /rejects extended tokens older than 90 d: this one stops working on 2025-08-12/.test(n)), early.notes.join('\n'));
    const late = explain(payload, IAT + 100 * DAY);
    assert.ok(late.notes.some((n) => /passed that age on 2025-08-12/.test(n)), late.notes.join('\n'));
  });

  it('says nothing about providers for an issuer it does not recognise', () => {
    assert.ok(!explain(podTokenPayload).notes.some((n) => n.startsWith('Issued by')));
  });
});
