import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import regexpPlugin from 'eslint-plugin-regexp';

/**
 * The public face of each feature folder: the only modules another folder may import from it.
 * `register*.ts` wires the feature; the others are shared on purpose (a model, a store, pure logic).
 * Everything else in a feature folder is its own business.
 */
const featureFaces = {
  tree: ['registerTree', 'model'], // model: the tree's node types, which commands receive
  tokens: ['registerTokens', 'tokenStore', 'targets', 'duration', 'durationInput', 'revealConfirm'], // kept tokens; resolving a ServiceAccount target; the one lifetime parser and its input step (generators); the reveal confirmation (dashboard)
  expiry: ['registerExpiry'],
  permissions: ['registerPermissions', 'matrix', 'rbac', 'view'], // pure RBAC evaluation; the matrix document
  scaffold: ['registerScaffold'],
  hover: ['registerHover'],
  federation: ['registerFederation'],
  audit: ['registerAudit'],
};

/**
 * What each folder of src/ may import, bottom layer first (itself always). Unlisted src/ folders are
 * forbidden. `typesFrom`: `import type` only (erased, so nothing is loaded). `pure`: no `vscode`.
 * Features reach src/kube/ only through `import type`, except kube/session.ts (it loads dist/kube.js
 * on first use), so the extension bundle never contains the cluster layer.
 */
const library = ['text', 'loader', 'errors', 'jwt', 'common', 'kube', 'rbac', 'doctor', 'services'];
const layers = {
  text: { may: [], pure: true }, // redaction by credential shape, bidi escapes, bounds: for every text from outside
  loader: { may: [], pure: true }, // our lazily loaded bundles (yaml(), the V8 code cache): below kube and common alike
  errors: { may: ['text'], pure: true }, // KubeError and describeKubeError: shared by both bundles
  jwt: { may: ['text'], pure: true }, // JWT decoding and claim explanation
  common: { may: ['text', 'loader', 'errors', 'jwt'] }, // jwt is pure and imports nothing: dates.ts formats with jwt/time
  kube: { may: ['text', 'loader', 'errors', 'jwt'], typesFrom: ['common'], pure: true }, // dist/kube.js (session.ts: see below)
  rbac: { may: ['loader', 'common'], pure: true }, // RBAC objects as YAML, for tokens and scaffold
  doctor: { may: ['text', 'errors', 'jwt'], typesFrom: ['kube'], pure: true }, // judges the facts kube/doctor.ts gathers
  services: { may: ['common'], typesFrom: ['kube'] }, // src/services.ts
  tree: { may: library },
  tokens: { may: [...library, 'tree'] },
  expiry: { may: [...library, 'tokens'] },
  permissions: { may: [...library, 'tree', 'tokens'] },
  scaffold: { may: [...library, 'tree', 'tokens', 'permissions'] },
  hover: { may: library },
  federation: { may: [...library, 'tree', 'tokens'] }, // cross-cluster trust: picks contexts and ServiceAccounts like tokens does
  audit: { may: [...library, 'tree', 'tokens'] }, // token use in audit logs, legacy token Secrets and their migration
  extension: { may: [...library, ...Object.keys(featureFaces)] }, // src/extension.ts, the composition root
};
const rootFiles = ['services', 'extension'];

/** `^\.\./(?:a|b)(?:/|$)` from a folder, `^\./(?:a|b)(?:/|$)` from a file directly in src/. */
function folderRegex(from, names) {
  const up = rootFiles.includes(from) ? '\\./' : '\\.\\./';
  const folders = names.filter((n) => !rootFiles.includes(n));
  const files = names.filter((n) => rootFiles.includes(n));
  const alts = [...folders.map((n) => `${n}(?:/|$)`), ...files.map((n) => `${n}$`)];
  return alts.length ? `^${up}(?:${alts.join('|')})` : undefined;
}

const yamlPath = { name: 'yaml', message: "Use yaml() from src/loader/yaml.ts (loaded on first use); 'import type' is fine.", allowTypeImports: true };
const vscodePath = { name: 'vscode', message: 'This layer is pure (plain Node, unit-tested): no vscode import. Strings go through l10n.t from @vscode/l10n.' };

/** Every import restriction of one layer, as one `no-restricted-imports` entry. */
function layerRule(from, { yaml = true, vscode } = {}) {
  const rule = layers[from];
  const all = Object.keys(layers).filter((n) => n !== from);
  const allowed = new Set([...rule.may, ...(rule.typesFrom ?? [])]);
  const patterns = [];
  const forbidden = folderRegex(from, all.filter((n) => !allowed.has(n)));
  if (forbidden) patterns.push({ regex: forbidden, message: `src/${from} may import only ${[...allowed].join(', ') || 'nothing else in src/'} (layers: CONTRIBUTING.md "Layout").` });
  const typesOnly = folderRegex(from, rule.typesFrom ?? []);
  if (typesOnly) patterns.push({ regex: typesOnly, allowTypeImports: true, message: `src/${from} may use only 'import type' from ${rule.typesFrom.join(', ')}.` });
  if (rule.may.includes('kube')) {
    const up = rootFiles.includes(from) ? '\\./' : '\\.\\./';
    patterns.push({ regex: `^${up}kube/(?!session$)`, allowTypeImports: true, message: "src/kube is dist/kube.js, loaded on first use: reach it through services.session; 'import type' is fine." });
  }
  for (const [feature, face] of Object.entries(featureFaces)) {
    if (feature === from || !rule.may.includes(feature)) continue;
    const up = rootFiles.includes(from) ? '\\./' : '\\.\\./';
    patterns.push({ regex: `^${up}${feature}/(?!(?:${face.join('|')})$)`, message: `Another feature's internals: import only ${face.map((f) => `${feature}/${f}`).join(', ')} (its public face, eslint.config.mjs featureFaces).` });
  }
  const paths = [...(yaml ? [yamlPath] : []), ...((vscode ?? !rule.pure) ? [] : [vscodePath])];
  return ['error', { paths, patterns }];
}

function layerBlocks() {
  // A folder not in `layers` yet still gets the yaml restriction.
  const blocks = [{ files: ['src/**/*.ts'], rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [yamlPath] }] } }];
  for (const from of Object.keys(layers)) {
    const files = rootFiles.includes(from) ? [`src/${from}.ts`] : [`src/${from}/**/*.ts`];
    // yaml is 115 KB: reach it through src/loader/yaml.ts (dist/yaml.js, loaded on first use), so it
    // is not parsed and evaluated at every activation (measured by `npm run bench`). src/kube is
    // bundled into dist/kube.js, itself loaded on first cluster use, so it may import yaml directly.
    const yaml = from !== 'kube';
    blocks.push({ files, rules: { '@typescript-eslint/no-restricted-imports': layerRule(from, { yaml }) } });
  }
  blocks.push(
    // ClusterSession is the extension side of the cluster layer: it may use vscode.
    { files: ['src/kube/session.ts'], rules: { '@typescript-eslint/no-restricted-imports': layerRule('kube', { yaml: false, vscode: true }) } },
    { files: ['src/loader/yaml.ts', 'src/loader/yamlBundle.ts'], rules: { '@typescript-eslint/no-restricted-imports': layerRule('loader', { yaml: false }) } },
    // Pure modules inside layers that may use vscode: plain Node, unit-tested.
    { files: ['src/common/secretFile.ts', 'src/common/restrictedSettings.ts'], rules: { '@typescript-eslint/no-restricted-imports': layerRule('common', { vscode: false }) } },
    { files: ['src/tokens/exportPrompt.ts'], rules: { '@typescript-eslint/no-restricted-imports': layerRule('tokens', { vscode: false }) } },
    // The token audit's parser, aggregation, migration plan and reports run in plain Node (and the webview).
    { files: ['src/audit/**/*.ts'], ignores: ['src/audit/panel.ts', 'src/audit/registerAudit.ts'], rules: { '@typescript-eslint/no-restricted-imports': layerRule('audit', { vscode: false }) } },
  );
  return blocks;
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', '.vscode-test/**', 'node_modules/**', '.demo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-async-promise-executor': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
      curly: ['error', 'multi-line'],
      eqeqeq: ['error', 'always'],
      // `import type` is erased, so it never loads a module at run time: the layer rules below
      // allow type imports across bundles, and this keeps type-only imports marked as such.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  // Layers of src/ (CONTRIBUTING.md "Layout"): each folder lists what it may import, so imports
  // point one way and folders never form a circle (test/unit/layering.test.ts proves both).
  // One block per folder: flat config does not merge the options of one rule across blocks, so
  // each block carries every restriction for its files, the yaml one included.
  ...layerBlocks(),
  {
    // Regexes run on hostile text (files under the cursor, cluster answers, kubeconfigs): every one
    // must stay linear. The recommended set warns about super-linear backtracking; here it and
    // super-linear moves (a /g or unanchored regex retried from every position) are errors.
    ...regexpPlugin.configs['flat/recommended'],
    files: ['**/*.ts', '**/*.mjs', '**/*.cjs', '**/*.js'],
    rules: {
      ...regexpPlugin.configs['flat/recommended'].rules,
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
    },
  },
  {
    // Test servers, scripts and benchmarks are command-line programs: printing is their job.
    files: ['testserver/**', 'realcluster/**', 'test/**', 'scripts/**', 'bench/**', 'webview/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', console: 'readonly', process: 'readonly' } },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' } },
  },
);
