// Builds these bundles:
//  - dist/extension.js: what VS Code loads at activation. Kept small: no cluster code, no yaml.
//  - dist/kube.js: the cluster layer (src/kube: kubeconfig, credentials, exec plugins, requests;
//    jose for JWKS verification), required on first cluster use. It holds none of
//    @kubernetes/client-node's generated API (that was 1.1 MB and ~160 ms to require, for code the
//    extension never called): `npm run bench` reports its size and require time.
//  - dist/kube-proxy.js, dist/kube-oidc.js: parts of the cluster layer few users need (proxy-url
//    agents; the oidc auth provider's refresh through client-node), required when first needed.
//  - dist/yaml.js: the `yaml` package (115 KB), required on first use through src/loader/yaml.ts,
//    by the extension and by dist/kube.js alike (one copy).
//  - dist/webview/dashboard.js, permissions.js, mintResult.js, tokenAudit.js: the browser scripts of the
//    expiry dashboard, the permissions view, the "Minted token" panel and the token audit view.
// `node esbuild.mjs --metafile` also writes out/esbuild-meta/<bundle>.json (what each bundle holds).
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const metafile = process.argv.includes('--metafile');

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
  // The bundles reach each other through these relative paths at run time (computed requires).
  define: {
    KUBE_MODULE_PATH: JSON.stringify('./kube.js'),
    YAML_MODULE_PATH: JSON.stringify('./yaml.js'),
    KUBE_PROXY_MODULE_PATH: JSON.stringify('./kube-proxy.js'),
    KUBE_OIDC_MODULE_PATH: JSON.stringify('./kube-oidc.js'),
  },
};

const builds = [
  { ...nodeCommon, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', './kube.js'] },
  { ...nodeCommon, entryPoints: ['src/kube/index.ts'], outfile: 'dist/kube.js' },
  { ...nodeCommon, entryPoints: ['src/kube/proxyAgents.ts'], outfile: 'dist/kube-proxy.js' },
  { ...nodeCommon, entryPoints: ['src/kube/authProviderOidc.ts'], outfile: 'dist/kube-oidc.js' },
  { ...nodeCommon, entryPoints: ['src/loader/yamlBundle.ts'], outfile: 'dist/yaml.js' },
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
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: ['webview/tokenAudit.ts'],
    outfile: 'dist/webview/tokenAudit.js',
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
  const results = await Promise.all(existing.map((b) => esbuild.build({ ...b, metafile })));
  if (metafile) {
    const fs = await import('node:fs');
    fs.mkdirSync('out/esbuild-meta', { recursive: true });
    results.forEach((r, i) => fs.writeFileSync(`out/esbuild-meta/${existing[i].outfile.replace(/^dist\//, '').replace(/\//g, '_')}.json`, JSON.stringify(r.metafile)));
  }
}
