/**
 * The test server's server-side apply bookkeeping (testserver/ssa): field sets and their fieldsV1
 * text, comparisons, merges of associative lists, and the field manager's Apply/Update records, with
 * the exact texts kube-apiserver v1.37.2 was seen to produce (test/differential checks the answers
 * of both servers) and properties over arbitrary objects.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { compare, fieldsV1, fromFieldsV1, pathString, toFieldSet } from '../../testserver/ssa/fieldSet';
import { recordApply, recordUpdate, type FieldManagerContext } from '../../testserver/ssa/managedFields';
import { merge } from '../../testserver/ssa/merge';
import { zeroObject } from '../../testserver/ssa/schema';

const fm = (manager: string, kind = 'ConfigMap', apiVersion = 'v1'): FieldManagerContext => ({ kind, apiVersion, manager, now: Date.parse('2026-12-02T10:00:00Z') });

interface Entry {
  manager: string;
  operation: string;
  time?: string;
  fieldsV1: unknown;
}
const entries = (o: { metadata: Record<string, unknown> }): Entry[] => (o.metadata.managedFields as Entry[] | undefined) ?? [];

describe('test server: server-side apply field sets', () => {
  it('writes fieldsV1 as kube-apiserver does: leaves, keyed list items as members, "." for members with children', () => {
    const pod = { spec: { containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: 80 }] }], nodeSelector: { disk: 'ssd' } }, metadata: { labels: { a: '1' } } };
    assert.deepEqual(fieldsV1(toFieldSet('Pod', pod)), {
      'f:metadata': { 'f:labels': { 'f:a': {} } },
      'f:spec': {
        'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } },
        // nodeSelector is an atomic map: one leaf.
        'f:nodeSelector': {},
      },
    });
  });

  it('counts a map that a create adds as added itself, but not the structs a Go zero value already has', () => {
    const c = compare('ConfigMap', zeroObject('ConfigMap'), { metadata: {}, data: { k: 'v' } });
    assert.deepEqual(fieldsV1(c.added), { 'f:data': { '.': {}, 'f:k': {} } });
    const p = compare('Pod', zeroObject('Pod'), { metadata: {}, spec: { containers: [{ name: 'c', image: 'i' }], restartPolicy: 'Always' }, status: {} });
    assert.deepEqual(fieldsV1(p.added), { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {} } }, 'f:restartPolicy': {} } });
  });

  it('prints paths as conflict messages do', () => {
    assert.equal(pathString(['f:spec', 'f:containers', 'k:{"name":"app"}', 'f:image']), '.spec.containers[name="app"].image');
    assert.equal(pathString(['f:spec', 'f:ports', 'k:{"containerPort":80,"protocol":"TCP"}']), '.spec.ports[containerPort=80,protocol="TCP"]');
    assert.equal(pathString(['f:metadata', 'f:finalizers', 'v:"a/b"']), '.metadata.finalizers[="a/b"]');
  });

  it('merges associative lists in the order structured-merge-diff does', () => {
    const live = { spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } };
    const config = { spec: { containers: [{ name: 'c', image: 'x' }, { name: 'd' }] } };
    const merged = merge('Pod', live, config) as typeof live;
    assert.deepEqual(merged.spec.containers, [{ name: 'a' }, { name: 'b' }, { name: 'c', image: 'x' }, { name: 'd' }]);
  });

  it('records conflicts with the manager names and paths of kube-apiserver (two managers, sorted)', () => {
    const base = recordUpdate(fm('kubectl-create'), zeroObject('ConfigMap'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: '1' } });
    const alpha = recordApply(fm('alpha'), base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { b: '2' } }, false).object;
    assert.throws(
      () => recordApply(fm('beta'), alpha, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: '9', b: '9' } }, false),
      (e: Error & { details?: { causes?: unknown[] } }) => {
        assert.equal(e.message, 'Apply failed with 2 conflicts: conflicts with "alpha":\n- .data.b\nconflicts with "kubectl-create" using v1:\n- .data.a');
        assert.equal(e.details?.causes?.length, 2);
        return true;
      },
    );
  });
});

const name = fc.stringMatching(/^[a-z]{1,4}$/);
const container = fc.record({ name, image: fc.option(name, { nil: undefined }), env: fc.option(fc.uniqueArray(fc.record({ name, value: name }), { selector: (e) => e.name, maxLength: 3 }), { nil: undefined }) }, { requiredKeys: ['name'] });
const podLike = fc.record(
  {
    metadata: fc.record({ labels: fc.dictionary(name, name, { maxKeys: 3 }) }, { requiredKeys: [] }),
    spec: fc.record({ containers: fc.uniqueArray(container, { selector: (c) => c.name, maxLength: 3 }), restartPolicy: fc.constantFrom('Always', 'Never') }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;

describe('test server: server-side apply properties', () => {
  it('reads back the fieldsV1 it writes', () => {
    fc.assert(fc.property(podLike, (obj) => assert.deepEqual(fieldsV1(fromFieldsV1(fieldsV1(toFieldSet('Pod', strip(obj))))), fieldsV1(toFieldSet('Pod', strip(obj))))));
  });

  it('compares symmetrically: what a change adds, its reverse removes', () => {
    fc.assert(
      fc.property(podLike, podLike, (a, b) => {
        const forward = compare('Pod', strip(a), strip(b));
        const backward = compare('Pod', strip(b), strip(a));
        assert.deepEqual(fieldsV1(forward.added), fieldsV1(backward.removed));
        assert.deepEqual(fieldsV1(forward.modified), fieldsV1(backward.modified));
        const same = compare('Pod', strip(a), strip(a));
        assert.ok(same.added.empty && same.removed.empty && same.modified.empty);
      }),
    );
  });

  it('applies idempotently, owns what it applied, and prunes it all when applying nothing', () => {
    fc.assert(
      fc.property(podLike, (obj) => {
        const config = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...(strip(obj) as { metadata?: object }).metadata }, ...(strip(obj.spec ? { spec: obj.spec } : {}) as object) };
        const first = recordApply(fm('me', 'Pod'), undefined, config, false);
        const again = recordApply(fm('me', 'Pod'), first.object, config, false);
        assert.equal(again.changed, false);
        assert.deepEqual(entries(again.object).map((e) => e.fieldsV1), entries(first.object).map((e) => e.fieldsV1));
        const emptied = recordApply(fm('me', 'Pod'), first.object, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }, false).object as Record<string, unknown>;
        assert.deepEqual(entries(emptied as { metadata: Record<string, unknown> }), []);
        // Pruning removes items, fields and the maps it empties; an emptied list stays (RemoveItems).
        assert.match(JSON.stringify(emptied.spec ?? {}), /^\{("containers":\[\])?\}$/);
        assert.equal((emptied.metadata as { labels?: unknown }).labels, undefined);
      }),
    );
  });
});
