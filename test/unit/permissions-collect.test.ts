/**
 * collectPermissions with a stand-in cluster module: how `incomplete` (an authorizer that cannot
 * list rules, e.g. a webhook on GKE/EKS) and `evaluationError` reach the matrix and its notices.
 * The test server's RBAC never sets `incomplete`, so this case is checked here.
 */
import * as assert from 'node:assert/strict';
import { KubeError } from '../../src/errors/kubeError';
import type { ContextClient } from '../../src/kube/http';
import type { RbacSnapshot } from '../../src/kube/permissions';
import type { AccessResult, RulesResult } from '../../src/kube/reviews';
import { collectPermissions } from '../../src/permissions/collect';
import { toMarkdown } from '../../src/permissions/export';
import { cellState, type PermissionMatrix } from '../../src/permissions/matrix';
import { matrixNotices } from '../../src/permissions/present';

const emptySnapshot: RbacSnapshot = { roles: [], clusterRoles: [], roleBindings: [], clusterRoleBindings: [], forbidden: [] };
const client = {} as ContextClient;
const target = { context: 'gke', namespace: 'demo', name: 'ci-deployer' };
const now = (): Date => new Date('2026-03-14T12:00:00Z');

function kubeWith(rules: RulesResult, sar: AccessResult[] = []) {
  return {
    rulesReview: async () => rules,
    serviceAccountAccessReviews: async () => sar,
    readRbacSnapshot: async () => emptySnapshot,
  };
}

const cell = (m: PermissionMatrix, resource: string, verb: string) => m.rows.find((r) => r.resource === resource)?.cells[verb];

describe('permissions: reading a rules review', () => {
  const tokenRule = { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] };

  it('treats incomplete as "other authorizers may grant more": unlisted cells are unknown, not denied', async () => {
    const m = await collectPermissions(
      kubeWith({ resourceRules: [tokenRule], nonResourceRules: [], incomplete: true, evaluationError: 'webhook authorizer does not support user rule resolution' }),
      client,
      target,
      undefined,
      now,
    );
    assert.equal(m.incomplete, true);
    assert.equal(cellState(m, cell(m, 'serviceaccounts/token', 'create')), 'allowed');
    assert.equal(cellState(m, cell(m, 'serviceaccounts/token', 'get')), 'unknown');
    const notices = matrixNotices(m);
    assert.ok(notices.includes('Some bindings could not be resolved: webhook authorizer does not support user rule resolution'), notices.join(' | '));
    assert.ok(notices.some((n) => /may be missing permissions granted by other authorizers/.test(n)), notices.join(' | '));
    const md = toMarkdown(m);
    assert.ok(md.includes('| serviceaccounts/token | core | ? | ? | ? | ✓ | ? | ? | ? |'), md);
  });

  it('treats an evaluationError alone as unresolved bindings: the list stays complete, the rest is denied', async () => {
    const m = await collectPermissions(
      kubeWith({ resourceRules: [tokenRule], nonResourceRules: [], incomplete: false, evaluationError: 'role.rbac.authorization.k8s.io "gone" not found' }),
      client,
      target,
      undefined,
      now,
    );
    assert.equal(m.incomplete, false);
    assert.equal(m.evaluationError, 'role.rbac.authorization.k8s.io "gone" not found');
    assert.equal(cellState(m, cell(m, 'serviceaccounts/token', 'get')), 'denied');
    assert.ok(!matrixNotices(m).some((n) => /other authorizers/.test(n)));
  });

  it('keeps the evaluation errors of SubjectAccessReviews too, once each', async () => {
    const refused = new KubeError({ kind: 'forbidden', message: 'no impersonation' });
    const kube = {
      rulesReview: async (): Promise<RulesResult> => {
        throw refused;
      },
      serviceAccountAccessReviews: async (_c: ContextClient, _sa: unknown, attrs: readonly unknown[]): Promise<AccessResult[]> =>
        attrs.map(() => ({ allowed: false, evaluationError: 'clusterrole.rbac.authorization.k8s.io "gone" not found' })),
      readRbacSnapshot: async () => emptySnapshot,
    };
    const m = await collectPermissions(kube, client, target, undefined, now);
    assert.equal(m.method, 'accessReview');
    assert.equal(m.evaluationError, 'clusterrole.rbac.authorization.k8s.io "gone" not found');
    assert.match(m.fallbacks[0], /SelfSubjectRulesReview as the ServiceAccount was refused/);
  });
});
