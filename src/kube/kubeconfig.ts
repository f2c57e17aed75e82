/**
 * Reads kubeconfig files the way kubectl merges them: every file in order, the first file that
 * defines a context, cluster or user name wins, and the first file that sets current-context wins.
 * A broken file is reported and skipped; the other files still load.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';

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

function describeLoadError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  // js-yaml / client-node messages are long; keep the first line, which names the problem.
  return msg.split('\n')[0];
}

export function loadKubeconfigs(files: readonly string[]): LoadedKubeconfigs {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, { ctx: Context; file: string }>();
  const problems: KubeconfigProblem[] = [];
  let currentContext: string | undefined;
  const read: string[] = [];

  for (const file of files) {
    if (!fs.existsSync(file)) continue; // kubectl ignores missing files in KUBECONFIG too.
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(file);
    } catch (e) {
      problems.push({ file, message: describeLoadError(e) });
      continue;
    }
    read.push(file);
    for (const c of kc.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of kc.getUsers()) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of kc.getContexts()) if (!contexts.has(c.name)) contexts.set(c.name, { ctx: c, file });
    if (currentContext === undefined && kc.getCurrentContext()) currentContext = kc.getCurrentContext();
  }

  const entries: ContextEntry[] = [];
  for (const [name, { ctx, file }] of contexts) {
    const cluster = clusters.get(ctx.cluster);
    if (!cluster) {
      problems.push({ file, message: `context "${name}" refers to cluster "${ctx.cluster}", which no kubeconfig file defines` });
    }
    if (!users.has(ctx.user)) {
      problems.push({ file, message: `context "${name}" refers to user "${ctx.user}", which no kubeconfig file defines` });
    }
    entries.push({
      name,
      cluster: ctx.cluster,
      user: ctx.user,
      namespace: ctx.namespace,
      server: cluster?.server,
      file,
      isCurrent: name === currentContext,
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
