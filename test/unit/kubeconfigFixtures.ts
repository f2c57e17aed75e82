/** Hostile kubeconfig texts shared by the loader tests. */

/** "Billion laughs": `depth` levels of anchors, each aliasing the previous one `width` times, under key `under`. */
export function aliasBomb(width: number, depth: number, under = 'x'): string {
  let text = `a0: &a0 ["${'lol'.repeat(3)}"]\n`;
  for (let i = 1; i < depth; i++) text += `a${i}: &a${i} [${Array.from({ length: width }, () => `*a${i - 1}`).join(', ')}]\n`;
  return `${text}${under}: *a${depth - 1}\n`;
}
