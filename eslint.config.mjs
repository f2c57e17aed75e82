import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import regexpPlugin from 'eslint-plugin-regexp';

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
    },
  },
  {
    // yaml is 115 KB: reach it through src/common/yaml.ts (dist/yaml.js, loaded on first use), so it
    // is not parsed and evaluated at every activation (measured by `npm run bench`). src/kube is
    // bundled into dist/kube.js, itself loaded on first cluster use, so it may import yaml directly.
    files: ['src/**/*.ts'],
    ignores: ['src/common/yaml.ts', 'src/common/yamlBundle.ts', 'src/kube/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'yaml', message: "Use yaml() from src/common/yaml.ts (loaded on first use); 'import type' is fine.", allowTypeImports: true }] },
      ],
    },
  },
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
    files: ['testserver/**', 'test/**', 'scripts/**', 'bench/**', 'webview/**'],
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
