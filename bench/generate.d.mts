/** Types of generate.mjs, for the tests that reuse its deterministic SQL. */
/** SQL text with `count` statements, deterministic for `seed` (about 70 bytes per statement). */
export function generateSql(count: number, seed?: number): string;
/** Inputs that once took quadratic time or failed, by name (about 20,000 statements each). */
export const WORST_CASES: Record<string, () => string>;
/** Migration `n` (from 1) of a history that replays cleanly: its up and down SQL. */
export function historyMigration(n: number): { up: string; down: string };
/** The 5 migrations of a typical pull request: name, up and down SQL. */
export function pullRequestMigrations(): { name: string; up: string; down: string }[];
