/**
 * The import graph of src/, read with a regex over import/export lines (type imports included: a
 * type-only back edge is still a circle in the design). Used by layering.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Module id: a path under src/ without `.ts`, e.g. `jwt/decode`, `extension`. */
export type ModuleGraph = Map<string, Set<string>>;

const IMPORT = /^[ \t]*(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'|^[ \t]*import\s+'(\.{1,2}\/[^']+)'|\bimport\('(\.{1,2}\/[^']+)'\)/gm;

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

export function moduleGraph(srcDir: string): ModuleGraph {
  const graph: ModuleGraph = new Map();
  for (const file of tsFiles(srcDir)) {
    const id = path.relative(srcDir, file).replace(/\\/g, '/').replace(/\.ts$/, '');
    const edges = new Set<string>();
    for (const m of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(id), spec));
      if (!target.startsWith('..')) edges.add(target);
    }
    graph.set(id, edges);
  }
  return graph;
}

/** The folder a module belongs to; a file directly in src/ (extension, services) is its own unit. */
export function unitOf(id: string): string {
  const slash = id.indexOf('/');
  return slash < 0 ? id : id.slice(0, slash);
}

/** The graph between units (folders), without self-edges. */
export function unitGraph(g: ModuleGraph): ModuleGraph {
  const units: ModuleGraph = new Map();
  for (const [from, tos] of g) {
    const u = unitOf(from);
    const set = units.get(u) ?? new Set<string>();
    units.set(u, set);
    for (const to of tos) if (unitOf(to) !== u) set.add(unitOf(to));
  }
  return units;
}

/** Strongly connected components with more than one node or a self-edge: each one is a cycle. */
export function cycles(g: ModuleGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || g.get(v)?.has(v)) found.push(scc.sort());
    }
  };
  for (const v of [...g.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}
