/**
 * When the YAML snippets are offered. VS Code's own snippet completion matches any word typed
 * against every part of a prefix (`name: ci-token` offered `k8s-token-rotation-cronjob`, because
 * "token" starts one of its parts), so the snippets come from our completion provider instead, and
 * only once the text before the cursor is the start of the common stem `k8s-sa-` (at least `k8s`)
 * or a longer word that begins with it. Pure.
 */

export const SNIPPET_STEM = 'k8s-sa-';
/** `k8s` and longer: a single letter or two never pops up a 60-line snippet. */
const MIN_TYPED = 3;

/** The snippet prefix being typed: the run of letters, digits and dashes ending at `character`. */
export function snippetTriggerAt(lineText: string, character: number): { start: number; typed: string } | undefined {
  if (character < 0 || character > lineText.length) return undefined;
  let start = character;
  // Bounded: no prefix is longer than 64 characters, so a long run of word characters is no prefix.
  while (start > 0 && character - start <= 64 && /[A-Z0-9-]/i.test(lineText[start - 1])) start--;
  if (start > 0 && /[A-Z0-9-]/i.test(lineText[start - 1])) return undefined;
  const typed = lineText.slice(start, character).toLowerCase();
  if (typed.length < MIN_TYPED) return undefined;
  const offered = typed.length <= SNIPPET_STEM.length ? SNIPPET_STEM.startsWith(typed) : typed.startsWith(SNIPPET_STEM);
  return offered ? { start, typed } : undefined;
}
