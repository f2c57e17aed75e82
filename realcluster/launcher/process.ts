/**
 * One control-plane binary as a child process, in the manner of controller-runtime envtest's
 * `internal/process`: start it with its flags, its output to a log file, then poll a health URL until
 * it answers 200, the process exits, or the start timeout passes; stop with SIGTERM, wait, SIGKILL.
 * Each binary runs in its own process group (detached) that the watchdog kills if the launcher dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { watchdog } from './watchdog';

export interface HealthProbe {
  /** http(s) URL that answers 200 when the process is up (etcd /health, kube-apiserver /readyz, ...). */
  url: string;
  /** Client certificate and CA for https probes; `insecure` skips server verification (self-signed kube-controller-manager). */
  tls?: { caPem?: string; certPem?: string; keyPem?: string; insecure?: boolean };
}

export interface ProcessSpec {
  /** Short name for messages: etcd, kube-apiserver, kube-controller-manager. */
  name: string;
  binary: string;
  args: string[];
  logFile: string;
  health: HealthProbe;
  startTimeoutMs: number;
  stopTimeoutMs: number;
}

const POLL_MS = 200;

/** GET `probe.url`; resolves the status code (0 when the connection failed). */
export function probeStatus(probe: HealthProbe, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve) => {
    const url = new URL(probe.url);
    const get = url.protocol === 'https:' ? https.get : http.get;
    const req = get(
      url,
      { timeout: timeoutMs, ca: probe.tls?.caPem, cert: probe.tls?.certPem, key: probe.tls?.keyPem, rejectUnauthorized: !probe.tls?.insecure, agent: false },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/**
 * What a log says about a failure: its error and fatal lines (klog `E`/`F` prefixes, etcd's JSON
 * "level":"error"/"fatal") and the last lines, at most `n` lines in all.
 */
export function logExcerpt(file: string, n = 20): string {
  let lines: string[];
  try {
    lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  } catch {
    return '(no log)';
  }
  const isError = (l: string): boolean => /^[EF]\d{4} /.test(l) || /"level":"(?:error|fatal|panic)"/.test(l) || /^(?:panic|Error):/.test(l);
  const errors = lines.filter(isError).slice(-Math.ceil(n / 2));
  const tail = lines.slice(-(n - errors.length)).filter((l) => !errors.includes(l));
  return [...(errors.length ? ['errors:', ...errors, 'last lines:'] : []), ...tail].join('\n');
}

/** A sentence for the usual reasons a binary does not come up, read from its log. */
function diagnose(log: string): string | undefined {
  const inUse = log.split('\n').find((l) => l.includes('address already in use'));
  if (inUse) {
    const address = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}:\d{1,5}/.exec(inUse)?.[0];
    return `a port it needs is already in use${address ? ` (${address})` : ''}: another kube-apiserver/etcd (an earlier run, \`npm run cluster:real\`?) is listening; stop it or choose other ports`;
  }
  if (/permission denied/i.test(log)) return 'permission denied (see the log)';
  return undefined;
}

export class ControlPlaneProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(readonly spec: ProcessSpec) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the binary and resolves once its health URL answers 200; rejects (after stopping it) otherwise. */
  async start(): Promise<void> {
    const { spec } = this;
    const out = fs.openSync(spec.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(spec.binary, spec.args, { detached: true, stdio: ['ignore', out, out] });
    } finally {
      fs.closeSync(out);
    }
    this.child = child;
    child.unref();
    let exitInfo: string | undefined;
    let spawnError: Error | undefined;
    this.exited = new Promise<void>((resolve) => {
      child.once('error', (e) => {
        spawnError = e;
        resolve();
      });
      child.once('exit', (code, signal) => {
        exitInfo = signal ? `killed by ${signal}` : `exit code ${code}`;
        resolve();
      });
    });
    if (child.pid !== undefined) watchdog().trackGroup(child.pid);

    const deadline = Date.now() + spec.startTimeoutMs;
    let last = 0;
    for (;;) {
      if (spawnError || exitInfo) break;
      last = await probeStatus(spec.health);
      if (last === 200) return;
      if (Date.now() > deadline) break;
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, POLL_MS))]);
    }
    await this.stop();
    const log = logExcerpt(spec.logFile);
    const why = spawnError
      ? `could not be started: ${spawnError.message}`
      : exitInfo
        ? `exited during startup (${exitInfo})`
        : `did not become healthy within ${Math.round(spec.startTimeoutMs / 1000)} s (${spec.health.url} last answered ${last || 'nothing'})`;
    const hint = diagnose(log);
    throw new Error(`${spec.name} ${why}${hint ? `: ${hint}` : ''}.\nFrom ${spec.logFile}:\n${log}`);
  }

  /** SIGTERM to the process group, SIGKILL after `stopTimeoutMs`; resolves once the process is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    const pgid = child.pid;
    if (this.running) {
      signalGroup(pgid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const killed = await Promise.race([this.exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), this.spec.stopTimeoutMs)))]);
      clearTimeout(timer);
      if (killed) {
        signalGroup(pgid, 'SIGKILL');
        await this.exited;
      }
    }
    // Children of the binary (none expected) share its group: make sure nothing of it survives.
    signalGroup(pgid, 'SIGKILL');
    watchdog().untrackGroup(pgid);
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: already gone
  }
}
