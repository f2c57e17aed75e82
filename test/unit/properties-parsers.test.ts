/**
 * Property tier of the parsers that read foreign input: manifest analysis, durations, Warning
 * headers, Forbidden messages and Status bodies from clusters, and webview messages (fast-check; a
 * failure prints its seed, see arbitraries.ts). Nothing throws, nothing pollutes a prototype, what
 * comes back is bounded, and the work grows linearly.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseWebviewMessage } from '../../src/expiry/protocol';
import { describeKubeError } from '../../src/errors/describe';
import { errorFromResponse, MAX_CLUSTER_TEXT, parseForbiddenMessage } from '../../src/errors/kubeError';
import { parseWarnings } from '../../src/kube/http';
import { analyzeManifest, applyEdits } from '../../src/scaffold/manifestAnalysis';
import { parseManifest } from '../../src/scaffold/manifestDocuments';
import { formatDuration, parseDuration } from '../../src/tokens/duration';
import { deepJson, forbiddenMessage, hostileJson, hostileJsonText, hostileText, manifestText, repeatedPrefix, runs, warningHeader, webviewMessage, withoutPollution } from './arbitraries';
import { assertLinear } from './growth';

describe('manifest analysis properties (fast-check)', () => {
  it('never throws on hostile YAML, and its fixes apply inside the text', () => {
    withoutPollution(() =>
      fc.assert(
        fc.property(fc.oneof(manifestText, hostileText(300), repeatedPrefix(200)), (text) => {
          const a = analyzeManifest(text);
          parseManifest(text);
          for (const f of a.findings) {
            assert.ok(f.start >= 0 && f.end <= text.length && f.start <= f.end, JSON.stringify(f));
            for (const fix of f.fixes) applyEdits(text, fix.edits);
          }
        }),
        runs(300),
      ),
    );
  });

  it('grows linearly with the number of documents and the length of lines', function () {
    this.timeout(60_000);
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  volumes:\n    - projected:\n        sources:\n          - serviceAccountToken:\n              path: ../t\n              expirationSeconds: 10\n---\n';
    assertLinear('analyzeManifest(n Pods)', (n) => pod.repeat(Math.max(1, n / 100)), analyzeManifest, 1000);
    assertLinear('analyzeManifest(a line of n blanks)', (n) => `kind: Pod\nmetadata:${' '.repeat(n)}x\n`, analyzeManifest, 2000);
    assertLinear('analyzeManifest(n nested flow sequences)', (n) => `kind: Pod\nspec: ${deepJson(Math.max(1, n / 10))}\n`, analyzeManifest, 200);
  });
});

describe('duration properties (fast-check)', () => {
  it('parseDuration never throws and accepts only what the API server accepts', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText(60), fc.stringMatching(/^ ?(?:\d{1,12}[dhms]){0,4} ?$/), fc.nat().map(String)), (text) => {
        const r = parseDuration(text);
        if (r.ok) assert.ok(Number.isSafeInteger(r.seconds) && r.seconds >= 600 && r.seconds <= 2 ** 32, JSON.stringify(r));
      }),
      runs(1000),
    );
  });

  it('formatDuration and parseDuration round-trip every allowed lifetime', () => {
    fc.assert(
      fc.property(fc.integer({ min: 600, max: 2 ** 32 }), (seconds) => {
        assert.deepEqual(parseDuration(formatDuration(seconds)), { ok: true, seconds });
      }),
      runs(1000),
    );
  });

  it('grows linearly on long inputs', function () {
    this.timeout(30_000);
    assertLinear('parseDuration(digits)', (n) => '9'.repeat(n), parseDuration, 2000);
    assertLinear('parseDuration(blanks)', (n) => `1h${' '.repeat(n)}x`, parseDuration, 2000);
  });
});

describe('cluster answer properties (fast-check)', () => {
  it('parseWarnings never throws and returns at most 20 bounded texts', () => {
    fc.assert(
      fc.property(fc.oneof(warningHeader, fc.array(warningHeader.map(String), { maxLength: 40 })), (h) => {
        const w = parseWarnings(h);
        assert.ok(w.length <= 20 && w.every((t) => typeof t === 'string' && t.length <= 1000));
      }),
      runs(1000),
    );
  });

  it('parseForbiddenMessage never throws and reads the user back', () => {
    fc.assert(
      fc.property(forbiddenMessage, (m) => {
        parseForbiddenMessage(m);
      }),
      runs(1000),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[\w:@.-]{1,40}$/), fc.stringMatching(/^[a-z]{1,10}$/), fc.stringMatching(/^[a-z]{1,20}$/), (user, verb, resource) => {
        const p = parseForbiddenMessage(`x is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "" in the namespace "demo"`);
        assert.deepEqual(p, { user, verb, resource, group: '', namespace: 'demo' });
      }),
      runs(500),
    );
  });

  it('errorFromResponse never throws on any body, bounds every text and touches no prototype', () => {
    const body = fc.oneof(
      hostileJsonText,
      hostileJson.map((v) => JSON.stringify(v) ?? ''),
      fc.record({ kind: fc.constant('Status'), message: fc.oneof(hostileText(200), hostileJson), reason: hostileJson, details: hostileJson, code: hostileJson }).map((v) => JSON.stringify(v)),
      hostileText(300),
    );
    withoutPollution(() =>
      fc.assert(
        fc.property(fc.integer({ min: 100, max: 599 }), body, fc.option(hostileText(10), { nil: undefined }), (status, raw, retryAfter) => {
          const e = errorFromResponse(status, raw, retryAfter);
          assert.equal(typeof e.message, 'string');
          assert.ok(e.message.length <= MAX_CLUSTER_TEXT);
          assert.ok(e.retryAfterSeconds === undefined || Number.isFinite(e.retryAfterSeconds));
          for (const c of e.body?.details?.causes ?? []) assert.ok(c.message === undefined || c.message.length <= MAX_CLUSTER_TEXT);
          assert.ok(describeKubeError(e, 'ctx').length <= 4000);
        }),
        runs(1000),
      ),
    );
  });

  it('grows linearly: Warning headers, Forbidden messages, Status bodies', function () {
    this.timeout(60_000);
    assertLinear('parseWarnings(299 - "…unterminated)', (n) => `299 - "${'a'.repeat(n)}`, parseWarnings, 2000);
    assertLinear('parseWarnings(n warnings)', (n) => Array.from({ length: n / 20 }, () => '299 - "deprecated"').join(', '), parseWarnings, 2000);
    assertLinear('parseWarnings(escapes)', (n) => `299 - "${'\\"'.repeat(n)}`, parseWarnings, 2000);
    assertLinear('parseWarnings(digits and blanks)', (n) => '123 '.repeat(n), parseWarnings, 2000);
    assertLinear('parseForbiddenMessage(User " × n)', (n) => 'User "'.repeat(n), parseForbiddenMessage, 2000);
    assertLinear('parseForbiddenMessage(escapes)', (n) => `User "${'\\"'.repeat(n)}" cannot get path`, parseForbiddenMessage, 2000);
    assertLinear('errorFromResponse(long Status.message of eyJ)', (n) => JSON.stringify({ kind: 'Status', message: 'eyJ'.repeat(n) }), (b) => errorFromResponse(500, b), 2000);
  });
});

describe('webview message properties (fast-check)', () => {
  it('parseWebviewMessage never throws, returns only declared shapes and touches no prototype', () => {
    withoutPollution(() =>
      fc.assert(
        fc.property(webviewMessage, (m) => {
          const r = parseWebviewMessage(m);
          if (r === undefined) return;
          assert.ok(['ready', 'rendered', 'action', 'reveal'].includes(r.type));
          assert.equal(Object.getPrototypeOf(r), Object.prototype);
          if (r.type === 'rendered') assert.ok(r.ids.length <= 500 && r.ids.every((id) => /^[\w-]{1,64}$/.test(id)));
        }),
        runs(1000),
      ),
    );
  });

  it('grows linearly with the number of rendered ids', function () {
    this.timeout(30_000);
    assertLinear('parseWebviewMessage(rendered, n ids)', (n) => ({ type: 'rendered', ids: Array.from({ length: n }, (_, i) => `id-${i}`) }), parseWebviewMessage, 50);
  });
});
