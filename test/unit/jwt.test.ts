import * as assert from 'node:assert/strict';
import { decodeBase64Url, decodeJwt, type DecodedJwt, type DecodeResult } from '../../src/jwt/decode';
import { describeDecodeError, explainJwt, oneLineSummary, type Explanation } from '../../src/jwt/explain';
import { findFirstJwt, findJwtAt } from '../../src/jwt/find';
import { assertLinear } from './growth';
import { formatDateCompact, formatDateTime, formatLocal, formatUtc, humanDuration, relativeTime } from '../../src/jwt/time';
import { IAT, ISSUER, LEGACY_TOKEN, makeToken, PLAIN_TOKEN, plainTokenPayload, POD_TOKEN } from './jwt-vectors';

const b64 = (s: string): string => Buffer.from(s).toString('base64url');
function ok(r: DecodeResult): DecodedJwt {
  assert.equal(r.ok, true, JSON.stringify(r));
  return r as DecodedJwt;
}
const at = (token: string, secondsAfterIat: number): Explanation => explainJwt(ok(decodeJwt(token)), { now: (IAT + secondsAfterIat) * 1000, timeZone: 'UTC', locale: 'en-GB' });
const row = (x: Explanation, label: string): string | undefined => x.rows.find((r) => r.label === label)?.value;

describe('JWT decoding', () => {
  it('decodes the real legacy token of the Kubernetes tree (§9.1) exactly', () => {
    const d = ok(decodeJwt(LEGACY_TOKEN));
    assert.deepEqual(d.header, { alg: 'RS256', kid: '' });
    assert.deepEqual(d.payload, {
      iss: 'kubernetes/serviceaccount',
      'kubernetes.io/serviceaccount/namespace': 'openshift-sdn',
      'kubernetes.io/serviceaccount/secret.name': 'sdn-token-g6wmc',
      'kubernetes.io/serviceaccount/service-account.name': 'sdn',
      'kubernetes.io/serviceaccount/service-account.uid': '3c39c3aa-d3d9-11e9-a5d0-02b7b9e8859e',
      sub: 'system:serviceaccount:openshift-sdn:sdn',
    });
    assert.equal(d.signatureLength, 342);
  });

  it('decodes base64url with - and _, and accepts correct padding only', () => {
    const text = '{"a":"??>>~~"}';
    const url = b64(text);
    assert.match(url, /[-_]/);
    assert.equal(Buffer.from(decodeBase64Url(url) ?? []).toString(), text);
    const padded = Buffer.from('{"b":1}').toString('base64'); // eyJiIjoxfQ==
    assert.ok(padded.endsWith('=='));
    assert.equal(Buffer.from(decodeBase64Url(padded) ?? []).toString(), '{"b":1}');
    assert.equal(decodeBase64Url('eyJiIjoxfQ='), undefined, 'padding that does not complete the quantum');
    assert.equal(decodeBase64Url('ey=J'), undefined, 'padding in the middle');
    assert.equal(decodeBase64Url('abcde'), undefined, 'one leftover character');
    assert.equal(decodeBase64Url('ab+/'), undefined, 'standard base64 characters');
  });

  it('reports each kind of malformed input without throwing', () => {
    const obj = b64('{"a":1}');
    const cases: [string, string, string?][] = [
      ['', 'empty'],
      ['   \n', 'empty'],
      ['eyJhbGciOiJIUzI1NiJ9', 'notJwt'],
      [`${obj}.${obj}`, 'notJwt'],
      [`${obj}.${obj}.x.y`, 'notJwt'],
      [`!!!!.${obj}.x`, 'badBase64', 'header'],
      [`${obj}.a.x`, 'badBase64', 'payload'],
      [`${obj}..x`, 'badBase64', 'payload'],
      [`${obj}.${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}.x`, 'badUtf8', 'payload'],
      [`${obj}.${b64('not json')}.x`, 'badJson', 'payload'],
      [`${b64('{"alg":')}.${obj}.x`, 'badJson', 'header'],
      [`${obj}.${b64('[1,2]')}.x`, 'notObject', 'payload'],
      [`${obj}.${b64('"str"')}.x`, 'notObject', 'payload'],
      [`${obj}.${b64('null')}.x`, 'notObject', 'payload'],
      [`${b64('42')}.${obj}.x`, 'notObject', 'header'],
    ];
    for (const [input, kind, segment] of cases) {
      const r = decodeJwt(input);
      assert.equal(r.ok, false, input);
      if (!r.ok) {
        assert.equal(r.kind, kind, input);
        assert.equal(r.segment, segment, input);
        assert.ok(describeDecodeError(r).length > 10);
      }
    }
    assert.deepEqual(decodeJwt('x'.repeat(70_000)), { ok: false, kind: 'tooLong' });
  });

  it('never mistakes a payload shaped like an error for an error', () => {
    const d = ok(decodeJwt(makeToken({ ok: false, kind: 'badJson' })));
    assert.deepEqual(d.payload, { ok: false, kind: 'badJson' });
  });

  it('keeps unicode claims intact', () => {
    const d = ok(decodeJwt(makeToken({ sub: 'system:serviceaccount:ns:名前-ñ-🚀', aud: ['x'] })));
    const x = explainJwt(d, { now: 0 });
    assert.equal(x.claims.subjectServiceAccount?.name, '名前-ñ-🚀');
    assert.match(x.headline, /名前-ñ-🚀/);
  });

  it('ignores numbers no Date can hold', () => {
    for (const exp of ['1e400', '1e20', '"soon"', 'null', '[1]']) {
      const token = `${b64('{"alg":"RS256"}')}.${b64(`{"sub":"x","iat":${IAT},"exp":${exp}}`)}.s`;
      const x = explainJwt(ok(decodeJwt(token)), { now: IAT * 1000 });
      assert.equal(x.claims.expiresAt, undefined, exp);
      assert.equal(x.status, 'noExpiry');
      assert.equal(row(x, 'Expires'), undefined);
    }
  });
});

describe('Finding JWTs in a line', () => {
  const line = `  token: "${PLAIN_TOKEN}" # ci`;
  const start = line.indexOf('eyJ');
  const end = start + PLAIN_TOKEN.length;

  it('finds the token from any position inside it, and just after it', () => {
    for (const c of [start, start + 5, line.indexOf('.', start), end - 1, end]) {
      assert.deepEqual(findJwtAt(line, c), { start, end, text: PLAIN_TOKEN }, `at ${c}`);
    }
    assert.equal(findJwtAt(line, start - 1), undefined, 'on the quote before it');
    assert.equal(findJwtAt(line, 3), undefined, 'on the key');
    assert.equal(findJwtAt(line, line.length + 5), undefined);
    assert.equal(findJwtAt(line, -1), undefined);
  });

  it('separates tokens from surrounding text and from each other', () => {
    const two = `Authorization: Bearer ${PLAIN_TOKEN},${POD_TOKEN}.`;
    assert.equal(findJwtAt(two, two.indexOf(PLAIN_TOKEN) + 3)?.text, PLAIN_TOKEN);
    assert.equal(findJwtAt(two, two.indexOf(POD_TOKEN) + 3)?.text, POD_TOKEN, 'the trailing dot is not part of it');
    const glued = `x.y.${PLAIN_TOKEN}`;
    assert.equal(findJwtAt(glued, glued.length - 2)?.text, PLAIN_TOKEN);
    assert.equal(findFirstJwt(`  "Bearer ${POD_TOKEN}"\n`)?.text, POD_TOKEN);
  });

  it('ignores dotted text that is not a JWT, and lines over the limit', () => {
    assert.equal(findJwtAt('version: 1.2.3', 10), undefined);
    assert.equal(findJwtAt('host: www.example.com', 10), undefined);
    assert.equal(findJwtAt('eyJ.eyJ.x', 2), undefined, 'a header too short to be JSON');
    assert.equal(findJwtAt(line, start + 5, line.length - 1), undefined);
    assert.ok(findJwtAt(line, start + 5, line.length));
  });

  it('finds the first token of a selection without reading the rest (a 1 MB selection took 66-135 ms)', function () {
    this.timeout(30_000);
    // Time for the first token followed by 10 n characters against n: constant, not linear.
    const tail = (n: number): string => `Bearer ${PLAIN_TOKEN} ${'a.'.repeat(n)}`;
    const g = assertLinear('findFirstJwt(token + n characters)', tail, (t) => findFirstJwt(t, 1024 * 1024), 20_000, 3);
    assert.ok(g.ratio < 3);
    assert.equal(findFirstJwt(tail(10))?.text, PLAIN_TOKEN);
    assert.equal(findFirstJwt('.'.repeat(1024 * 1024)), undefined);
  });

  it('stays linear on pathological lines', () => {
    const nasty = 'eyJ'.padEnd(20_000, '.a');
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 20; i++) findJwtAt(nasty, 10_000);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(`      20 lookups in a 20,000-character line of dots: ${ms.toFixed(1)} ms`);
    assert.equal(findJwtAt(nasty, 10_000), undefined);
  });
});

describe('Explaining tokens', () => {
  it('explains the legacy token: no expiry, why that is risky, its Secret and the empty kid', () => {
    const x = at(LEGACY_TOKEN, 0);
    assert.equal(x.claims.kind, 'legacy');
    assert.equal(x.status, 'legacyNoExpiry');
    assert.equal(x.statusLabel, 'legacy, no expiry');
    assert.equal(x.headline, 'Legacy Kubernetes ServiceAccount token for system:serviceaccount:openshift-sdn:sdn');
    assert.equal(row(x, 'Key ID'), '(empty: issued before Kubernetes 1.16)');
    assert.equal(row(x, 'Namespace'), 'openshift-sdn');
    assert.equal(row(x, 'ServiceAccount'), 'sdn (uid 3c39c3aa-d3d9-11e9-a5d0-02b7b9e8859e)');
    assert.equal(row(x, 'Token Secret'), 'sdn-token-g6wmc');
    const notes = x.notes.join('\n');
    assert.match(notes, /no expiry and stays valid until its Secret "sdn-token-g6wmc"/);
    assert.match(notes, /Since Kubernetes 1\.30 the legacy token cleaner marks such tokens invalid after a year without use/);
    assert.match(notes, /Empty key ID/);
    assert.equal(oneLineSummary(x, 0), 'Legacy token for system:serviceaccount:openshift-sdn:sdn never expires');
    assert.deepEqual(x.claims.otherClaims, []);
  });

  it('explains a Pod-bound extended kubelet token with node info, jti and warnafter', () => {
    const x = at(POD_TOKEN, 1800);
    assert.equal(x.claims.kind, 'bound');
    assert.equal(x.status, 'valid');
    assert.deepEqual(x.claims.subjectServiceAccount, { namespace: 'demo', name: 'ci-deployer' });
    assert.equal(x.claims.kubernetes?.extended, true);
    assert.equal(row(x, 'Issuer'), ISSUER);
    assert.equal(row(x, 'Audiences'), ISSUER);
    assert.equal(row(x, 'Issued'), '2025-05-14 10:00:00 UTC · 14 May 2025, 10:00:00 UTC (30 min ago)');
    assert.equal(row(x, 'Expires'), '2026-05-14 10:00:00 UTC · 14 May 2026, 10:00:00 UTC (in 364 d 23 h)');
    assert.equal(row(x, 'Warn after'), '2025-05-14 11:00:07 UTC · 14 May 2025, 11:00:07 UTC (in 30 min 7 s)');
    assert.equal(row(x, 'Lifetime'), '1 y (0 % used)');
    assert.equal(row(x, 'Bound to Pod'), 'web-0 (uid 6f0e2a4c-2222-4c8e-8d1f-7a3b9e000002)');
    assert.equal(row(x, 'Node of the Pod'), 'node-1 (uid 0b3f3c1e-1111-4b7a-9a0e-5c2d8f000001)');
    assert.equal(row(x, 'Bound to Node'), undefined, 'a node with a pod is not a binding');
    assert.equal(row(x, 'Credential ID'), 'JTI=5d1f6a0e-8a7b-4e0c-9d55-0e8f0c6f7a11');
    const notes = x.notes.join('\n');
    assert.match(notes, /Bound to Pod "web-0"/);
    assert.match(notes, /node "node-1" is recorded for information only/);
    assert.match(notes, /extended it to 1 y/);
    assert.match(notes, /authentication\.kubernetes\.io\/credential-id/);
  });

  it('flags a token past warnafter as stale, but not expired', () => {
    const x = at(POD_TOKEN, 7200);
    assert.equal(x.status, 'stale');
    assert.equal(x.statusText, 'Stale: past its warn-after time by 59 min 53 s; still works, expires in 364 d 22 h');
    assert.match(x.notes.join('\n'), /kubelet would already have replaced this copy/);
  });

  it('walks a 2 h token through valid, expires soon and expired', () => {
    const valid = at(PLAIN_TOKEN, 3600);
    assert.equal(valid.status, 'valid');
    assert.equal(valid.statusText, 'Valid, expires in 1 h');
    assert.equal(valid.usedPercent, 50);
    assert.equal(row(valid, 'Lifetime'), '2 h (50 % used)');
    assert.match(valid.notes.join('\n'), /Not bound to an object/);
    assert.equal(oneLineSummary(valid, (IAT + 3600) * 1000), 'Token for system:serviceaccount:demo:ci-deployer expires in 1 h');

    const soon = at(PLAIN_TOKEN, 7200 - 300);
    assert.equal(soon.status, 'expiresSoon');
    assert.equal(soon.statusText, 'Expires soon: in 5 min');

    const expired = at(PLAIN_TOKEN, 7200 + 2 * 86400 + 60);
    assert.equal(expired.status, 'expired');
    assert.equal(expired.statusText, 'Expired 2 d ago');
    assert.equal(expired.usedPercent, 100);
    assert.equal(oneLineSummary(expired, (IAT + 7200 + 2 * 86400) * 1000), 'Token for system:serviceaccount:demo:ci-deployer expired 2 d ago');
  });

  it('says when a token is not valid yet, allowing the API server\'s minute of leeway', () => {
    const token = makeToken({ ...plainTokenPayload, nbf: IAT + 600, iat: IAT + 600 });
    assert.equal(at(token, 0).status, 'notYetValid');
    assert.match(at(token, 0).notes.join('\n'), /Issued in the future/);
    assert.equal(at(token, 570).status, 'valid', 'within the leeway');
  });

  it('explains Secret- and Node-bound tokens', () => {
    const k8s = plainTokenPayload['kubernetes.io'];
    const secret = at(makeToken({ ...plainTokenPayload, 'kubernetes.io': { ...k8s, secret: { name: 'ci-revoke', uid: 'u-1' } } }), 60);
    assert.equal(row(secret, 'Bound to Secret'), 'ci-revoke (uid u-1)');
    assert.match(secret.notes.join('\n'), /deleting that Secret revokes the token/);
    const node = at(makeToken({ ...plainTokenPayload, 'kubernetes.io': { ...k8s, node: { name: 'node-1' } } }), 60);
    assert.equal(row(node, 'Bound to Node'), 'node-1');
  });

  it('notices claims that contradict each other', () => {
    const x = at(makeToken({ ...plainTokenPayload, sub: 'system:serviceaccount:kube-system:admin' }), 60);
    assert.match(x.notes.join('\n'), /name different ServiceAccounts/);
  });

  it('still decodes JWTs that are not from Kubernetes', () => {
    const token = makeToken({ sub: 'alice', aud: 'api://orders', exp: IAT + 3600, iat: IAT, scope: 'orders.read', tenant: { id: 7 } }, { alg: 'HS256', typ: 'JWT' });
    const x = at(token, 60);
    assert.equal(x.claims.kind, 'generic');
    assert.equal(x.headline, 'JSON Web Token for alice');
    assert.equal(x.claims.audienceShape, 'string');
    assert.equal(row(x, 'Audiences'), 'api://orders');
    assert.equal(row(x, 'scope'), '"orders.read"');
    assert.equal(row(x, 'tenant'), '{"id":7}');
    assert.equal(x.status, 'valid');
    assert.equal(x.claims.kubernetes, undefined);
  });

  it('keeps rows short whatever the claims hold', () => {
    const many: Record<string, string> = { sub: 'x'.repeat(5000) };
    for (let i = 0; i < 100; i++) many[`c${i}`] = 'v';
    const x = at(makeToken(many), 0);
    assert.ok(x.rows.every((r) => r.value.length <= 201));
    assert.equal(row(x, 'More claims'), '70');
  });
});

describe('Token time formatting', () => {
  it('formats durations in at most two adjacent units', () => {
    assert.equal(humanDuration(0), '0 s');
    assert.equal(humanDuration(45), '45 s');
    assert.equal(humanDuration(185), '3 min 5 s');
    assert.equal(humanDuration(3 * 3600 + 12 * 60 + 9), '3 h 12 min');
    assert.equal(humanDuration(7205), '2 h', 'seconds are not shown next to hours');
    assert.equal(humanDuration(2 * 86400 + 3 * 3600), '2 d 3 h');
    assert.equal(humanDuration(375 * 86400), '1 y 10 d');
    assert.equal(humanDuration(-90), '1 min 30 s');
    assert.equal(humanDuration(Number.POSITIVE_INFINITY), 'forever');
  });

  it('formats instants in UTC, in a given zone, and relative to now', () => {
    const d = new Date(IAT * 1000);
    assert.equal(formatUtc(d), '2025-05-14 10:00:00 UTC');
    assert.equal(formatLocal(d, 'Europe/Berlin', 'en-GB'), '14 May 2025, 12:00:00 CEST');
    assert.equal(formatLocal(d, 'Not/AZone', 'en-GB'), '2025-05-14 10:00:00 UTC', 'falls back to UTC');
    assert.equal(relativeTime(d, (IAT - 3 * 3600) * 1000), 'in 3 h');
    assert.equal(relativeTime(d, (IAT + 2 * 86400) * 1000), '2 d ago');
  });

  it('has one date style, in the display language, shortened by what "now" makes obvious', () => {
    const d = new Date(IAT * 1000); // 2025-05-14 10:00 UTC
    assert.equal(formatDateTime(d, 'en-US', { timeZone: 'UTC' }), 'May 14, 2025, 10:00 AM');
    assert.equal(formatDateTime(d, 'en-GB', { timeZone: 'UTC' }), '14 May 2025, 10:00');
    assert.equal(formatDateTime(d, 'zh-cn', { timeZone: 'UTC' }), '2025年5月14日 10:00');
    assert.equal(formatDateTime(d.getTime(), 'zh-cn', { timeZone: 'UTC', seconds: true }), '2025年5月14日 10:00:00');
    const sameDay = (IAT + 3600) * 1000;
    assert.equal(formatDateCompact(d, sameDay, 'en-GB', 'UTC'), '10:00');
    assert.equal(formatDateCompact(d, sameDay + 86400_000, 'en-GB', 'UTC'), '14 May, 10:00');
    assert.equal(formatDateCompact(d, sameDay + 86400_000, 'zh-cn', 'UTC'), '5月14日 10:00');
    assert.equal(formatDateCompact(d, sameDay + 400 * 86400_000, 'en-GB', 'UTC'), '14 May 2025');
    assert.equal(formatDateCompact(d, sameDay, 'en-GB', 'Not/AZone'), '2025-05-14 10:00:00 UTC', 'falls back to UTC');
  });
});
