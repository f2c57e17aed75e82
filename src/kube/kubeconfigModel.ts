/**
 * The typed shape of one kubeconfig document, read from the plain value the YAML parser returned.
 * Field names and types follow client-go's `tools/clientcmd/api/v1/types.go`: kubectl decodes the
 * file into those Go structs and refuses the whole file when a field has the wrong type (a number
 * where a string belongs), and so do we, naming the field. Unknown fields are ignored, as in Go.
 * Relative paths (certificate-authority, client-certificate, client-key, tokenFile, and an exec
 * command that contains a path separator) are resolved against the file's folder, like
 * clientcmd's `ResolvePaths`. Pure: no file reads, no `vscode`.
 */
import * as path from 'node:path';

export interface KubeCluster {
  name: string;
  server: string;
  caFile?: string;
  /** base64, as written in the file. */
  caData?: string;
  skipTLSVerify: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
  /** The `client.authentication.k8s.io/exec` extension: handed to exec plugins as `spec.cluster.config`. */
  execExtension?: unknown;
}

export interface ExecEnvVar {
  name: string;
  value: string;
}

export interface ExecConfig {
  command: string;
  args: string[];
  env: ExecEnvVar[];
  apiVersion: string;
  installHint?: string;
  provideClusterInfo: boolean;
  /** `Never`, `IfAvailable` or `Always`; empty when the file does not say. */
  interactiveMode: string;
}

export interface KubeUser {
  name: string;
  token?: string;
  tokenFile?: string;
  certFile?: string;
  certData?: string;
  keyFile?: string;
  keyData?: string;
  username?: string;
  password?: string;
  impersonate?: { user: string; uid?: string; groups: string[]; extra: [string, string[]][] };
  authProvider?: { name: string; config: Record<string, string> };
  exec?: ExecConfig;
}

export interface KubeContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
}

export interface KubeconfigDocument {
  clusters: KubeCluster[];
  users: KubeUser[];
  contexts: KubeContext[];
  currentContext?: string;
}

/** What a field holds or should hold; kubeconfig.ts turns these into words. */
export type ValueKind = 'string' | 'boolean' | 'number' | 'list' | 'mapping' | 'name' | 'nothing' | 'emptyString' | 'other';

/** A field of the wrong type, or an entry without a name: kubectl refuses such a file too. */
export class KubeconfigShapeError extends Error {
  constructor(
    readonly field: string,
    readonly expected: ValueKind,
    readonly found: ValueKind,
  ) {
    super(`${field}: expected ${expected}, found ${found}`);
  }
}

type Obj = Record<string, unknown>;

function kindOf(v: unknown): ValueKind {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'list';
  switch (typeof v) {
    case 'object':
      return 'mapping';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
    case 'bigint':
      return 'number';
    default:
      return 'other';
  }
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own properties only: a key such as `constructor` must not read Object.prototype. */
function own(o: Obj, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

/** Reads fields of one mapping, naming the field in errors. `null` counts as absent, as in Go. */
class Reader {
  constructor(
    private readonly o: Obj,
    readonly at: string,
  ) {}

  static of(v: unknown, at: string): Reader {
    if (v === undefined || v === null) return new Reader({}, at);
    if (!isObj(v)) throw new KubeconfigShapeError(at, 'mapping', kindOf(v));
    return new Reader(v, at);
  }

  raw(key: string): unknown {
    const v = own(this.o, key);
    return v === null ? undefined : v;
  }

  str(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new KubeconfigShapeError(`${this.at}.${key}`, 'string', kindOf(v));
    return v;
  }

  /** A non-empty string, or undefined: Go's `len(x) > 0` checks treat "" as unset. */
  nonEmpty(key: string): string | undefined {
    const v = this.str(key);
    return v ? v : undefined;
  }

  bool(key: string): boolean {
    const v = this.raw(key);
    if (v === undefined) return false;
    if (typeof v !== 'boolean') throw new KubeconfigShapeError(`${this.at}.${key}`, 'boolean', kindOf(v));
    return v;
  }

  list(key: string): unknown[] {
    const v = this.raw(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new KubeconfigShapeError(`${this.at}.${key}`, 'list', kindOf(v));
    return v;
  }

  strings(key: string): string[] {
    return this.list(key).map((item, i) => {
      if (typeof item !== 'string') throw new KubeconfigShapeError(`${this.at}.${key}[${i}]`, 'string', kindOf(item));
      return item;
    });
  }

  child(key: string): Reader {
    return Reader.of(this.raw(key), `${this.at}.${key}`);
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  /** A string → string mapping as [key, value] pairs (never assigned onto a plain object). */
  stringMap(key: string): [string, string][] {
    const r = this.child(key);
    return Object.keys(r.o).map((k) => [k, r.str(k) ?? '']);
  }

  entries(): [string, unknown][] {
    return Object.keys(this.o).map((k) => [k, this.o[k]]);
  }
}

function resolve(baseDir: string, p: string | undefined): string | undefined {
  return p && !path.isAbsolute(p) ? path.join(baseDir, p) : p;
}

/** `name` of a list entry: required and non-empty (an unnamed entry can never be referenced). */
function entryName(r: Reader, at: string): string {
  const name = r.str('name');
  if (!name) throw new KubeconfigShapeError(`${at}.name`, 'name', name === '' ? 'emptyString' : 'nothing');
  return name;
}

const EXEC_EXTENSION = 'client.authentication.k8s.io/exec';

function readCluster(v: unknown, i: number, baseDir: string): KubeCluster {
  const at = `clusters[${i}]`;
  const entry = Reader.of(v, at);
  const name = entryName(entry, at);
  const c = entry.child('cluster');
  let execExtension: unknown;
  c.list('extensions').forEach((ext, j) => {
    const e = Reader.of(ext, `${at}.cluster.extensions[${j}]`);
    if (e.str('name') === EXEC_EXTENSION) execExtension = e.raw('extension');
  });
  return {
    name,
    server: c.str('server') ?? '',
    caFile: resolve(baseDir, c.nonEmpty('certificate-authority')),
    caData: c.nonEmpty('certificate-authority-data'),
    skipTLSVerify: c.bool('insecure-skip-tls-verify'),
    tlsServerName: c.nonEmpty('tls-server-name'),
    proxyUrl: c.nonEmpty('proxy-url'),
    execExtension,
  };
}

function readExec(r: Reader, baseDir: string): ExecConfig {
  const command = r.str('command') ?? '';
  const env = r.list('env').map((item, j) => {
    const e = Reader.of(item, `${r.at}.env[${j}]`);
    return { name: e.str('name') ?? '', value: e.str('value') ?? '' };
  });
  return {
    // Only a command with a path separator is a path (clientcmd GetAuthInfoFileReferences); a bare name is looked up in PATH.
    command: command.includes('/') || command.includes(path.sep) ? (resolve(baseDir, command) ?? command) : command,
    args: r.strings('args'),
    env,
    apiVersion: r.str('apiVersion') ?? '',
    installHint: r.nonEmpty('installHint'),
    provideClusterInfo: r.bool('provideClusterInfo'),
    interactiveMode: r.str('interactiveMode') ?? '',
  };
}

function readUser(v: unknown, i: number, baseDir: string): KubeUser {
  const at = `users[${i}]`;
  const entry = Reader.of(v, at);
  const name = entryName(entry, at);
  const u = entry.child('user');
  const user: KubeUser = {
    name,
    token: u.nonEmpty('token'),
    tokenFile: resolve(baseDir, u.nonEmpty('tokenFile')),
    certFile: resolve(baseDir, u.nonEmpty('client-certificate')),
    certData: u.nonEmpty('client-certificate-data'),
    keyFile: resolve(baseDir, u.nonEmpty('client-key')),
    keyData: u.nonEmpty('client-key-data'),
    username: u.nonEmpty('username'),
    password: u.nonEmpty('password'),
  };
  const as = u.nonEmpty('as');
  const groups = u.strings('as-groups');
  const extraReader = u.child('as-user-extra');
  const extra = extraReader.entries().map(([k]): [string, string[]] => [k, extraReader.strings(k)]);
  const uid = u.nonEmpty('as-uid');
  if (as || groups.length || uid || extra.length) user.impersonate = { user: as ?? '', uid, groups, extra };
  if (u.has('auth-provider')) {
    const ap = u.child('auth-provider');
    user.authProvider = { name: ap.str('name') ?? '', config: Object.fromEntries(ap.stringMap('config')) };
  }
  if (u.has('exec')) user.exec = readExec(u.child('exec'), baseDir);
  return user;
}

function readContext(v: unknown, i: number): KubeContext {
  const at = `contexts[${i}]`;
  const entry = Reader.of(v, at);
  const name = entryName(entry, at);
  const c = entry.child('context');
  return { name, cluster: c.str('cluster') ?? '', user: c.str('user') ?? '', namespace: c.nonEmpty('namespace') };
}

/** Reads a parsed kubeconfig mapping. Throws KubeconfigShapeError for a field of the wrong type. */
export function kubeconfigFromValue(value: Record<string, unknown>, baseDir: string): KubeconfigDocument {
  const top = Reader.of(value, 'kubeconfig');
  return {
    clusters: top.list('clusters').map((v, i) => readCluster(v, i, baseDir)),
    users: top.list('users').map((v, i) => readUser(v, i, baseDir)),
    contexts: top.list('contexts').map((v, i) => readContext(v, i)),
    currentContext: top.nonEmpty('current-context'),
  };
}
