/**
 * The cluster layer in the extension host: dist/kube.js and dist/yaml.js load through a V8 code
 * cache kept in the extension's global storage, so later starts skip compiling them.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { adminContextLoaded, getApi, testCluster, waitFor } from './helpers';

describe('Cluster layer loading', () => {
  it('writes V8 code caches of dist/kube.js and dist/yaml.js into global storage after first use', async function () {
    this.timeout(30_000);
    const api = await getApi();
    await testCluster();
    await adminContextLoaded(api);
    assert.ok(api.services.session.isLoaded);
    const dir = path.join(api.services.context.globalStorageUri.fsPath, 'code-cache');
    const files = await waitFor(() => {
      const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
      return ['kube.js.', 'yaml.js.'].every((p) => names.some((n) => n.startsWith(p) && n.endsWith('.v8cache'))) ? names : undefined;
    }, 'code caches in global storage', 20_000);
    for (const f of files) assert.ok(fs.statSync(path.join(dir, f)).size > 1000, `${f} holds compiled code`);
  });
});
