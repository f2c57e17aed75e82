/**
 * Restricted Mode: which kubeconfig paths a workspace may add, how relative paths are resolved, and
 * that an untrusted workspace's values never reach the files read (a property over any values).
 * The same decision runs in the extension (src/common/config.ts reads inspect()); the host tier
 * cannot show an untrusted workspace (its harness disables trust), so this is where it is proved.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { decideKubeconfigPaths, effectiveValue, resolveListedPath } from '../../src/common/restrictedSettings';
import { KubeConnections } from '../../src/kube/index';

const home = '/home/dev';
const ws = '/work/repo';

describe('Restricted Mode settings (src/common/restrictedSettings.ts)', () => {
  it('uses a trusted workspace value, resolving ~ against home and relative paths against the workspace', () => {
    const d = decideKubeconfigPaths({ inspected: { globalValue: ['/u/config'], workspaceValue: ['~/.kube/dev', 'ci/kubeconfig', '/abs/k'] }, trusted: true, home, workspaceBase: ws });
    assert.deepEqual(d, { paths: ['/home/dev/.kube/dev', '/work/repo/ci/kubeconfig', '/abs/k'], ignored: [], source: 'workspace' });
  });

  it("ignores an untrusted workspace's paths, names them, and reads the user's", () => {
    const d = decideKubeconfigPaths({ inspected: { globalValue: ['~/kc/prod'], workspaceValue: ['./evil-kubeconfig'] }, trusted: false, home, workspaceBase: ws });
    assert.deepEqual(d, { paths: ['/home/dev/kc/prod'], ignored: ['/work/repo/evil-kubeconfig'], source: 'user' });
  });

  it('ignores a folder-level value as well, and falls back to the default without a user value', () => {
    const d = decideKubeconfigPaths({ inspected: { defaultValue: [], workspaceFolderValue: ['/x/kc'] }, trusted: false, home, workspaceBase: ws });
    assert.deepEqual(d, { paths: [], ignored: ['/x/kc'], source: 'default' });
  });

  it("resolves the user's relative paths against home, never against the process's working directory", () => {
    const d = decideKubeconfigPaths({ inspected: { globalValue: ['kube/a', '~', ' ~/b '] }, trusted: true, home, workspaceBase: ws });
    assert.deepEqual(d.paths, ['/home/dev/kube/a', '/home/dev', '/home/dev/b']);
    assert.equal(resolveListedPath('x', home, home), path.join(home, 'x'));
    assert.notEqual(resolveListedPath('x', home, home), path.resolve('x'));
  });

  it('drops values of the wrong type and empty entries, and lists each file once', () => {
    assert.deepEqual(decideKubeconfigPaths({ inspected: { globalValue: 'not-a-list' }, trusted: true, home }).paths, []);
    assert.deepEqual(decideKubeconfigPaths({ inspected: { globalValue: ['/a', 7, '', '  ', null, '/a'] }, trusted: true, home }).paths, ['/a']);
    assert.deepEqual(decideKubeconfigPaths({ inspected: undefined, trusted: false, home }), { paths: [], ignored: [], source: 'default' });
  });

  it('reads any other restricted setting from the user only when untrusted', () => {
    const inspected = { defaultValue: 20000, globalValue: 30000, workspaceValue: 10_000_000, workspaceFolderValue: 20_000_000 };
    assert.equal(effectiveValue(inspected, false), 30000);
    assert.equal(effectiveValue(inspected, true), 20_000_000);
    assert.equal(effectiveValue({ defaultValue: 20000, workspaceValue: 1e9 }, false), 20000);
    assert.equal(effectiveValue(undefined, false), undefined);
  });

  it('never lets an untrusted workspace add a file, whatever the values (property)', () => {
    const value = fc.oneof(fc.constant(undefined), fc.array(fc.oneof(fc.string(), fc.constantFrom('~', '~/x', '../up', '/etc/kc', './k')), { maxLength: 6 }), fc.anything());
    fc.assert(
      fc.property(value, value, value, value, (defaultValue, globalValue, workspaceValue, workspaceFolderValue) => {
        const inspected = { defaultValue, globalValue, workspaceValue, workspaceFolderValue };
        const untrusted = decideKubeconfigPaths({ inspected, trusted: false, home, workspaceBase: ws });
        const userOnly = decideKubeconfigPaths({ inspected: { defaultValue, globalValue }, trusted: true, home, workspaceBase: ws });
        assert.deepEqual(untrusted.paths, userOnly.paths);
        for (const p of untrusted.paths) assert.ok(path.isAbsolute(p));
      }),
    );
  });

  it('explains a context that only an ignored workspace kubeconfig could define', () => {
    const conns = new KubeConnections([], undefined, { files: ['/work/repo/evil-kubeconfig'] });
    assert.throws(
      () => conns.client('prod'),
      (e: Error) => /No context named "prod"/.test(e.message) && /also names \/work\/repo\/evil-kubeconfig, which is not read in Restricted Mode/.test(e.message),
    );
    // VS Code usually hides the workspace's value from the extension: the files are then unknown.
    assert.throws(() => new KubeConnections([], undefined, { files: [] }).client('prod'), (e: Error) => /not read in Restricted Mode/.test(e.message));
    assert.throws(() => new KubeConnections([]).client('prod'), (e: Error) => !e.message.includes('Restricted Mode'));
  });
});
