/** migration-guard's version (package.json), for `--version`, SARIF and the action's output. */

declare const MIGRATION_GUARD_VERSION: string | undefined;

/** Replaced at bundle time (scripts/bundle.mjs `define`); `dev` when run from sources. */
export const VERSION = typeof MIGRATION_GUARD_VERSION === 'string' ? MIGRATION_GUARD_VERSION : 'dev';
