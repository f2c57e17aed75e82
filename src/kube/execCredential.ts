/**
 * Exec credential plugins (`users[].user.exec`: aws, gke-gcloud-auth-plugin, kubelogin, …), run the
 * way client-go's `plugin/pkg/client/auth/exec/exec.go` runs them, with what an editor needs on
 * top: the plugin runs asynchronously (a hanging plugin never blocks the extension host), under
 * the request's timeout and AbortSignal, in its own process group so that cancelling, timing out or
 * disposing kills it and everything it started; its output is bounded, its stderr reaches logs
 * only through redaction, and a failure names the command, never its arguments.
 *
 * Protocol (client.authentication.k8s.io v1 and v1beta1): the plugin gets the process environment
 * plus `exec.env` plus KUBERNETES_EXEC_INFO, an ExecCredential whose `spec.interactive` is false
 * here (VS Code has no terminal to lend: `interactiveMode: Always` is refused, as kubectl refuses it
 * without one) and whose `spec.cluster` is set when `provideClusterInfo` is. It prints an
 * ExecCredential with a token and/or a client certificate and key. The result is cached until
 * `status.expirationTimestamp`, or for as long as the client lives when there is none, and dropped
 * when the cluster answers 401.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as l10n from '@vscode/l10n';
import { redactTokens } from '../text/redact';
import { KubeError } from '../errors/kubeError';
import type { ExecConfig } from './kubeconfigModel';

export interface ExecCredential {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** ms since the epoch; undefined: valid until the cluster rejects it. */
  expiresAt?: number;
}

/** `spec.cluster` of the ExecCredential handed to a plugin (client.authentication.k8s.io Cluster). */
export interface ExecClusterInfo {
  server: string;
  'tls-server-name'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'certificate-authority-data'?: string;
  'proxy-url'?: string;
  config?: unknown;
}

export interface ExecPluginOptions {
  /** Failures and the plugin's stderr, redacted. */
  warn?: (line: string) => void;
  /** Between SIGTERM and SIGKILL for a plugin being stopped. */
  killGraceMs?: number;
  now?: () => number;
}

export const EXEC_API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];
/** An ExecCredential is a few KB even with a certificate chain. */
export const EXEC_STDOUT_LIMIT = 1024 * 1024;
const STDERR_KEPT = 64 * 1024;

const isPosix = process.platform !== 'win32';

/** The process group of the plugin (POSIX), or its process tree (Windows), killed. */
function killTree(child: ChildProcess, graceMs: number): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (!isPosix) {
    spawn('taskkill', ['/pid', String(pid), '/t', '/f'], { windowsHide: true, stdio: 'ignore' }).on('error', () => undefined);
    return;
  }
  const signalGroup = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig);
    } catch {
      // Already gone.
    }
  };
  signalGroup('SIGTERM');
  // A plugin that ignores SIGTERM (or left children that do) is killed outright.
  setTimeout(() => signalGroup('SIGKILL'), graceMs).unref();
}

/** The last non-empty line of the plugin's stderr, redacted and short, for the error message. */
function stderrHint(stderr: string): string {
  const last = stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0).pop();
  return last ? ' ' + l10n.t('It said: "{0}"', redactTokens(last).slice(0, 300)) : '';
}

/** Validates the plugin's stdout (an ExecCredential of `apiVersion`), as client-go does. Returns the problem in words, or the credential. */
export function parseExecCredential(stdout: string, apiVersion: string): ExecCredential | string {
  let v: unknown;
  try {
    v = JSON.parse(stdout);
  } catch {
    return l10n.t('its output is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return l10n.t('its output is not a JSON object');
  const o = v as { apiVersion?: unknown; kind?: unknown; status?: unknown };
  if (o.kind !== 'ExecCredential') return l10n.t('its output is not an ExecCredential (kind "{0}")', String(o.kind).slice(0, 100));
  if (o.apiVersion !== apiVersion) return l10n.t('it answered with apiVersion "{0}", but the kubeconfig asks for "{1}"', String(o.apiVersion).slice(0, 100), apiVersion);
  if (typeof o.status !== 'object' || o.status === null) return l10n.t('its ExecCredential has no status');
  const s = o.status as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof s[k] === 'string' && s[k] !== '' ? (s[k] as string) : undefined);
  const cred: ExecCredential = { token: str('token'), clientCertificateData: str('clientCertificateData'), clientKeyData: str('clientKeyData') };
  if (!cred.token && !cred.clientCertificateData && !cred.clientKeyData) return l10n.t('its ExecCredential holds neither a token nor a client certificate and key');
  if (!cred.clientCertificateData !== !cred.clientKeyData) return l10n.t('its ExecCredential holds only a client certificate or only a key, not both');
  if (s.expirationTimestamp !== undefined && s.expirationTimestamp !== null) {
    const t = typeof s.expirationTimestamp === 'string' ? Date.parse(s.expirationTimestamp) : NaN;
    if (Number.isNaN(t)) return l10n.t('its expirationTimestamp is not a time');
    cred.expiresAt = t;
  }
  return cred;
}

interface Run {
  promise: Promise<ExecCredential>;
  waiters: number;
  settled: boolean;
  stop(): void;
}

/** One plugin configuration (exec config + cluster): its cached credential and its running process. */
export class ExecCredentialPlugin {
  private cached: ExecCredential | undefined;
  private run: Run | undefined;
  private disposed = false;
  private readonly now: () => number;

  constructor(
    private readonly userName: string,
    private readonly config: ExecConfig,
    private readonly cluster: ExecClusterInfo,
    private readonly options: ExecPluginOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The command as the messages name it: never the arguments, which may hold secrets. */
  private get commandName(): string {
    return this.config.command.slice(0, 200);
  }

  private failure(detail: string, cause?: unknown): KubeError {
    return new KubeError({ kind: 'kubeconfig', message: l10n.t('The credential plugin "{0}" of user "{1}" failed: {2}', this.commandName, this.userName, detail), cause });
  }

  /**
   * A valid credential: the cached one, or the plugin's answer. Concurrent callers share one run;
   * `signal` aborting (with a KubeError reason: cancelled or timeout) stops the wait, and the
   * plugin too once nobody waits for it any more.
   */
  async credential(signal: AbortSignal): Promise<ExecCredential> {
    const c = this.cached;
    if (c && (c.expiresAt === undefined || this.now() < c.expiresAt)) return c;
    if (this.disposed) throw new KubeError({ kind: 'cancelled', message: 'The client was disposed.' });
    if (signal.aborted) throw this.abortError(signal);
    let run = this.run;
    if (!run) {
      run = this.start();
      if (!run.settled) this.run = run;
    }
    run.waiters++;
    try {
      return await new Promise<ExecCredential>((resolve, reject) => {
        const onAbort = (): void => reject(this.abortError(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        run.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    } finally {
      run.waiters--;
      if (run.waiters === 0 && !run.settled) run.stop();
    }
  }

  /** After a 401 with `cred`: the next request runs the plugin again (client-go's maybeRefreshCreds). */
  invalidate(cred: ExecCredential): void {
    if (this.cached === cred) this.cached = undefined;
  }

  /** Kills a running plugin; later calls fail with 'cancelled'. */
  dispose(): void {
    this.disposed = true;
    this.run?.stop();
  }

  private abortError(signal: AbortSignal): KubeError {
    const reason: unknown = signal.reason;
    if (KubeError.is(reason, 'timeout')) {
      return new KubeError({
        kind: 'timeout',
        message: l10n.t('The credential plugin "{0}" of user "{1}" did not finish within the request timeout, so it was stopped. A plugin that waits for a login in the browser needs longer: raise k8sTokens.requestTimeoutSeconds.', this.commandName, this.userName),
      });
    }
    return KubeError.is(reason) ? reason : new KubeError({ kind: 'cancelled', message: 'The request was cancelled.' });
  }

  /** Checks the configuration as client-go does before running anything. */
  private configProblem(): string | undefined {
    const { apiVersion, interactiveMode } = this.config;
    if (!this.config.command) return l10n.t('users[].user.exec.command is empty');
    if (!EXEC_API_VERSIONS.includes(apiVersion)) return l10n.t('apiVersion "{0}" is not one kubectl supports ({1})', apiVersion.slice(0, 100), EXEC_API_VERSIONS.join(', '));
    // client-go defaults the mode to IfAvailable for v1beta1 only; v1 must say it.
    const mode = interactiveMode || (apiVersion.endsWith('/v1beta1') ? 'IfAvailable' : '');
    if (mode === '') return l10n.t('interactiveMode must be set for apiVersion {0} (Never, IfAvailable or Always)', apiVersion);
    if (mode === 'Always') return l10n.t('it needs a terminal (interactiveMode: Always), which VS Code cannot give it; kubectl refuses this too when standard input is not a terminal');
    if (mode !== 'Never' && mode !== 'IfAvailable') return l10n.t('interactiveMode "{0}" is not Never, IfAvailable or Always', mode.slice(0, 100));
    return undefined;
  }

  private execInfo(): string {
    const spec: { interactive: boolean; cluster?: ExecClusterInfo } = { interactive: false };
    if (this.config.provideClusterInfo) spec.cluster = this.cluster;
    return JSON.stringify({ kind: 'ExecCredential', apiVersion: this.config.apiVersion, spec });
  }

  private start(): Run {
    const run: Run = { promise: Promise.resolve({}), waiters: 0, settled: false, stop: () => undefined };
    const problem = this.configProblem();
    if (problem) {
      run.settled = true;
      run.promise = Promise.reject(this.failure(problem));
      run.promise.catch(() => undefined);
      return run;
    }
    run.promise = new Promise<ExecCredential>((resolve, reject) => {
      const finish = (fn: () => void): void => {
        if (run.settled) return;
        run.settled = true;
        if (this.run === run) this.run = undefined;
        fn();
      };
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const e of this.config.env) env[e.name] = e.value;
      env.KUBERNETES_EXEC_INFO = this.execInfo();
      let child: ChildProcess;
      try {
        // detached: the plugin leads its own process group, so killing the group also reaches what it started.
        child = spawn(this.config.command, this.config.args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: isPosix, windowsHide: true });
      } catch (e) {
        finish(() => reject(this.failure(e instanceof Error ? e.message : String(e), e)));
        return;
      }
      const out: Buffer[] = [];
      let outBytes = 0;
      const err: Buffer[] = [];
      let errBytes = 0;
      const stop = (why: KubeError): void => {
        if (run.settled) return;
        killTree(child, this.options.killGraceMs ?? 1000);
        finish(() => reject(why));
      };
      run.stop = () => stop(new KubeError({ kind: 'cancelled', message: 'The credential plugin was stopped.' }));
      child.stdout?.on('data', (b: Buffer) => {
        outBytes += b.length;
        if (outBytes > EXEC_STDOUT_LIMIT) stop(this.failure(l10n.t('it printed more than {0} MB, so it was stopped', EXEC_STDOUT_LIMIT / 1024 / 1024)));
        else out.push(b);
      });
      child.stderr?.on('data', (b: Buffer) => {
        if (errBytes < STDERR_KEPT) err.push(b.subarray(0, STDERR_KEPT - errBytes));
        errBytes += b.length;
      });
      child.on('error', (e: NodeJS.ErrnoException) => {
        const hint = this.config.installHint ? ` ${this.config.installHint}` : '';
        const detail = e.code === 'ENOENT' ? l10n.t('the command was not found. Install it, or fix users[].user.exec.command in the kubeconfig.') + hint : `${e.code ?? ''} ${e.message}`.trim();
        stop(this.failure(detail, e));
      });
      child.on('close', (code, signal) => {
        const stderr = Buffer.concat(err).toString('utf8');
        if (stderr.trim()) this.options.warn?.(`exec plugin "${this.commandName}" (user "${this.userName}") wrote to stderr: ${redactTokens(stderr)}`);
        if (code !== 0) {
          const how = signal ? l10n.t('it was ended by {0}', signal) : l10n.t('it exited with code {0}', String(code));
          finish(() => reject(this.failure(how + '.' + stderrHint(stderr))));
          return;
        }
        const parsed = parseExecCredential(Buffer.concat(out).toString('utf8'), this.config.apiVersion);
        if (typeof parsed === 'string') {
          finish(() => reject(this.failure(parsed + '.' + stderrHint(stderr))));
          return;
        }
        finish(() => {
          if (!this.disposed) this.cached = parsed;
          resolve(parsed);
        });
      });
    });
    // The waiters handle the rejection; this keeps an abandoned run from being "unhandled".
    run.promise.catch(() => undefined);
    return run;
  }
}
