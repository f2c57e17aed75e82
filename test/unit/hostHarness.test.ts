/**
 * The extension-host harness's backend switch: the title filter that leaves out [testserver-only]
 * tests on a real kube-apiserver (one RegExp, as mocha takes a single grep), and the backend name.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { hostBackend, TESTSERVER_ONLY } from '../../test/suite/hostCluster';
import { titleFilter } from '../../test/suite/runMocha';

describe('host harness: backends and title filter', () => {
  it('leaves out tagged tests, keeps the grep, and is the plain grep without a tag', () => {
    const real = titleFilter('Token minting', TESTSERVER_ONLY);
    assert.ok(real?.test('Token minting mints with the given options'));
    assert.ok(!real?.test('Token minting explains a timeout [testserver-only]'));
    assert.ok(!real?.test('Faults [testserver-only] retries reads'));
    assert.ok(!real?.test('ServiceAccounts tree lists namespaces'));
    assert.ok(titleFilter(undefined, TESTSERVER_ONLY)?.test('anything at all'));
    assert.equal(titleFilter(undefined, undefined), undefined);
    assert.equal(titleFilter('a|b', undefined)?.source, 'a|b');
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (before, after) => {
        const f = titleFilter(undefined, TESTSERVER_ONLY);
        const title = `${before}${after}`;
        return f?.test(`${before}${TESTSERVER_ONLY}${after}`) === false && f.test(title) === !title.includes(TESTSERVER_ONLY);
      }),
    );
  });

  it('reads the backend from K8S_TOKENS_HOST_BACKEND and refuses an unknown one', () => {
    assert.equal(hostBackend({}), 'testserver');
    assert.equal(hostBackend({ K8S_TOKENS_HOST_BACKEND: 'kube-apiserver' }), 'kube-apiserver');
    assert.throws(() => hostBackend({ K8S_TOKENS_HOST_BACKEND: 'kind' }), /unknown backend "kind"/);
  });
});
