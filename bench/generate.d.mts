/** Types of generate.mjs, for the tests that reuse its deterministic SQL. */
/** SQL text with `count` statements, deterministic for `seed` (about 70 bytes per statement). */
export function generateSql(count: number, seed?: number): string;
/** Inputs that once took quadratic time or failed, by name (about 20,000 statements each). */
export const WORST_CASES: Record<string, () => string>;
