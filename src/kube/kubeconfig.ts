/**
 * Reads kubeconfig files the way kubectl merges them: every file in order, the first file that
 * defines a context, cluster or user name wins, and the first file that sets current-context wins.
 * Each file is isolated: whatever is wrong with one (unreadable, not a regular file, too big, not
 * YAML, an alias bomb, a field of the wrong type) becomes a problem entry naming it, and the
 * other files' contexts still load. Nothing in here throws for a file's content.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import type { Tags } from 'yaml';
import { yaml } from '../loader/yaml';
import { decodeJwt } from '../jwt/decode';
import { dateFromSeconds } from '../jwt/time';
import { KubeconfigShapeError, kubeconfigFromValue, type KubeCluster, type KubeContext, type KubeUser, type KubeconfigDocument, type ValueKind } from './kubeconfigModel';

export type { KubeCluster, KubeContext, KubeUser, ExecConfig } from './kubeconfigModel';

export interface KubeconfigProblem {
  file: string;
  message: string;
}

export interface ContextEntry {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
  server?: string;
  /** The file that defined this context. */
  file: string;
  isCurrent: boolean;
  /** When the user's static bearer token is a JWT with `exp`: that time (ms). The token itself stays out. */
  tokenExpiresAt?: number;
}

/** One context with the cluster and user it names: what a client needs to connect. */
export interface ResolvedContext {
  name: string;
  cluster: KubeCluster;
  user: KubeUser;
  namespace?: string;
}

export interface LoadedKubeconfigs {
  files: string[];
  contexts: ContextEntry[];
  currentContext?: string;
  problems: KubeconfigProblem[];
  /** The named context with its cluster and user, or undefined when it or either of them is missing. */
  configFor(context: string): ResolvedContext | undefined;
}

/**
 * Larger files are refused unread. A kubeconfig holds a few KB per cluster; the reader is
 * synchronous (the tree needs the contexts at once), so a hostile size must not freeze the editor.
 */
export const MAX_KUBECONFIG_BYTES = 4 * 1024 * 1024;

/** The files kubectl would read: $KUBECONFIG (path-list) or ~/.kube/config, then the extra ones. */
export function defaultKubeconfigFiles(env: NodeJS.ProcessEnv = process.env, extra: readonly string[] = []): string[] {
  const fromEnv = (env.KUBECONFIG ?? '').split(path.delimiter).filter((p) => p.length > 0);
  const base = fromEnv.length > 0 ? fromEnv : [path.join(os.homedir(), '.kube', 'config')];
  const all = [...base, ...extra.map((p) => expandHome(p))];
  return [...new Set(all.map((p) => path.resolve(p)))];
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  // Parser messages are long; keep the first line, which names the problem.
  return msg.split('\n')[0].slice(0, 300);
}

/** Why a file could not be read, in words (the code stays for searching). */
function describeReadError(e: unknown): string {
  const code = (e as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'EISDIR':
      return l10n.t('This path is a directory, not a kubeconfig file (EISDIR). Point the setting or KUBECONFIG at a file.');
    case 'EACCES':
    case 'EPERM':
      return l10n.t('Cannot read the file: permission denied ({0}). Check its permissions.', String(code));
    case 'ELOOP':
      return l10n.t('Cannot read the file: too many levels of symbolic links (ELOOP). Check where the link points.');
    default:
      return l10n.t('Cannot read the file: {0}', firstLine(e));
  }
}

function kindWords(k: ValueKind): string {
  switch (k) {
    case 'string':
      return l10n.t('a string');
    case 'boolean':
      return l10n.t('true or false');
    case 'number':
      return l10n.t('a number');
    case 'list':
      return l10n.t('a list');
    case 'mapping':
      return l10n.t('a mapping');
    case 'name':
      return l10n.t('a name');
    case 'emptyString':
      return l10n.t('an empty string');
    case 'nothing':
      return l10n.t('nothing');
    default:
      return l10n.t('something else');
  }
}

type FileRead = { kind: 'missing' } | { kind: 'empty' } | { kind: 'config'; doc: KubeconfigDocument } | { kind: 'problem'; message: string };

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever, on the
// extension host's thread. It changes nothing for regular files. (Not defined on Windows.)
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** The file's text, read from a regular file of at most MAX_KUBECONFIG_BYTES. */
function readBounded(file: string): { text: string } | FileRead {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (e) {
    // kubectl ignores files in KUBECONFIG that do not exist.
    if ((e as { code?: unknown }).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'problem', message: describeReadError(e) };
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) return { kind: 'problem', message: describeReadError({ code: 'EISDIR' }) };
    if (!st.isFile()) return { kind: 'problem', message: l10n.t('This path is not a regular file (a pipe, socket or device), so it was not read. Point the setting or KUBECONFIG at a file.') };
    if (st.size > MAX_KUBECONFIG_BYTES) return tooBig();
    // One byte more than allowed tells a file that grew since fstat from one that fits.
    const buf = Buffer.alloc(Math.min(st.size, MAX_KUBECONFIG_BYTES) + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = fs.readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_KUBECONFIG_BYTES) return tooBig();
    return { text: buf.toString('utf8', 0, n) };
  } catch (e) {
    return { kind: 'problem', message: describeReadError(e) };
  } finally {
    fs.closeSync(fd);
  }
}

function tooBig(): FileRead {
  return { kind: 'problem', message: l10n.t('The file is larger than {0} MB, far more than any kubeconfig needs, so it was not read.', MAX_KUBECONFIG_BYTES / 1024 / 1024) };
}

const withoutTimestamps = (tags: Tags): Tags => tags.filter((t) => t !== 'timestamp' && !(typeof t === 'object' && t.tag === 'tag:yaml.org,2002:timestamp'));

/** The YAML value of the text, or a problem. Every parser failure stays inside this function. */
function parseYaml(text: string): { value: unknown } | FileRead {
  try {
    // YAML 1.1, as kubectl's go-yaml v2 reads it (`yes` is true, `<<` merges), except that a
    // timestamp-like scalar stays a string, as go-yaml decodes it into an untyped value.
    const doc = yaml().parseDocument(text, { uniqueKeys: false, version: '1.1', logLevel: 'error', customTags: withoutTimestamps });
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const at = err.linePos?.[0];
      const where = at ? l10n.t(' (line {0}, column {1})', at.line, at.col) : '';
      return { kind: 'problem', message: l10n.t('Not valid YAML{0}: {1}. Fix the syntax or remove the file from the list.', where, firstLine(err.message.replace(/ at line \d+, column \d+:?/, '')).replace(/\.$/, '')) };
    }
    // maxAliasCount (the default, 100) stops "billion laughs" documents: toJS throws instead of expanding them.
    return { value: doc.toJS({ maxAliasCount: 100 }) as unknown };
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('Excessive alias count')) {
      return { kind: 'problem', message: l10n.t('The file expands YAML aliases excessively (a resource exhaustion attack, or a mistake), so it was not read.') };
    }
    if (e instanceof RangeError) return { kind: 'problem', message: l10n.t('The YAML is nested too deeply to read.') };
    return { kind: 'problem', message: l10n.t('Not a valid kubeconfig: {0}', firstLine(e)) };
  }
}

/**
 * Reads one file. kubectl treats an empty file (nothing but whitespace or comments) as an empty
 * config, and so do we. Anything else that is not a kubeconfig mapping is reported.
 */
export function readKubeconfigFile(file: string): FileRead {
  const read = readBounded(file);
  if (!('text' in read)) return read;
  const parsed = parseYaml(read.text);
  if (!('value' in parsed)) return parsed;
  const value = parsed.value;
  if (value === null || value === undefined) return { kind: 'empty' };
  if (typeof value !== 'object' || Array.isArray(value)) {
    const what = Array.isArray(value) ? l10n.t('a list') : l10n.t('a single value ({0})', typeof value);
    return { kind: 'problem', message: l10n.t('Not a kubeconfig: the top level is {0}, not a mapping with clusters, users and contexts.', what) };
  }
  try {
    return { kind: 'config', doc: kubeconfigFromValue(value as Record<string, unknown>, path.dirname(file)) };
  } catch (e) {
    if (e instanceof KubeconfigShapeError) {
      return { kind: 'problem', message: l10n.t('Not a valid kubeconfig: {0} should be {1}, not {2}. kubectl refuses this file too.', e.field, kindWords(e.expected), kindWords(e.found)) };
    }
    return { kind: 'problem', message: l10n.t('Not a valid kubeconfig: {0}', firstLine(e)) };
  }
}

export function loadKubeconfigs(files: readonly string[]): LoadedKubeconfigs {
  const clusters = new Map<string, KubeCluster>();
  const users = new Map<string, KubeUser>();
  const contexts = new Map<string, { ctx: KubeContext; file: string }>();
  const problems: KubeconfigProblem[] = [];
  let currentContext: string | undefined;
  const read: string[] = [];

  for (const file of files) {
    const r = readKubeconfigFile(file);
    if (r.kind === 'missing') continue;
    if (r.kind === 'problem') {
      problems.push({ file, message: r.message });
      continue;
    }
    read.push(file);
    if (r.kind === 'empty') continue; // kubectl: an empty file is an empty config, not an error
    const doc = r.doc;
    for (const c of doc.clusters) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of doc.users) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of doc.contexts) if (!contexts.has(c.name)) contexts.set(c.name, { ctx: c, file });
    if (currentContext === undefined && doc.currentContext) currentContext = doc.currentContext;
  }

  const entries: ContextEntry[] = [];
  for (const [name, { ctx, file }] of contexts) {
    const cluster = clusters.get(ctx.cluster);
    if (!cluster) {
      problems.push({ file, message: l10n.t('context "{0}" refers to cluster "{1}", which no kubeconfig file defines. Add the cluster entry or fix the context.', name, ctx.cluster) });
    }
    if (!users.has(ctx.user)) {
      problems.push({ file, message: l10n.t('context "{0}" refers to user "{1}", which no kubeconfig file defines. Add the user entry or fix the context.', name, ctx.user) });
    }
    entries.push({
      name,
      cluster: ctx.cluster,
      user: ctx.user,
      namespace: ctx.namespace,
      server: cluster?.server,
      file,
      isCurrent: name === currentContext,
      tokenExpiresAt: tokenExpiry(users.get(ctx.user)),
    });
  }

  return {
    files: read,
    contexts: entries,
    currentContext,
    problems,
    configFor(name: string): ResolvedContext | undefined {
      const entry = contexts.get(name);
      if (!entry) return undefined;
      const cluster = clusters.get(entry.ctx.cluster);
      const user = users.get(entry.ctx.user);
      if (!cluster || !user) return undefined;
      return { name, cluster, user, namespace: entry.ctx.namespace };
    },
  };
}

/** `exp` of a user's static token (`users[].user.token`), so contexts can say they will fail before they do. */
function tokenExpiry(user: KubeUser | undefined): number | undefined {
  if (!user?.token) return undefined;
  const decoded = decodeJwt(user.token);
  return decoded.ok ? dateFromSeconds(decoded.payload.exp)?.getTime() : undefined;
}
