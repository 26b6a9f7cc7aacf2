/** Types of generate.mjs, for the tests that reuse its deterministic SQL. */
/** SQL text with `count` statements, deterministic for `seed` (about 70 bytes per statement). */
export function generateSql(count: number, seed?: number): string;
