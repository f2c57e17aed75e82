// `npm run test:electron [-- --grep <regex>] [--no-build]`
// The same extension-host suite (out/test/suite) in desktop VS Code through @vscode/test-electron, for
// machines that are ONLINE: it downloads VS Code (engines.vscode, 1.100.0) into .vscode-test/ first.
// Offline machines (like this project's dev and CI machines) cannot download it: use `npm run test:host`
// (code-server + Chromium), which runs the same suite in VS Code 1.100.3. On Linux without a display,
// run it under `xvfb-run -a npm run test:electron`.
// Not available here: captureWorkbench() of test/suite/helpers.ts (it needs the Playwright runner).
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildBundles, compileTests } from './lib/build.mjs';
import { quietWorkbenchSettings, repoRoot, writeUserSettings } from './lib/codeServer.mjs';

const { values } = parseArgs({ options: { grep: { type: 'string' }, 'no-build': { type: 'boolean', default: false } } });
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const version = manifest.engines.vscode.replace(/^[\^~>=]+/, '');

let vscodeExecutablePath;
try {
  vscodeExecutablePath = await downloadAndUnzipVSCode({ version, cachePath: path.join(repoRoot, '.vscode-test'), timeout: 30_000 });
} catch (err) {
  console.error(`test:electron: could not download VS Code ${version} (${err instanceof Error ? err.message : String(err)}).`);
  console.error('test:electron needs internet access to download VS Code. On offline machines run `npm run test:host`,');
  console.error('which runs the same suite in code-server (VS Code 1.100.3) with Chromium.');
  process.exit(2);
}

if (!values['no-build']) {
  buildBundles();
  compileTests();
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-tokens-electron-'));
const userDataDir = path.join(tmp, 'user-data');
writeUserSettings(userDataDir, quietWorkbenchSettings);
// KUBECONFIG points at an empty file so the machine's ~/.kube/config never reaches the tests.
const emptyKubeconfig = path.join(tmp, 'empty-kubeconfig');
fs.writeFileSync(emptyKubeconfig, '', { mode: 0o600 });

let code = 1;
try {
  code = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: path.join(repoRoot, 'out', 'test', 'suite', 'index.js'),
    launchArgs: [path.join(repoRoot, 'test', 'fixtures', 'workspace'), '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', `--user-data-dir=${userDataDir}`],
    extensionTestsEnv: { KUBECONFIG: emptyKubeconfig, ...(values.grep ? { MOCHA_GREP: values.grep } : {}) },
  });
} catch (err) {
  console.error(`test:electron: the suite failed: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(code === 0 ? 0 : 1);
