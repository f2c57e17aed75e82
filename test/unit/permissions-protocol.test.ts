import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { isHostMessage, isViewState, Methods, parseWebviewMessage, resultGuards, whoCanInputProblem, type WebviewMessage } from '../../src/permissions/protocol';
import { csvField, csvLine } from '../../src/text/tableText';

const dns = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
const context = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f'));
const id = fc.integer({ min: 1, max: 2 ** 31 });

/** Every well-formed webview → host message. */
const wellFormed: fc.Arbitrary<WebviewMessage> = fc.oneof(
  fc.constant<WebviewMessage>({ type: 'ready' }),
  fc.record({ type: fc.constant('request' as const), id, method: fc.constant('namespaces' as const), params: fc.record({ context }) }),
  fc.record({ type: fc.constant('request' as const), id, method: fc.constant('serviceAccounts' as const), params: fc.record({ context, namespace: dns }) }),
  fc.record({
    type: fc.constant('request' as const),
    id,
    method: fc.constant('matrix' as const),
    params: fc.record({ context, serviceAccount: fc.record({ namespace: dns, name: dns }), namespace: fc.oneof(fc.constant(''), dns) }),
  }),
  fc.record({
    type: fc.constant('request' as const),
    id,
    method: fc.constant('whoCan' as const),
    params: fc.record({
      context,
      namespace: fc.oneof(fc.constant(''), dns),
      verb: fc.constantFrom('get', 'create', '*', 'impersonate'),
      resource: fc.constantFrom('serviceaccounts/token', 'deployments.apps', 'pods'),
      name: fc.oneof(fc.constant(''), dns),
    }),
  }),
  fc.record({ type: fc.constant('request' as const), id, method: fc.constant('export' as const), params: fc.record({ what: fc.constantFrom('matrix' as const, 'whoCan' as const), format: fc.constantFrom('markdown' as const, 'yaml' as const, 'csv' as const) }) }),
);

describe('permissions view protocol: webview → host guard', () => {
  it('accepts every well-formed message unchanged', () => {
    // Through JSON, as postMessage delivers it (plain objects).
    fc.assert(fc.property(wellFormed, (m) => assert.deepEqual(parseWebviewMessage(JSON.parse(JSON.stringify(m))), JSON.parse(JSON.stringify(m))) === undefined));
  });

  it('rejects a message with any extra key, at the top or in params', () => {
    fc.assert(
      // fast-check's stringMatching refuses the i flag, so the cases are spelled out.
      // eslint-disable-next-line regexp/use-ignore-case
      fc.property(wellFormed, fc.stringMatching(/^[A-Z_a-z]{1,12}$/), fc.jsonValue(), fc.boolean(), (m, key, value, inParams) => {
        if (inParams && m.type === 'request') {
          fc.pre(!(key in m.params));
          return parseWebviewMessage({ ...m, params: { ...m.params, [key]: value } }) === undefined;
        }
        fc.pre(!(key in m));
        return parseWebviewMessage({ ...m, [key]: value }) === undefined;
      }),
    );
  });

  it('rejects a message with any key missing', () => {
    fc.assert(
      fc.property(wellFormed, fc.nat(), (m, i) => {
        fc.pre(m.type === 'request');
        const keys = Object.keys(m);
        const { [keys[i % keys.length]]: _dropped, ...rest } = m as unknown as Record<string, unknown>;
        return parseWebviewMessage(rest) === undefined;
      }),
    );
  });

  it('rejects hostile or malformed values', () => {
    const base = { type: 'request', id: 1, method: 'whoCan', params: { context: 'c', namespace: 'demo', verb: 'create', resource: 'serviceaccounts/token', name: '' } };
    assert.ok(parseWebviewMessage(base));
    const bad: unknown[] = [
      null,
      'ready',
      [],
      { type: 'ready', extra: 1 },
      { ...base, id: 0 },
      { ...base, id: 1.5 },
      { ...base, id: '1' },
      { ...base, method: 'toString' },
      { ...base, method: '__proto__' },
      { ...base, params: { ...base.params, namespace: 'Demo' } },
      { ...base, params: { ...base.params, namespace: '../x' } },
      { ...base, params: { ...base.params, verb: 'get list' } },
      { ...base, params: { ...base.params, resource: '' } },
      { ...base, params: { ...base.params, resource: 'x'.repeat(301) } },
      { ...base, params: { ...base.params, name: 'a/b' } },
      { ...base, params: { ...base.params, context: 'a\nb' } },
      { ...base, params: { ...base.params, context: '' } },
      { type: 'request', id: 2, method: 'matrix', params: { context: 'c', serviceAccount: { namespace: 'demo', name: '' }, namespace: 'demo' } },
      { type: 'request', id: 2, method: 'matrix', params: { context: 'c', serviceAccount: { namespace: 'demo', name: 'x', uid: 'u' }, namespace: 'demo' } },
      { type: 'request', id: 3, method: 'export', params: { what: 'matrix', format: 'html' } },
      { type: 'request', id: 4, method: 'serviceAccounts', params: { context: 'c', namespace: '' } },
      { type: 'response', id: 1, ok: true, result: {} },
    ];
    for (const b of bad) assert.equal(parseWebviewMessage(b), undefined, JSON.stringify(b));
    assert.equal(Object.keys(Methods).length, 5);
  });
});

describe('permissions view protocol: what the webview checks before it asks', () => {
  it('names the field the host would refuse, and accepts what it would take', () => {
    assert.equal(whoCanInputProblem({ verb: 'create', resource: 'serviceaccounts/token', name: '' }), undefined);
    assert.equal(whoCanInputProblem({ verb: 'get list', resource: 'pods', name: '' }), 'verb');
    assert.equal(whoCanInputProblem({ verb: 'get', resource: '', name: '' }), 'resource');
    assert.equal(whoCanInputProblem({ verb: 'get', resource: 'pods', name: 'a/b' }), 'name');
    fc.assert(
      fc.property(context, fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 }), fc.string({ maxLength: 20 }), (ctx, verb, resource, name) => {
        const accepted = parseWebviewMessage({ type: 'request', id: 1, method: 'whoCan', params: { context: ctx, namespace: '', verb, resource, name } }) !== undefined;
        return accepted === (whoCanInputProblem({ verb, resource, name }) === undefined);
      }),
    );
  });
});

describe('permissions view protocol: host → webview guard', () => {
  const target = { context: 'test-admin', serviceAccount: { namespace: 'demo', name: 'ci-deployer' }, namespace: 'demo', tab: 'matrix', query: { verb: 'create', resource: 'serviceaccounts/token', name: '' } };
  it('checks show and response messages and saved state', () => {
    assert.ok(isHostMessage({ type: 'show', target }));
    assert.ok(isHostMessage({ type: 'show', target: { ...target, serviceAccount: undefined, tab: 'whoCan', namespace: '' }, l10n: { a: 'b' } }));
    assert.ok(!isHostMessage({ type: 'show', target: { ...target, tab: 'other' } }));
    assert.ok(!isHostMessage({ type: 'show', target, l10n: { a: 1 } }));
    assert.ok(!isHostMessage({ type: 'show', target, matrix: { rows: 'x' } }));
    assert.ok(isHostMessage({ type: 'response', id: 3, ok: true, result: null }));
    assert.ok(isHostMessage({ type: 'response', id: 3, ok: false, error: 'no' }));
    assert.ok(!isHostMessage({ type: 'response', id: 3, ok: false }));
    assert.ok(!isHostMessage({ type: 'response', id: -1, ok: true, result: 1 }));
    assert.ok(isViewState({ version: 1, target }));
    assert.ok(!isViewState({ version: 2, target }));
  });

  it('checks each method result before the webview uses it', () => {
    assert.ok(resultGuards.namespaces({ namespaces: ['a'], listable: true }));
    assert.ok(!resultGuards.namespaces({ namespaces: [1], listable: true }));
    assert.ok(resultGuards.export({ document: 'permissions-demo-ci-deployer.md' }));
    assert.ok(!resultGuards.matrix({ matrix: {} }));
    assert.ok(!resultGuards.whoCan({ report: { paths: [] } }));
  });
});

describe('CSV export fields', () => {
  it('quotes separators and defuses formulas', () => {
    assert.equal(csvLine(['a', 'b,c', 'say "hi"', 'x\ny']), 'a,"b,c","say ""hi""","x\ny"');
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvField('-1'), "'-1");
    assert.equal(csvField('system:masters'), 'system:masters');
  });
});
