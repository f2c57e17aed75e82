// Builds these bundles:
//  - dist/extension.js: what VS Code loads at activation. Kept small: it must not pull in
//    @kubernetes/client-node (about 1.7 MB and ~90 ms to require).
//  - dist/kube.js: the cluster layer (client-node, jose JWKS verification), required on first use.
//  - dist/yaml.js: the `yaml` package (115 KB), required on first use through src/common/yaml.ts.
//  - dist/webview/dashboard.js: the expiry dashboard's browser script.
//  - dist/webview/permissions.js: the permissions view's browser script.
//  - dist/webview/mintResult.js: the "Minted token" panel's browser script.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the format the $esbuild-watch problem matcher understands. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: watch ? [problemMatcher] : [],
};

const nodeCommon = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  // The extension bundle reaches the cluster layer and yaml through these relative paths at run time.
  define: { KUBE_MODULE_PATH: JSON.stringify('./kube.js'), YAML_MODULE_PATH: JSON.stringify('./yaml.js') },
};

const builds = [
  { ...nodeCommon, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', './kube.js'] },
  { ...nodeCommon, entryPoints: ['src/kube/index.ts'], outfile: 'dist/kube.js' },
  { ...nodeCommon, entryPoints: ['src/common/yamlBundle.ts'], outfile: 'dist/yaml.js' },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: ['webview/dashboard.ts'],
    outfile: 'dist/webview/dashboard.js',
  },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: ['webview/permissions.ts'],
    outfile: 'dist/webview/permissions.js',
  },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: ['webview/mintResult.ts'],
    outfile: 'dist/webview/mintResult.js',
  },
];

const existing = [];
for (const b of builds) {
  try {
    await import('node:fs').then((fs) => fs.accessSync(b.entryPoints[0]));
    existing.push(b);
  } catch {
    // Entry not written yet; skip it so the other bundles still build.
  }
}

if (watch) {
  const contexts = await Promise.all(existing.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(existing.map((b) => esbuild.build(b)));
}
