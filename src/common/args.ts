/** Readers for command arguments, which arrive as `unknown` (tree nodes, palette, other extensions, tests). */

/** A string with at least one character, else undefined (an empty value means "ask"). */
export const nonEmptyString = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
