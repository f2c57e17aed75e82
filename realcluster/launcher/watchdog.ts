/**
 * No orphans, even when the process that started the control plane is killed with SIGKILL.
 *
 * The binaries run in their own process groups (so Ctrl-C in a terminal does not hit them before the
 * launcher stops them in order). That also means nothing kills them when the launcher dies without
 * cleaning up. This file is both sides of the remedy:
 *   - run as a program (`node watchdog.js`), it reads commands from stdin, a pipe from the launcher:
 *     `track-group <pgid>`, `untrack-group <pgid>`, `track-dir <path>`, `untrack-dir <path>`. When the
 *     pipe closes (the launcher exited, however it died), it sends SIGTERM to every group still
 *     tracked, SIGKILL after 5 s to the survivors, removes the tracked directories and exits.
 *   - `watchdog()` starts that program once per launcher process (detached, so a terminal's Ctrl-C or a
 *     kill of the launcher's process group does not reach it) and returns the client.
 * A normal `close()` stops the processes itself and untracks them, so the watchdog then has nothing to do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

const KILL_AFTER_MS = 5000;

export interface Watchdog {
  trackGroup(pgid: number): void;
  untrackGroup(pgid: number): void;
  trackDir(dir: string): void;
  untrackDir(dir: string): void;
}

let instance: { child: ChildProcess; client: Watchdog } | undefined;

/** The launcher side: one watchdog process per launcher process, started on first use. */
export function watchdog(): Watchdog {
  if (instance && instance.child.exitCode === null && instance.child.signalCode === null) return instance.client;
  // ELECTRON_RUN_AS_NODE: inside desktop VS Code's extension host, execPath is Electron, not node.
  const child = spawn(process.execPath, [__filename], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  // Neither the child nor its pipe may keep the launcher's event loop alive (mocha exits when idle).
  child.unref();
  const stdin = child.stdin as NonNullable<typeof child.stdin> & { unref?: () => void };
  stdin.on('error', () => undefined);
  stdin.unref?.();
  const send = (line: string): void => {
    if (!stdin.destroyed) stdin.write(line + '\n');
  };
  const client: Watchdog = {
    trackGroup: (pgid) => send(`track-group ${pgid}`),
    untrackGroup: (pgid) => send(`untrack-group ${pgid}`),
    trackDir: (dir) => send(`track-dir ${dir}`),
    untrackDir: (dir) => send(`untrack-dir ${dir}`),
  };
  instance = { child, client };
  return client;
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

/** The watchdog program. */
function runWatchdog(): void {
  const groups = new Set<number>();
  const dirs = new Set<string>();
  let buffered = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    const lines = (buffered + chunk).split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const space = line.indexOf(' ');
      const [command, arg] = [line.slice(0, space), line.slice(space + 1)];
      if (command === 'track-group') groups.add(Number(arg));
      else if (command === 'untrack-group') groups.delete(Number(arg));
      else if (command === 'track-dir') dirs.add(arg);
      else if (command === 'untrack-dir') dirs.delete(arg);
    }
  });
  const cleanUp = (): void => {
    const alive = [...groups].filter((g) => signalGroup(g, 'SIGTERM'));
    const finish = (): void => {
      for (const g of alive) signalGroup(g, 'SIGKILL');
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
      process.exit(0);
    };
    if (alive.length === 0) return finish();
    const started = Date.now();
    const poll = setInterval(() => {
      if (alive.every((g) => !signalGroup(g, 0)) || Date.now() - started > KILL_AFTER_MS) {
        clearInterval(poll);
        finish();
      }
    }, 100);
  };
  process.stdin.on('end', cleanUp);
  process.stdin.on('error', cleanUp);
  // Detached from the launcher's terminal, but be explicit: only the closing pipe ends this process.
  process.on('SIGINT', () => undefined);
  process.on('SIGHUP', () => undefined);
}

if (require.main === module) runWatchdog();
