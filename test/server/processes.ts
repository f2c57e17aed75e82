/** Helpers for tests of exec credential plugins: a scriptable plugin, and whether a pid still runs. */
import * as fs from 'node:fs';

/**
 * A credential plugin in Node. `PLUGIN_MODE` (from the kubeconfig's exec.env) chooses what it does;
 * it records its pid, its KUBERNETES_EXEC_INFO and how often it ran in `PLUGIN_DIR`.
 */
export const PLUGIN_SCRIPT = String.raw`
const fs = require('fs');
const path = require('path');
const dir = process.env.PLUGIN_DIR;
const file = (name) => path.join(dir, name);
const count = (fs.existsSync(file('count')) ? Number(fs.readFileSync(file('count'), 'utf8')) : 0) + 1;
fs.writeFileSync(file('count'), String(count));
fs.writeFileSync(file('exec-info'), process.env.KUBERNETES_EXEC_INFO || '');
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO || '{}');
const token = fs.readFileSync(file('token'), 'utf8');
const credential = (status) => JSON.stringify({ apiVersion: info.apiVersion, kind: 'ExecCredential', status });
const hang = () => setInterval(() => undefined, 1000);
switch (process.env.PLUGIN_MODE) {
  case 'ok':
    process.stdout.write(credential({ token, expirationTimestamp: process.env.PLUGIN_EXPIRES || undefined }));
    break;
  case 'badThenOk':
    process.stdout.write(credential({ token: count === 1 ? 'not-a-valid-token' : token }));
    break;
  case 'hang':
    hang();
    break;
  case 'hangWithChild': {
    const child = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' });
    fs.writeFileSync(file('child'), String(child.pid));
    hang();
    break;
  }
  case 'ignoreTerm':
    process.on('SIGTERM', () => undefined);
    fs.writeFileSync(file('trapped'), 'yes');
    hang();
    break;
  case 'flood': {
    const chunk = 'x'.repeat(65536);
    const write = () => {
      while (process.stdout.write(chunk));
      process.stdout.once('drain', write);
    };
    write();
    break;
  }
  case 'fail':
    process.stderr.write('error: could not refresh: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.c2lnbmF0dXJlc2lnbmF0dXJl\n');
    process.exitCode = 3;
    break;
}
fs.writeFileSync(file('pid'), String(process.pid));
`;

/**
 * Whether `pid` is a live process. A zombie counts as gone: it has exited, and only waits for a
 * parent to reap it (in containers whose init does not reap, killed grandchildren stay zombies).
 */
export function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    if (fs.existsSync('/proc/self/stat')) return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `probe` every 20 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function waitUntil(probe: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
