/**
 * Reads kubeconfig files the way kubectl merges them: every file in order, the first file that
 * defines a context, cluster or user name wins, and the first file that sets current-context wins.
 * A broken file is reported and skipped; the other files still load.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import * as l10n from '@vscode/l10n';
import { parseDocument } from 'yaml';
import { decodeJwt } from '../jwt/decode';
import { dateFromSeconds } from '../jwt/time';

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

export interface LoadedKubeconfigs {
  files: string[];
  contexts: ContextEntry[];
  currentContext?: string;
  problems: KubeconfigProblem[];
  /** A KubeConfig holding only the named context, its cluster and user, set as current. */
  configFor(context: string): KubeConfig | undefined;
}

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
  // js-yaml / client-node messages are long; keep the first line, which names the problem.
  return msg.split('\n')[0];
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

type FileRead = { kind: 'missing' } | { kind: 'empty' } | { kind: 'config'; kc: KubeConfig } | { kind: 'problem'; message: string };

/**
 * Reads one file. kubectl treats an empty file (nothing but whitespace or comments) as an empty
 * config, and so do we; client-node's loadFromFile throws a TypeError on it. Anything else that is
 * not a YAML mapping is reported, with the line for syntax errors.
 */
export function readKubeconfigFile(file: string): FileRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    // kubectl ignores files in KUBECONFIG that do not exist.
    if ((e as { code?: unknown }).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'problem', message: describeReadError(e) };
  }
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const at = err.linePos?.[0];
    const where = at ? l10n.t(' (line {0}, column {1})', at.line, at.col) : '';
    return { kind: 'problem', message: l10n.t('Not valid YAML{0}: {1}. Fix the syntax or remove the file from the list.', where, firstLine(err.message.replace(/ at line \d+, column \d+:?/, '')).replace(/\.$/, '')) };
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return { kind: 'empty' };
  if (typeof value !== 'object' || Array.isArray(value)) {
    const what = Array.isArray(value) ? l10n.t('a list') : l10n.t('a single value ({0})', typeof value);
    return { kind: 'problem', message: l10n.t('Not a kubeconfig: the top level is {0}, not a mapping with clusters, users and contexts.', what) };
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (e) {
    return { kind: 'problem', message: l10n.t('Not a valid kubeconfig: {0}', firstLine(e)) };
  }
  return { kind: 'config', kc };
}

export function loadKubeconfigs(files: readonly string[]): LoadedKubeconfigs {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, { ctx: Context; file: string }>();
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
    const kc = r.kc;
    for (const c of kc.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of kc.getUsers()) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of kc.getContexts()) if (!contexts.has(c.name)) contexts.set(c.name, { ctx: c, file });
    if (currentContext === undefined && kc.getCurrentContext()) currentContext = kc.getCurrentContext();
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
    configFor(name: string): KubeConfig | undefined {
      const entry = contexts.get(name);
      if (!entry) return undefined;
      const cluster = clusters.get(entry.ctx.cluster);
      const user = users.get(entry.ctx.user);
      if (!cluster || !user) return undefined;
      const kc = new KubeConfig();
      kc.loadFromOptions({ clusters: [cluster], users: [user], contexts: [entry.ctx], currentContext: name });
      return kc;
    },
  };
}

/** `exp` of a user's static token (`users[].user.token`), so contexts can say they will fail before they do. */
function tokenExpiry(user: User | undefined): number | undefined {
  if (!user?.token) return undefined;
  const decoded = decodeJwt(user.token);
  return decoded.ok ? dateFromSeconds(decoded.payload.exp)?.getTime() : undefined;
}
