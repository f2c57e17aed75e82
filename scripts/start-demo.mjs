// `npm start [-- --port 8080] [--no-build] [--locale zh-cn]`: try the extension by hand in a browser, offline.
// `--locale zh-cn` shows the extension in Simplified Chinese (a minimal local language pack, see
// scripts/lib/languagePack.mjs: VS Code's own UI stays English; the CJK font comes from Debian's
// fonts-wqy-microhei).
// Builds (production bundles, tsc for the test server), starts the in-repo test API server with the
// demo seed in this process, writes its kubeconfig (context `demo`) to .demo/kubeconfig, packages the
// extension and installs the .vsix into .demo/extensions, and serves VS Code (code-server) on
// 127.0.0.1 with KUBECONFIG=.demo/kubeconfig and a demo workspace (.demo/workspace: a sample manifest
// and a freshly minted demo token to hover). Runs until Ctrl-C.
import { request } from 'node:https';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildBundles, compileTests } from './lib/build.mjs';
import { ensureCodeServer, freePort, installVsix, portIsFree, quietWorkbenchSettings, repoRoot, startCodeServer, writeUserSettings } from './lib/codeServer.mjs';
import { installMinimalLanguagePack } from './lib/languagePack.mjs';
import { packageVsix } from './lib/vsix.mjs';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, 'no-build': { type: 'boolean', default: false }, locale: { type: 'string' } } });
const locale = values.locale && !values.locale.toLowerCase().startsWith('en') ? values.locale.toLowerCase() : undefined;
const demoDir = path.join(repoRoot, '.demo');
const workspace = path.join(demoDir, 'workspace');

ensureCodeServer();
if (!values['no-build']) {
  compileTests(); // out/testserver
  buildBundles({ production: true });
}

// The test server is TypeScript compiled to CommonJS in out/.
const { startTestCluster } = createRequire(import.meta.url)(path.join(repoRoot, 'out', 'testserver', 'index.js'));
const cluster = await startTestCluster({ seed: 'demo' });
const kubeconfig = cluster.writeKubeconfig(path.join(demoDir, 'kubeconfig'), { contextName: 'demo', namespace: 'demo' });
console.log(`demo cluster: ${cluster.url} (kubeconfig ${path.relative(repoRoot, kubeconfig)}, context demo)`);

/** A TokenRequest as the cluster admin: a real 1-hour token of demo/ci-deployer for the hover demo. */
function mintDemoToken() {
  const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } });
  const url = new URL('/api/v1/namespaces/demo/serviceaccounts/ci-deployer/token', cluster.url);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      ca: cluster.caPem,
      headers: { Authorization: `Bearer ${cluster.adminToken}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode === 201 ? resolve(JSON.parse(text).status.token) : reject(new Error(`TokenRequest: HTTP ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

fs.rmSync(workspace, { recursive: true, force: true });
fs.mkdirSync(workspace, { recursive: true });
// Every sample manifest of the fixture workspace (test/server/demo-workspace.test.ts checks they fit the demo seed).
const fixtureDir = path.join(repoRoot, 'test', 'fixtures', 'workspace');
for (const f of fs.readdirSync(fixtureDir).filter((n) => /\.ya?ml$/.test(n))) fs.copyFileSync(path.join(fixtureDir, f), path.join(workspace, f));
// A throw-away token of the throw-away demo cluster: it dies with this process (and expires in 1 h).
fs.writeFileSync(path.join(workspace, 'ci.env'), `# Hover the token to decode it (demo cluster, expires in 1 hour)\nKUBE_TOKEN=${await mintDemoToken()}\n`, { mode: 0o600 });

let vsix;
try {
  vsix = packageVsix();
} catch (err) {
  console.error(`demo: ${err.message}`);
  await cluster.close();
  process.exit(1);
}
const userDataDir = path.join(demoDir, 'user-data');
const extensionsDir = path.join(demoDir, 'extensions');
fs.rmSync(userDataDir, { recursive: true, force: true });
fs.rmSync(extensionsDir, { recursive: true, force: true });
writeUserSettings(userDataDir, quietWorkbenchSettings);
installVsix({ vsix, userDataDir, extensionsDir });
console.log(`demo: installed ${path.relative(repoRoot, vsix)} into ${path.relative(repoRoot, extensionsDir)}`);
if (locale) {
  installMinimalLanguagePack(userDataDir, locale);
  console.log(`demo: display language ${locale} (the extension's strings; VS Code's own stay English)`);
}

const wanted = Number(values.port);
const port = Number.isInteger(wanted) && (await portIsFree(wanted)) ? wanted : await freePort();
if (port !== wanted) console.log(`demo: port ${values.port} is busy, using ${port}`);
const server = await startCodeServer({
  port,
  userDataDir,
  extensionsDir,
  logFile: path.join(demoDir, 'code-server.log'),
  locale,
  env: { KUBECONFIG: kubeconfig },
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  console.log('\ndemo: stopping');
  await server.stop();
  await cluster.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
server.child.on('exit', (code) => {
  if (!stopping) {
    console.error(`demo: code-server exited (${code}); see .demo/code-server.log`);
    void stop();
  }
});

console.log(`\nOpen ${server.url}/?folder=${encodeURIComponent(workspace)}\n(Ctrl-C to stop)`);
