import * as assert from 'node:assert/strict';
import { matchSubjects, sortBindings, type BindingInfo } from '../../src/kube/bindings';

const sa = { namespace: 'demo', name: 'builder' };

describe('binding matching', () => {
  it('matches the ServiceAccount subject, with the binding namespace as default', () => {
    assert.deepEqual(matchSubjects([{ kind: 'ServiceAccount', name: 'builder', namespace: 'demo' }], sa), { via: 'serviceAccount' });
    assert.deepEqual(matchSubjects([{ kind: 'ServiceAccount', name: 'builder' }], sa, 'demo'), { via: 'serviceAccount' });
    assert.equal(matchSubjects([{ kind: 'ServiceAccount', name: 'builder' }], sa, 'other'), undefined);
    assert.equal(matchSubjects([{ kind: 'ServiceAccount', name: 'builder', namespace: 'other' }], sa, 'demo'), undefined);
    assert.equal(matchSubjects([{ kind: 'ServiceAccount', name: 'deployer', namespace: 'demo' }], sa), undefined);
  });

  it('matches the SA user name and the three ServiceAccount groups', () => {
    assert.deepEqual(matchSubjects([{ kind: 'User', name: 'system:serviceaccount:demo:builder' }], sa), { via: 'user' });
    assert.deepEqual(matchSubjects([{ kind: 'Group', name: 'system:serviceaccounts' }], sa), { via: 'group', group: 'system:serviceaccounts' });
    assert.deepEqual(matchSubjects([{ kind: 'Group', name: 'system:serviceaccounts:demo' }], sa), { via: 'group', group: 'system:serviceaccounts:demo' });
    assert.deepEqual(matchSubjects([{ kind: 'Group', name: 'system:authenticated' }], sa), { via: 'group', group: 'system:authenticated' });
    assert.equal(matchSubjects([{ kind: 'Group', name: 'system:serviceaccounts:other' }], sa), undefined);
    assert.equal(matchSubjects([{ kind: 'Group', name: 'system:unauthenticated' }], sa), undefined);
    assert.equal(matchSubjects([{ kind: 'User', name: 'builder' }], sa), undefined);
    assert.equal(matchSubjects(undefined, sa), undefined);
  });

  it('prefers a direct subject over a group in the same binding', () => {
    const m = matchSubjects([{ kind: 'Group', name: 'system:authenticated' }, { kind: 'ServiceAccount', name: 'builder', namespace: 'demo' }], sa);
    assert.deepEqual(m, { via: 'serviceAccount' });
  });

  it('sorts direct grants first', () => {
    const b = (name: string, via: 'group' | 'serviceAccount', kind: BindingInfo['kind'] = 'ClusterRoleBinding'): BindingInfo => ({
      kind,
      name,
      roleRef: { kind: 'ClusterRole', name: 'r' },
      match: via === 'group' ? { via, group: 'system:authenticated' } : { via },
    });
    assert.deepEqual(
      sortBindings([b('a', 'group'), b('z', 'serviceAccount'), b('m', 'serviceAccount', 'RoleBinding')]).map((x) => x.name),
      ['z', 'm', 'a'],
    );
  });
});
