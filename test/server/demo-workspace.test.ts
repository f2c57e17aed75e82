/**
 * The demo workspace (`npm start` copies every YAML file of test/fixtures/workspace into it) must
 * fit the demo cluster (seed 'demo'): every namespace its manifests name exists there, and each
 * object is accepted by a server-side dry run, as the demo's Apply would send it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { TestCluster } from '../../testserver/api';
import { startTestCluster } from '../../testserver/index';
import { call } from './testserver-helpers';

const fixtureDir = path.resolve(__dirname, '../../../test/fixtures/workspace');

interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

function demoManifests(): Manifest[] {
  const files = fs.readdirSync(fixtureDir).filter((f) => /\.ya?ml$/.test(f));
  assert.ok(files.length > 0, `no YAML in ${fixtureDir}`);
  return files.flatMap((file) => parseAllDocuments(fs.readFileSync(path.join(fixtureDir, file), 'utf8')).map((d) => ({ file, ...(d.toJS() as Omit<Manifest, 'file'>) })));
}

/** The REST path that creates `m` (core or named group, namespaced or not). */
function collectionPath(m: Manifest): string {
  const plural = `${m.kind.toLowerCase()}s`;
  const group = m.apiVersion.includes('/') ? `/apis/${m.apiVersion}` : `/api/${m.apiVersion}`;
  return m.metadata.namespace ? `${group}/namespaces/${m.metadata.namespace}/${plural}` : `${group}/${plural}`;
}

describe('demo workspace fits the demo cluster', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ seed: 'demo' });
  });
  after(() => cluster.close());

  it('names only namespaces the demo seed has', () => {
    const namespaces = new Set(cluster.store.list('v1', 'Namespace').map((n) => n.metadata.name));
    for (const m of demoManifests()) {
      const named = [m.metadata.namespace, ...(m.subjects ?? []).filter((s) => s.kind === 'ServiceAccount').map((s) => s.namespace)].filter((n): n is string => n !== undefined);
      for (const ns of named) assert.ok(namespaces.has(ns), `${m.file}: ${m.kind} ${m.metadata.name} names namespace "${ns}", which the demo cluster does not have (${[...namespaces].join(', ')})`);
    }
  });

  it('is accepted object by object by a server-side dry run', async () => {
    for (const m of demoManifests()) {
      const { file: _file, ...body } = m;
      const res = await call(cluster, 'POST', `${collectionPath(m)}?dryRun=All`, { body });
      assert.equal(res.status, 201, `${m.file}: ${m.kind} ${m.metadata.name}: ${res.text}`);
    }
  });
});
