/** The keyed store: replace, idempotent events, bookmarks, per-namespace change sets; and the NDJSON event decoding. */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { KubeError } from '../../src/errors/kubeError';
import { jsonLines, toWatchEvent } from '../../src/kube/watch';
import { KeyedStore, type Item, type StoreEvent } from '../../src/kube/watchStore';

const item = (namespace: string, name: string, rv: number, value = `v${rv}`): Item<string> => ({ namespace, name, resourceVersion: String(rv), value });

describe('keyed watch store', () => {
  it('replaces with a list and reports only the namespaces whose content changed', () => {
    const s = new KeyedStore<string>();
    assert.equal(s.hasSynced, false);
    assert.deepEqual([...s.replace([item('a', 'x', 1), item('b', 'y', 2)], '10')].sort(), ['a', 'b']);
    assert.equal(s.hasSynced, true);
    assert.equal(s.resourceVersion, '10');
    assert.deepEqual([...s.replace([item('a', 'x', 1), item('b', 'y', 3), item('c', 'z', 4)], '12')].sort(), ['b', 'c']);
    assert.deepEqual([...s.replace([item('b', 'y', 3), item('c', 'z', 4)], '13')], ['a']);
    assert.deepEqual(s.namespaces().sort(), ['b', 'c']);
    assert.equal(s.size, 2);
  });

  it('applies events idempotently: a replayed ADDED updates, a DELETED of an unknown key does nothing', () => {
    const s = new KeyedStore<string>();
    s.replace([item('a', 'x', 1)], '5');
    assert.deepEqual([...s.apply({ type: 'ADDED', item: item('a', 'x', 1) })], [], 'same resourceVersion: nothing to redraw');
    assert.deepEqual([...s.apply({ type: 'ADDED', item: item('a', 'x', 6) })], ['a']);
    assert.equal(s.get('a', 'x')?.value, 'v6');
    assert.deepEqual([...s.apply({ type: 'DELETED', item: item('b', 'nope', 7) })], []);
    assert.equal(s.resourceVersion, '7');
    assert.deepEqual([...s.apply({ type: 'MODIFIED', item: item('b', 'new', 8) })], ['b'], 'MODIFIED of an unknown key adds it');
    assert.deepEqual([...s.apply({ type: 'DELETED', item: item('a', 'x', 9) })], ['a']);
    assert.deepEqual(s.namespaces(), ['b']);
    assert.deepEqual([...s.apply({ type: 'BOOKMARK', resourceVersion: '20' })], []);
    assert.equal(s.resourceVersion, '20');
    assert.deepEqual(s.list().map((i) => i.name), ['new']);
  });

  it('lists a namespace sorted by name, and every namespace in order', () => {
    const s = new KeyedStore<string>();
    s.replace([item('b', 'z', 1), item('a', 'y', 2), item('b', 'a', 3)], '3');
    assert.deepEqual(s.list('b').map((i) => i.name), ['a', 'z']);
    s.apply({ type: 'ADDED', item: item('b', 'm', 4) });
    assert.deepEqual(s.list('b').map((i) => i.name), ['a', 'm', 'z'], 'the sorted copy is renewed after a change');
    assert.deepEqual(s.list().map((i) => `${i.namespace}/${i.name}`), ['a/y', 'b/a', 'b/m', 'b/z']);
    assert.deepEqual(s.list('none'), []);
  });

  it('law: applying any event sequence to a listed store equals listing the end state', () => {
    const key = fc.record({ ns: fc.constantFrom('a', 'b', 'c'), name: fc.constantFrom('p', 'q', 'r', 's') });
    const op = fc.record({ type: fc.constantFrom('ADDED' as const, 'MODIFIED' as const, 'DELETED' as const, 'BOOKMARK' as const), key });
    fc.assert(
      fc.property(fc.array(key, { maxLength: 8 }), fc.array(op, { maxLength: 40 }), (initial, ops) => {
        const truth = new Map<string, Item<string>>();
        let rv = 0;
        for (const k of initial) truth.set(`${k.ns}/${k.name}`, item(k.ns, k.name, ++rv));
        const s = new KeyedStore<string>();
        s.replace([...truth.values()], String(rv));
        for (const o of ops) {
          rv++;
          const k = `${o.key.ns}/${o.key.name}`;
          let e: StoreEvent<string>;
          if (o.type === 'BOOKMARK') e = { type: 'BOOKMARK', resourceVersion: String(rv) };
          else if (o.type === 'DELETED') {
            truth.delete(k);
            e = { type: 'DELETED', item: item(o.key.ns, o.key.name, rv) };
          } else {
            truth.set(k, item(o.key.ns, o.key.name, rv));
            e = { type: o.type, item: item(o.key.ns, o.key.name, rv) };
          }
          s.apply(e);
        }
        const relisted = new KeyedStore<string>();
        relisted.replace([...truth.values()], String(rv));
        assert.deepEqual(s.list(), relisted.list());
        assert.equal(s.size, relisted.size);
        assert.equal(s.resourceVersion, String(rv));
      }),
    );
  });
});

describe('watch stream decoding', () => {
  async function* chunks(...parts: string[]): AsyncGenerator<Buffer> {
    for (const p of parts) yield Buffer.from(p);
  }

  it('splits NDJSON across arbitrary chunk boundaries, multi-byte characters included', async () => {
    const lines = ['{"type":"ADDED","object":{"metadata":{"name":"é"}}}', '{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"7"}}}'];
    const text = Buffer.from(lines.join('\n') + '\n');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 6 }), async (cuts) => {
        const at = [...new Set(cuts)].sort((a, b) => a - b);
        const parts: Buffer[] = [];
        let prev = 0;
        for (const c of [...at, text.length]) {
          parts.push(text.subarray(prev, c));
          prev = c;
        }
        const got: unknown[] = [];
        for await (const l of jsonLines((async function* () {
          yield* parts;
        })())) got.push(l);
        assert.deepEqual(got, lines.map((l) => JSON.parse(l) as unknown));
      }),
    );
    const last: unknown[] = [];
    for await (const l of jsonLines(chunks('{"a":1}\n\n', '{"b":2}'))) last.push(l);
    assert.deepEqual(last, [{ a: 1 }, { b: 2 }], 'blank lines skipped, a last line without newline kept');
  });

  it('turns events into store events, an ERROR Status into a KubeError, and drops what the converter refuses', () => {
    const conv = (o: { metadata?: { name?: string }; kind?: string }): string | undefined => (o.kind === 'Keep' ? o.metadata?.name : undefined);
    const added = toWatchEvent({ type: 'ADDED', object: { kind: 'Keep', metadata: { name: 'x', namespace: 'n', resourceVersion: '5' } } }, conv);
    assert.deepEqual(added, { type: 'ADDED', item: { namespace: 'n', name: 'x', resourceVersion: '5', value: 'x' } });
    const refused = toWatchEvent({ type: 'ADDED', object: { kind: 'Other', metadata: { name: 'y', namespace: 'n', resourceVersion: '6' } } }, conv);
    assert.deepEqual(refused, { type: 'BOOKMARK', resourceVersion: '6' }, 'an object outside the selection only moves the resume point');
    const nowRefused = toWatchEvent({ type: 'MODIFIED', object: { kind: 'Other', metadata: { name: 'x', namespace: 'n', resourceVersion: '7' } } }, conv);
    assert.equal(nowRefused?.type, 'DELETED', 'an object that no longer qualifies leaves the store');
    const err = toWatchEvent({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (1000)', reason: 'Expired', code: 410 } }, conv);
    assert.ok(err?.type === 'ERROR' && KubeError.is(err.error, 'expired') && err.error.message === 'too old resource version: 1 (1000)');
    const odd = toWatchEvent({ type: 'SURPRISE', object: {} }, conv);
    assert.ok(odd?.type === 'ERROR' && KubeError.is(odd.error, 'unknown'));
  });
});
