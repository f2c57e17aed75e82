/**
 * The test server's unknown-field scanner (testserver/fieldValidation.ts): exact paths for the shapes
 * kube-apiserver v1.37.2 was seen to report (test/differential checks the server answers), and
 * properties over arbitrary RBAC objects: only added keys are reported, each exactly once, in order.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { unknownFields } from '../../testserver/fieldValidation';

// A RoleBinding-like schema, built with the same shape the module uses internally.
const any = 'any' as const;
const roleBinding = {
  fields: {
    apiVersion: any,
    kind: any,
    metadata: { fields: { name: any, labels: any } },
    subjects: { items: { fields: { kind: any, apiGroup: any, name: any, namespace: any } } },
    roleRef: { fields: { apiGroup: any, kind: any, name: any } },
  },
};

describe('test server: unknown-field scanner', () => {
  it('names nested and array paths the way kube-apiserver does, in document order', () => {
    const body = { metadata: { name: 'rb', bogus: 1 }, zzz: 2, roleRef: { name: 'r', x: 1 }, subjects: [{ name: 'a' }, { name: 'b', y: 2 }], aaa: 3 };
    assert.deepEqual(unknownFields(roleBinding, body), ['metadata.bogus', 'zzz', 'roleRef.x', 'subjects[1].y', 'aaa']);
  });

  it('does not look inside maps, scalars of the wrong type or nulls', () => {
    assert.deepEqual(unknownFields(roleBinding, { metadata: { labels: { anything: 'goes' } }, subjects: 'oops', roleRef: null }), []);
  });

  it('reports exactly the keys added to a known-only object, once each, in key order (property)', () => {
    const known = fc.record(
      {
        kind: fc.string(),
        metadata: fc.record({ name: fc.string(), labels: fc.dictionary(fc.string(), fc.string()) }, { requiredKeys: [] }),
        subjects: fc.array(fc.record({ kind: fc.string(), name: fc.string() }, { requiredKeys: [] }), { maxLength: 4 }),
      },
      { requiredKeys: [] },
    );
    const extraKey = fc.string({ minLength: 1 }).filter((k) => !(k in roleBinding.fields) && k !== '__proto__');
    fc.assert(
      fc.property(known, fc.uniqueArray(extraKey, { maxLength: 5 }), (body, extras) => {
        assert.deepEqual(unknownFields(roleBinding, body), []);
        const withExtras: Record<string, unknown> = { ...body };
        for (const k of extras) withExtras[k] = 1;
        // Object key order, as JSON.parse leaves it (integer-like keys first): what the server walks.
        assert.deepEqual(unknownFields(roleBinding, withExtras), Object.keys(withExtras).filter((k) => extras.includes(k)));
      }),
    );
  });
});
