/**
 * The existing names closest to a typed one, for "did you mean" quick fixes: Levenshtein distance
 * over the names, nearest first (ties alphabetically). Pure; names are Kubernetes object names
 * (at most 253 characters), so the quadratic distance stays small, and longer input is cut.
 */

const MAX_NAME_LENGTH = 253;

/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function editDistance(a: string, b: string): number {
  const x = a.slice(0, MAX_NAME_LENGTH);
  const y = b.slice(0, MAX_NAME_LENGTH);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

/** Up to `limit` distinct candidates, nearest to `name` first; `name` itself is left out. */
export function closestNames(name: string, candidates: Iterable<string>, limit = 5): string[] {
  const scored = [...new Set(candidates)].filter((c) => c !== name && c !== '').map((c) => ({ c, d: editDistance(name, c) }));
  scored.sort((p, q) => p.d - q.d || (p.c < q.c ? -1 : p.c > q.c ? 1 : 0));
  return scored.slice(0, limit).map((s) => s.c);
}

/** Close enough to be a typo of each other: at most 2 edits, and fewer than half the letters. */
export function isLikelyTypo(name: string, candidate: string): boolean {
  const d = editDistance(name, candidate);
  return d > 0 && d <= 2 && d * 2 < Math.max(name.length, candidate.length);
}
