// code-server (VS Code 1.100.3 served to a browser) for the offline extension-host tests and the demo:
// install check, free ports, a throw-away user-data-dir with test settings, start/stop of the server,
// and `--install-extension` of a packaged .vsix. See shared/harness.md for why code-server.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const cacheDir = process.env.CODE_SERVER_CACHE ?? path.join(repoRoot, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
export const codeServerEntry = path.join(cacheDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** Installs code-server into the cache unless it is there; returns the seconds the install took (0 if cached). */
export function ensureCodeServer() {
  if (fs.existsSync(path.join(cacheDir, '.installed')) && fs.existsSync(codeServerEntry)) return 0;
  const started = Date.now();
  execFileSync('bash', [path.join(repoRoot, 'scripts', 'install-code-server.sh')], { stdio: 'inherit' });
  return Math.round((Date.now() - started) / 1000);
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Workbench settings for unattended runs: nothing phones home, no welcome page, no trust prompt. */
export const quietWorkbenchSettings = {
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'npm.autoDetect': 'off',
  'files.hotExit': 'off',
  'window.restoreWindows': 'none',
  'window.confirmBeforeClose': 'never',
  'chat.commandCenter.enabled': false,
};

/** Writes `<userDataDir>/User/settings.json`. */
export function writeUserSettings(userDataDir, settings) {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

/**
 * The environment of a code-server child: ours, minus variables that would tie it to a VS Code this
 * script may run inside (its IPC hooks, ELECTRON_RUN_AS_NODE), plus `extra`.
 */
export function childEnv(extra) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  return { ...env, ...extra };
}

function baseArgs(userDataDir, extensionsDir) {
  return ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
}

/** `code-server --install-extension FILE.vsix` into `extensionsDir`. Throws with its output on failure. */
export function installVsix({ vsix, userDataDir, extensionsDir }) {
  const res = spawnSync(process.execPath, [codeServerEntry, ...baseArgs(userDataDir, extensionsDir), '--install-extension', vsix, '--force'], {
    encoding: 'utf8',
    env: childEnv({}),
    timeout: 120_000,
  });
  const out = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim();
  if (res.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (${res.status ?? res.signal}):\n${out}`);
  return out;
}

async function waitForHealthz(url, child, logFile, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      const res = await globalThis.fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '';
  throw new Error(`code-server did not become ready at ${url} (exit ${child.exitCode ?? child.signalCode ?? 'none'}); log tail:\n${log}`);
}

/**
 * Starts code-server on 127.0.0.1:port in its own process group (so stop() also ends the extension
 * host and other children) and resolves once /healthz answers. Its output goes to `logFile`.
 */
export async function startCodeServer({ port, userDataDir, extensionsDir, env, logFile, locale, workspaceTrust = false, readyTimeoutMs = 60_000 }) {
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  // Its own config file, so code-server never creates ~/.config/code-server/config.yaml with a password.
  const configFile = path.join(userDataDir, 'code-server.yaml');
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    codeServerEntry,
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    // Workspace trust stays off unless a run is about Restricted Mode (run-host-tests.mjs --untrusted).
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    // The display language; needs a language pack in the user-data-dir (scripts/lib/languagePack.mjs).
    ...(locale ? ['--locale', locale] : []),
    ...baseArgs(userDataDir, extensionsDir),
  ];
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { env: childEnv(env), detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const server = { url, port, child, stop: () => killGroup(child) };
  try {
    await waitForHealthz(url, child, logFile, readyTimeoutMs);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/** SIGTERM to the child's process group, SIGKILL after 3 s if anything of it is left. */
export async function killGroup(child) {
  if (!child?.pid) return;
  const alive = () => {
    try {
      process.kill(-child.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 3000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive()) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Synchronous last-resort kill for process 'exit' handlers (no awaiting there). */
export function killGroupNow(child) {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** `vscode-remote://127.0.0.1:PORT/abs/path`: how the browser workbench names a path on the server. */
export function remoteUri(port, absPath) {
  return `vscode-remote://127.0.0.1:${port}${absPath.split(path.sep).map(encodeURIComponent).join('/')}`;
}
