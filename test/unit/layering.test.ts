/**
 * Layers that point one way (CONTRIBUTING.md "Layout"): the import graph of src/ has no circle,
 * between modules or between folders, and the lint rules that keep it so fire on a violation.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import { cycles, moduleGraph, unitGraph, unitOf, type ModuleGraph } from './importGraph';

const root = path.resolve(__dirname, '../../..');

describe('layering: import graph of src/', () => {
  const modules = moduleGraph(path.join(root, 'src'));
  const units = unitGraph(modules);

  it('reads the real graph (the import regex finds the imports)', () => {
    assert.ok(modules.size > 80, `only ${modules.size} modules`);
    assert.ok(units.get('extension')?.has('tokens'), 'extension.ts imports tokens/registerTokens');
    assert.ok(modules.get('doctor/doctorFindings')?.has('doctor/findings'), 'an `import type` line is an edge');
  });

  it('finds a circle when there is one (type-only back edges count)', () => {
    const g: ModuleGraph = new Map([
      ['a/x', new Set(['a/y'])],
      ['a/y', new Set(['b/z'])],
      ['b/z', new Set(['a/x'])],
      ['c/w', new Set(['a/x'])],
    ]);
    assert.deepEqual(cycles(g), [['a/x', 'a/y', 'b/z']]);
    assert.deepEqual(cycles(unitGraph(g)), [['a', 'b']]);
  });

  it('has no circle between modules', () => {
    assert.deepEqual(cycles(modules), []);
  });

  it('has no circle between folders (a file directly in src/ is its own unit)', () => {
    assert.deepEqual(cycles(units), []);
  });

  it('src/jwt/, src/errors/ and src/common/ import nothing from src/kube/, not even types', () => {
    const offenders = [...modules].filter(([from, tos]) => ['jwt', 'errors', 'common'].includes(unitOf(from)) && [...tos].some((t) => unitOf(t) === 'kube'));
    assert.deepEqual(offenders.map(([from]) => from), []);
  });
});

interface Probe {
  /** Where the snippet pretends to live, relative to the repository root. */
  file: string;
  code: string;
}

const RESTRICTED = '@typescript-eslint/no-restricted-imports';
const TYPE_IMPORTS = '@typescript-eslint/consistent-type-imports';

describe('layering: lint rules fire on a violation', function () {
  this.timeout(60_000);
  let eslint: ESLint;

  before(() => {
    // Only the two import rules, without type information: lints the snippets in well under a second.
    eslint = new ESLint({
      cwd: root,
      overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: false, project: null } } }],
      ruleFilter: ({ ruleId }) => ruleId === RESTRICTED || ruleId === TYPE_IMPORTS,
    });
  });

  async function ruleIds(p: Probe): Promise<string[]> {
    const [result] = await eslint.lintText(p.code, { filePath: path.join(root, p.file) });
    assert.equal(result.fatalErrorCount, 0, JSON.stringify(result.messages));
    return result.messages.map((m) => m.ruleId ?? m.message);
  }

  async function assertFires(p: Probe, rule = RESTRICTED): Promise<void> {
    assert.ok((await ruleIds(p)).includes(rule), `${rule} did not fire on ${p.file}: ${p.code}`);
  }

  it('jwt → kube: neither a value nor a type import', async () => {
    await assertFires({ file: 'src/jwt/probe.ts', code: "import { KubeError } from '../kube/index';\nexport const e = KubeError;\n" });
    await assertFires({ file: 'src/jwt/probe.ts', code: "import type { TokenClusterFacts } from '../kube/doctor';\nexport type F = TokenClusterFacts;\n" });
  });

  it('common → kube: no value import (nor a type one: common sits below kube)', async () => {
    await assertFires({ file: 'src/common/probe.ts', code: "import { ClusterSession } from '../kube/session';\nexport const s = ClusterSession;\n" });
    await assertFires({ file: 'src/common/probe.ts', code: "import type { ClusterSession } from '../kube/session';\nexport type S = ClusterSession;\n" });
  });

  it('a feature → another feature\'s internals', async () => {
    await assertFires({ file: 'src/scaffold/probe.ts', code: "import { mint } from '../tokens/mint';\nexport const m = mint;\n" });
    await assertFires({ file: 'src/permissions/probe.ts', code: "import type { TreeLoader } from '../tree/loaders';\nexport type L = TreeLoader;\n" });
  });

  it('a feature → src/kube/ beyond session.ts (dist/kube.js is loaded on first use)', async () => {
    await assertFires({ file: 'src/tree/probe.ts', code: "import { ContextClient } from '../kube/http';\nexport const c = ContextClient;\n" });
  });

  it('a lower layer → a higher one (kube → a feature, doctor → hover, errors → common)', async () => {
    await assertFires({ file: 'src/kube/probe.ts', code: "import { registerTokens } from '../tokens/registerTokens';\nexport const r = registerTokens;\n" });
    await assertFires({ file: 'src/doctor/probe.ts', code: "import { registerHover } from '../hover/registerHover';\nexport const r = registerHover;\n" });
    await assertFires({ file: 'src/errors/probe.ts', code: "import { Log } from '../common/log';\nexport const l = Log;\n" });
  });

  it('src/federation → another feature\'s internals or a higher layer', async () => {
    await assertFires({ file: 'src/federation/probe.ts', code: "import { mint } from '../tokens/mint';\nexport const m = mint;\n" });
    await assertFires({ file: 'src/federation/probe.ts', code: "import { registerScaffold } from '../scaffold/registerScaffold';\nexport const r = registerScaffold;\n" });
    await assertFires({ file: 'src/tokens/probe.ts', code: "import { registerFederation } from '../federation/registerFederation';\nexport const r = registerFederation;\n" });
    assert.deepEqual(await ruleIds({ file: 'src/federation/probe.ts', code: "import { resolveTarget } from '../tokens/targets';\nimport type { AcceptingClusterFacts } from '../kube/federation';\nexport const r = resolveTarget;\nexport type F = AcceptingClusterFacts;\n" }), []);
  });

  it('a pure layer → vscode', async () => {
    await assertFires({ file: 'src/doctor/probe.ts', code: "import * as vscode from 'vscode';\nexport const w = vscode.window;\n" });
    await assertFires({ file: 'src/kube/probe.ts', code: "import * as vscode from 'vscode';\nexport const w = vscode.window;\n" });
  });

  it('a value import of yaml, in every folder but src/kube/ (the restriction survives the per-folder blocks)', async () => {
    const code = "import { parse } from 'yaml';\nexport const p = parse;\n";
    for (const dir of ['common', 'errors', 'jwt', 'rbac', 'doctor', 'tree', 'tokens', 'expiry', 'permissions', 'scaffold', 'hover', 'federation', 'newFolder']) {
      await assertFires({ file: `src/${dir}/probe.ts`, code });
    }
    await assertFires({ file: 'src/extension.ts', code });
    assert.deepEqual(await ruleIds({ file: 'src/kube/probe.ts', code }), []);
    assert.deepEqual(await ruleIds({ file: 'src/tokens/probe.ts', code: "import type { Document } from 'yaml';\nexport type D = Document;\n" }), []);
  });

  it('an import used only as a type without `type`', async () => {
    await assertFires({ file: 'src/hover/probe.ts', code: "import { Log } from '../common/log';\nexport let log: Log | undefined;\n" }, TYPE_IMPORTS);
  });

  it('passes what the layers allow', async () => {
    const code = [
      "import { diagnoseToken } from '../doctor/doctorFindings';",
      "import type { Finding } from '../doctor/findings';",
      "import { decodeJwt } from '../jwt/decode';",
      "import { KubeError } from '../errors/kubeError';",
      "import { ClusterSession } from '../kube/session';",
      "import type { ContextClient } from '../kube/http';",
      "import type { Services } from '../services';",
      "import { resolveTarget } from '../tokens/targets';",
      "import type { KeptToken } from '../tokens/tokenStore';",
      "import { rbacYaml } from '../rbac/rbacYaml';",
      "import { yaml } from '../loader/yaml';",
      'export const values = [diagnoseToken, decodeJwt, KubeError, ClusterSession, resolveTarget, rbacYaml, yaml];',
      'export type Types = [Finding, ContextClient, Services, KeptToken];',
      '',
    ].join('\n');
    assert.deepEqual(await ruleIds({ file: 'src/scaffold/probe.ts', code }), []);
    assert.deepEqual(await ruleIds({ file: 'src/doctor/probe.ts', code: "import type { TokenClusterFacts } from '../kube/doctor';\nimport { describePermission } from '../errors/describe';\nexport type F = TokenClusterFacts;\nexport const d = describePermission;\n" }), []);
  });
});
