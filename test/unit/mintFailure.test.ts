import * as assert from 'node:assert/strict';
import { parse, parseAllDocuments } from 'yaml';
import { errorFromResponse, KubeError } from '../../src/errors/kubeError';
import { explainMintFailure, rbacForPermission, subjectForUser } from '../../src/tokens/mintFailure';

const target = { context: 'ctx', namespace: 'demo', serviceAccount: 'builder' };
const status = (code: number, body: object): KubeError => errorFromResponse(code, JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...body, code }));

describe('mint failure explanations', () => {
  it('names the missing permission of a 403 and offers the RBAC that grants it', () => {
    const e = status(403, {
      message: 'serviceaccounts "builder" is forbidden: User "jane" cannot create resource "serviceaccounts/token" in API group "" in the namespace "demo"',
      reason: 'Forbidden',
      details: { name: 'builder', kind: 'serviceaccounts' },
    });
    const f = explainMintFailure(e, target);
    assert.equal(f.errorKind, 'forbidden');
    assert.match(f.message, /jane may not create serviceaccounts\/token in namespace "demo"/);
    const docs = parseAllDocuments(f.rbacYaml ?? '').map((d) => d.toJS());
    assert.equal(docs[0].kind, 'Role');
    assert.deepEqual(docs[0].rules, [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }]);
    assert.equal(docs[0].metadata.namespace, 'demo');
    assert.deepEqual(docs[1].subjects, [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' }]);
  });

  it('binds RBAC for a ServiceAccount user to the ServiceAccount', () => {
    assert.deepEqual(subjectForUser('system:serviceaccount:ci:runner'), { kind: 'ServiceAccount', namespace: 'ci', name: 'runner' });
    const yaml = rbacForPermission({ user: 'system:serviceaccount:ci:runner', verb: 'create', resource: 'tokenreviews', group: 'authentication.k8s.io' });
    assert.equal(parse(yaml?.split('---\n')[0] ?? '').kind, 'ClusterRole');
  });

  it('tells a missing ServiceAccount from a missing namespace', () => {
    const sa = explainMintFailure(status(404, { message: 'serviceaccounts "builder" not found', reason: 'NotFound', details: { name: 'builder', kind: 'serviceaccounts' } }), target);
    assert.match(sa.message, /ServiceAccount "builder" does not exist in namespace "demo"/);
    const ns = explainMintFailure(status(404, { message: 'namespaces "demo" not found', reason: 'NotFound', details: { name: 'demo', kind: 'namespaces' } }), target);
    assert.match(ns.message, /Namespace "demo" does not exist/);
  });

  it('suggests a legacy Secret when TokenRequest is not served', () => {
    const f = explainMintFailure(errorFromResponse(404, '404 page not found'), target);
    assert.equal(f.errorKind, 'unsupported');
    assert.equal(f.suggestLegacySecret, true);
    assert.match(f.message, /runs with --service-account-issuer and --service-account-signing-key-file/);
  });

  it("shows the server's own message for 422 and binding errors", () => {
    const invalid = status(422, { message: 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes', reason: 'Invalid' });
    assert.match(explainMintFailure(invalid, target).message, /may not specify a duration less than 10 minutes/);
    const bad = status(400, { message: 'cannot bind token for serviceaccount "builder" to pod running with different serviceaccount name.', reason: 'BadRequest' });
    assert.match(explainMintFailure(bad, target).message, /different serviceaccount name\./);
  });

  it('explains network failures through describeKubeError', () => {
    const f = explainMintFailure(new KubeError({ kind: 'timeout', message: 'https://x did not answer within 1 s.' }), target);
    assert.match(f.message, /did not answer in time/);
    assert.equal(explainMintFailure(new Error('boom'), target).message, 'boom');
  });
});
