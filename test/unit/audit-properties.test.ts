/**
 * Property tier of the audit-log reader (fast-check, see arbitraries.ts): the line splitter gives the
 * lines a reference split gives, however the bytes are chunked; hostile events never throw, never
 * touch a prototype, and every text they yield is bounded; the report and its exports escape what
 * they show; time grows linearly with the log (a ratio within one run, growth.ts).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { TokenUseAggregator } from '../../src/audit/aggregate';
import { MAX_FIELD, parseStaleAnnotation, tokenUsesOf } from '../../src/audit/auditEvents';
import { auditReport } from '../../src/audit/auditReport';
import { AuditScanner } from '../../src/audit/auditScan';
import { serializeReport } from '../../src/audit/exports';
import { LineSplitter } from '../../src/audit/lineSplitter';
import { parseWebviewMessage } from '../../src/audit/protocol';
import { BIDI_CONTROLS, HOSTILE_KEYS, hostileJson, hostileJsonText, hostileText, runs, webviewMessage, withoutPollution } from './arbitraries';
import { assertLinear } from './growth';

/** What the splitter must give: split on \n, a trailing \r dropped, empty lines and lines over the bound skipped. */
function referenceLines(bytes: Buffer, max: number): { lines: string[]; tooLong: number } {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      parts.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  const lines: string[] = [];
  let tooLong = 0;
  for (const [i, p] of parts.entries()) {
    if (i === parts.length - 1 && p.length === 0) break;
    const withoutCr = p.length > 0 && p[p.length - 1] === 0x0d ? p.subarray(0, p.length - 1) : p;
    if (p.length > max) tooLong++;
    else if (withoutCr.length > 0) lines.push(withoutCr.toString('latin1'));
  }
  return { lines, tooLong };
}

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  return records;
}

const annotationValue = fc.oneof(
  hostileText(80),
  fc.tuple(hostileText(40), fc.oneof(fc.integer(), hostileText(10))).map(([s, n]) => `subject: ${s}, seconds after warning threshold: ${n}`),
  fc.constant(`subject: ${'a, seconds after warning threshold: '.repeat(50)}7`),
);

/** Events shaped like kube-apiserver's, with hostile values and keys at every place the reader looks. */
const hostileEvent: fc.Arbitrary<string> = fc
  .record({
    auditID: fc.oneof(fc.uuid(), hostileJson),
    stage: fc.oneof(fc.constantFrom('RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'), hostileJson),
    user: fc.oneof(
      fc.record({ username: fc.oneof(hostileText(60), hostileJson), extra: fc.oneof(hostileJson, fc.dictionary(fc.constantFrom('authentication.kubernetes.io/pod-name', 'authentication.kubernetes.io/credential-id', '__proto__', 'constructor'), fc.oneof(fc.array(hostileText(60), { maxLength: 3 }), hostileJson))) }),
      hostileJson,
    ),
    sourceIPs: fc.oneof(fc.array(fc.oneof(hostileText(20), hostileJson), { maxLength: 20 }), hostileJson),
    userAgent: fc.oneof(hostileText(2000), hostileJson),
    requestReceivedTimestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), hostileJson),
    responseStatus: hostileJson,
    annotations: fc.oneof(
      fc.dictionary(fc.constantFrom('authentication.k8s.io/stale-token', 'authentication.k8s.io/legacy-token', 'authentication.k8s.io/legacy-token-invalidated', 'authentication.k8s.io/legacy-token-manual-secret', ...HOSTILE_KEYS), fc.oneof(annotationValue, hostileJson)),
      hostileJson,
    ),
  })
  .map((e) => JSON.stringify(e));

const anyLine = fc.oneof(hostileEvent, hostileJsonText, hostileText(200), hostileEvent.map((e) => e.replace('"annotations":', '"__proto__":{"polluted":true},"annotations":')));

describe('Audit log properties', () => {
  it('LineSplitter gives the reference lines for any bytes, any chunking and any bound', () => {
    const bytes = fc.array(fc.oneof(fc.constantFrom(0x0a, 0x0d, 0x7b, 0x7d, 0x61), fc.integer({ min: 0, max: 255 })), { maxLength: 400 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(bytes, fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 60 }), (buf, cuts, max) => {
        const s = new LineSplitter(max);
        const got: string[] = [];
        let at = 0;
        for (let i = 0; at < buf.length; i++) {
          const n = cuts[i % cuts.length];
          s.push(buf.subarray(at, at + n), (l) => got.push(l.toString('latin1')));
          at += n;
        }
        s.end((l) => got.push(l.toString('latin1')));
        const want = referenceLines(buf, max);
        assert.deepEqual(got, want.lines);
        assert.equal(s.counts.tooLong, want.tooLong);
      }),
      runs(1000),
    );
  });

  it('hostile events never throw, never touch a prototype, and yield bounded texts', () => {
    withoutPollution(() =>
      fc.assert(
        fc.property(anyLine, (line) => {
          const uses = tokenUsesOf(line);
          assert.ok(uses === undefined || Array.isArray(uses));
          for (const u of uses ?? []) {
            for (const v of [u.subject, u.podName, u.credentialId, u.secretName, u.userAgent, ...u.sourceIps]) assert.ok(v === undefined || (typeof v === 'string' && v.length <= 2 * MAX_FIELD));
            assert.ok(u.sourceIps.length <= 8);
            assert.ok(u.receivedAt === undefined || Number.isFinite(u.receivedAt));
          }
        }),
        runs(1500),
      ),
    );
  });

  it('the report and its exports of hostile events: no bidi control, no line break inside a CSV field, no raw Markdown table separator', () => {
    withoutPollution(() =>
      fc.assert(
        fc.property(fc.array(hostileEvent, { maxLength: 8 }), (lines) => {
          const scanner = new AuditScanner();
          for (const l of lines) scanner.line(Buffer.from(l));
          const agg = new TokenUseAggregator();
          for (const l of lines) for (const u of tokenUsesOf(l) ?? []) agg.add(u);
          const report = auditReport('audit.log', { ...agg.finish(), files: [], lines: lines.length, malformed: 0, tooLong: 0, tokenEvents: 0 });
          const text = JSON.stringify(report);
          for (const c of BIDI_CONTROLS) assert.ok(!text.includes(c), 'a bidi control reached the report');
          const md = serializeReport({ kind: 'audit', audit: report }, 'markdown');
          for (const row of md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Kind'))) {
            // Data cells never add a column: every | inside a cell is escaped.
            assert.equal(row.replace(/\\\|/g, '').split('|').length, 14);
          }
          const records = parseCsv(serializeReport({ kind: 'audit', audit: report }, 'csv'));
          assert.equal(records.length, report.rows.length + 1);
          assert.ok(records.every((r) => r.length === 12));
        }),
        runs(300),
      ),
    );
  });

  it('the view protocol accepts only its own messages', () => {
    fc.assert(
      fc.property(webviewMessage, (m) => {
        const parsed = parseWebviewMessage(m);
        if (parsed) assert.deepEqual(parsed, { ...(m as object) });
      }),
      runs(1000),
    );
    assert.deepEqual(parseWebviewMessage({ type: 'dryRun', id: 3 }), { type: 'dryRun', id: 3 });
    assert.equal(parseWebviewMessage({ type: 'dryRun', id: 3, extra: 1 }), undefined);
    assert.equal(parseWebviewMessage({ type: 'export', format: 'yaml' }), undefined);
  });

  it('grows linearly: lines read, one line without a newline, token events, stale annotations', () => {
    const ann = '{"authentication.k8s.io/legacy-token":"system:serviceaccount:demo:ci"}';
    const tokenLine = `{"auditID":"A","stage":"ResponseComplete","user":{"username":"u"},"sourceIPs":["10.0.0.1"],"requestReceivedTimestamp":"2026-12-01T10:00:00Z","annotations":${ann}}`;
    const plainLine = '{"kind":"Event","auditID":"b","stage":"ResponseComplete","verb":"get","annotations":{"authorization.k8s.io/decision":"allow"}}';
    const scan = (text: Buffer): void => {
      const scanner = new AuditScanner();
      const splitter = new LineSplitter(1 << 20);
      for (let i = 0; i < text.length; i += 65536) splitter.push(text.subarray(i, i + 65536), (l) => scanner.line(l));
    };
    assertLinear('scan(n plain lines)', (n) => Buffer.from(`${plainLine}\n`.repeat(n / 10)), scan, 2000);
    let id = 0;
    assertLinear('scan(n token events)', (n) => Buffer.from(Array.from({ length: n / 10 }, () => tokenLine.replace('"A"', `"${id++}"`)).join('\n')), scan, 2000);
    assertLinear('scan(one line of n bytes, over the bound)', (n) => Buffer.alloc(n * 1000, 0x61), (b) => {
      const s = new LineSplitter(1024);
      for (let i = 0; i < b.length; i += 4096) s.push(b.subarray(i, i + 4096), () => undefined);
    }, 200);
    assertLinear('parseStaleAnnotation(repeated separators)', (n) => `subject: ${', seconds after warning threshold: '.repeat(n / 10)}1`, parseStaleAnnotation, 2000);
  });
});
