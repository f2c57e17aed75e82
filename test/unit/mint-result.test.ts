/**
 * The "Minted token" panel's pure parts: what it shows of a mint (never the token), the guard on
 * messages from its webview, and the dashboard's rules for what a row offers.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { offersAction, TOKEN_ACTIONS } from '../../src/expiry/protocol';
import { nearsEnd, type TokenStatus } from '../../src/expiry/timeline';
import { explainGrant } from '../../src/tokens/grant';
import type { MintSuccess } from '../../src/tokens/mint';
import { isMintResultView, isResultHostMessage, isResultState, parseResultMessage, RESULT_ACTIONS } from '../../src/tokens/resultProtocol';
import { toResultView } from '../../src/tokens/resultView';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVtbzpyZWFkZXIifQ.c2lnbmF0dXJl';
const report = explainGrant({ requestedSeconds: 172800, grantedSeconds: 86400, expirationTimestamp: '2026-03-15T12:00:00Z', warnings: ['requested expiration of 172800 seconds shortened to 86400 seconds'], now: Date.UTC(2026, 2, 14, 12) });

function minted(extra: Partial<MintSuccess> = {}): MintSuccess {
  const target = { context: 'test-admin', namespace: 'demo', serviceAccount: 'reader' };
  return {
    status: 'minted',
    token: TOKEN,
    target,
    claims: {},
    report,
    audiences: ['https://kubernetes.default.svc.cluster.local'],
    warnings: [],
    server: 'https://127.0.0.1:6443',
    metadata: {
      params: { ...target, expirationSeconds: 172800, audiences: [] },
      server: 'https://127.0.0.1:6443',
      audiences: ['https://kubernetes.default.svc.cluster.local'],
      issuedAt: report.issuedAt,
      expiresAt: report.expiresAt,
      statusExpiresAt: report.statusExpiresAt,
      requestedSeconds: 172800,
      grantedSeconds: 86400,
    },
    copied: false,
    ...extra,
  };
}

const progress = { kept: false, copied: true, exported: false, revoked: false };

describe('mint result: what the panel shows', () => {
  it('shows what was asked and what was granted, with the clamp explained, and never the token', () => {
    const view = toResultView(minted(), progress);
    assert.equal(view.requestedSeconds, 172800);
    assert.equal(view.grantedSeconds, 86400);
    assert.equal(view.clamped, true);
    assert.match(view.notes[0], /--service-account-max-token-expiration=86400s/);
    assert.deepEqual(view.requestedAudiences, [], 'none requested: the cluster default');
    assert.equal(view.copied, true);
    assert.ok(isMintResultView(view));
    assert.ok(!JSON.stringify(view).includes(TOKEN), 'no token value in the view');
  });

  it('names the binding, and a revocable token by its Secret', () => {
    const pod = toResultView(minted({ boundObject: { kind: 'Pod', name: 'web-0', uid: 'u' } }), progress);
    assert.deepEqual(pod.binding, { kind: 'Pod', name: 'web-0' });
    assert.equal(pod.revocable, false);
    const revocable = toResultView(minted({ boundObject: { kind: 'Secret', name: 'reader-revocable-x1y2z', uid: 'u' }, revocableSecret: 'reader-revocable-x1y2z' }), progress);
    assert.equal(revocable.revocable, true);
    assert.deepEqual(revocable.binding, { kind: 'Secret', name: 'reader-revocable-x1y2z' });
  });
});

describe('mint result: webview → host guard', () => {
  it('accepts exactly the declared messages', () => {
    assert.deepEqual(parseResultMessage({ type: 'ready' }), { type: 'ready' });
    for (const action of RESULT_ACTIONS) assert.deepEqual(parseResultMessage({ type: 'action', action }), { type: 'action', action });
  });

  it('rejects anything else: other types, unknown actions, extra keys (property)', () => {
    const key = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== 'type' && k !== 'action');
    const action = fc.oneof(fc.constantFrom(...RESULT_ACTIONS), fc.string());
    const extra = fc.record({ k: key, v: fc.jsonValue() });
    fc.assert(
      fc.property(action, extra, (a, e) => {
        const base = { type: 'action', action: a };
        const known = (RESULT_ACTIONS as readonly string[]).includes(a);
        assert.equal(parseResultMessage(base) !== undefined, known);
        assert.equal(parseResultMessage({ ...base, [e.k]: e.v }), undefined, 'an extra key makes it foreign');
        assert.equal(parseResultMessage({ ...base, type: 'reveal' }), undefined);
      }),
    );
    for (const v of [null, 'ready', [{ type: 'ready' }], { type: 'ready', token: TOKEN }, { type: 'action', action: 'k8sTokens.revokeToken' }]) assert.equal(parseResultMessage(v), undefined);
  });

  it('checks host messages and saved state too, so a malformed one cannot break the page', () => {
    const view = toResultView(minted(), progress);
    assert.ok(isResultHostMessage({ type: 'result', result: view }));
    assert.ok(!isResultHostMessage({ type: 'result', result: { ...view, grantedSeconds: 'a day' } }));
    assert.ok(isResultState({ version: 1, result: view }));
    assert.ok(!isResultState({ version: 2, result: view }));
  });
});

describe('dashboard: what a row offers', () => {
  it('offers Revoke only for a token bound to its own Secret; everything else for every token', () => {
    for (const a of TOKEN_ACTIONS) {
      assert.equal(offersAction({ revocable: true }, a), true, a);
      assert.equal(offersAction({ revocable: false }, a), a !== 'revoke', a);
    }
  });

  it('makes Re-mint the primary action only near or past the end', () => {
    const primary = (['valid', 'expiring', 'stale', 'expired', 'revoked'] as TokenStatus[]).filter(nearsEnd);
    assert.deepEqual(primary, ['expiring', 'stale', 'expired']);
  });
});
