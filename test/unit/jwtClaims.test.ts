import * as assert from 'node:assert/strict';
import { audiencesOf, decodeJwt, decodeSegment } from '../../src/tokens/jwtClaims';

// The legacy token from kubernetes' cached_token_authenticator_test.go (k8s-token-semantics.md §9.1).
const legacy =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6IiJ9.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Iiwia3ViZXJuZXRlcy5pby9zZXJ2aWNlYWNjb3VudC9uYW1lc3BhY2UiOiJvcGVuc2hpZnQtc2RuIiwia3ViZXJuZXRlcy5pby9zZXJ2aWNlYWNjb3VudC9zZWNyZXQubmFtZSI6InNkbi10b2tlbi1nNndtYyIsImt1YmVybmV0ZXMuaW8vc2VydmljZWFjY291bnQvc2VydmljZS1hY2NvdW50Lm5hbWUiOiJzZG4iLCJrdWJlcm5ldGVzLmlvL3NlcnZpY2VhY2NvdW50L3NlcnZpY2UtYWNjb3VudC51aWQiOiIzYzM5YzNhYS1kM2Q5LTExZTktYTVkMC0wMmI3YjllODg1OWUiLCJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6b3BlbnNoaWZ0LXNkbjpzZG4ifQ.PIs0rsUTekj5AX8yJeLDyW4vQB17YS4IOgO026yjEvsCY7Wv_2TD0lwyZWqyQh639q3jPh2_3LTQq2Cp0cReBP1PYOIGgprNm3C-3OFZRnkls-GH09kvPYE8J_-a1YwjxucOwytzJvEM5QTC9iXfEJNSTBfLge-HMYT1y0AGKs8DWTSC4rtd_2PedK3OYiAyDg_xHA8qNpG9pRNM8vfjV9VsmqJtlbnTVlTngqC0t5vyMaWrmLNRxN0rTbN2W9L3diXRnYqI8BUfgPQb7uhYcPuXGeypaFrN4d3yNN4NbgVxnkgdd2IXQ8elSJuQn6ynrvLgG0JPMmThOHnwvsZDeA';

describe('minimal JWT decoding', () => {
  it('decodes header and payload of a real token', () => {
    const d = decodeJwt(legacy);
    assert.deepEqual(d?.header, { alg: 'RS256', kid: '' });
    assert.equal(d?.payload.sub, 'system:serviceaccount:openshift-sdn:sdn');
    assert.equal(d?.payload.iss, 'kubernetes/serviceaccount');
  });

  it('handles base64url characters and padding', () => {
    const seg = Buffer.from(JSON.stringify({ a: '??>>' })).toString('base64url');
    assert.match(seg, /[-_]/);
    assert.deepEqual(decodeSegment(seg), { a: '??>>' });
    assert.deepEqual(decodeSegment(Buffer.from('{"b":1}').toString('base64')), { b: 1 });
  });

  it('rejects what is not a JWS with JSON objects', () => {
    assert.equal(decodeJwt('a.b'), undefined);
    assert.equal(decodeJwt('not.a.jwt'), undefined);
    assert.equal(decodeSegment(Buffer.from('[1]').toString('base64url')), undefined);
    assert.equal(decodeSegment('***'), undefined);
  });

  it('reads aud as a list either way', () => {
    assert.deepEqual(audiencesOf({ aud: 'x' }), ['x']);
    assert.deepEqual(audiencesOf({ aud: ['x', 'y'] }), ['x', 'y']);
    assert.deepEqual(audiencesOf({}), []);
  });
});
