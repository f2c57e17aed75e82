/**
 * Issue 13, details 4 and 6: what the legacy-Secret dialog says applies to a Secret created by hand,
 * and why a cluster does not serve TokenRequest.
 */
import * as assert from 'node:assert/strict';
import { KubeError } from '../../src/errors/kubeError';
import { tokenRequestNotServed } from '../../src/errors/describe';
import { legacySecretDialogDetail } from '../../src/tokens/legacySecretText';
import { explainMintFailure } from '../../src/tokens/mintFailure';

describe('legacy token Secret dialog', () => {
  it('does not promise that this hand-made Secret is invalidated and deleted, and says who is cleaned up', () => {
    const text = legacySecretDialogDetail();
    assert.doesNotMatch(text, /unused legacy tokens are invalidated and then deleted/);
    assert.match(text, /only auto-generated token Secrets listed in the ServiceAccount's secrets field, and this Secret is not listed there/);
    assert.match(text, /kubernetes\.io\/legacy-token-last-used/);
    assert.match(text, /kubernetes\.io\/legacy-token-invalid-since makes the API server refuse the token/);
  });
});

describe('TokenRequest not served', () => {
  it('names the issuer flags the API needs, in the mint failure too', () => {
    for (const flag of ['--service-account-issuer', '--service-account-signing-key-file', '--service-account-key-file']) assert.ok(tokenRequestNotServed().includes(flag), flag);
    const f = explainMintFailure(new KubeError({ kind: 'unsupported', message: '404 page not found', status: 404 }), { context: 'c', namespace: 'n', serviceAccount: 's' });
    assert.equal(f.message, tokenRequestNotServed());
    assert.equal(f.suggestLegacySecret, true);
  });
});
