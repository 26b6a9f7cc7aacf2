/**
 * Replay's entry point for the pipeline (src/check.ts): the stage that opens the configured
 * database, replays, and always closes it. See replay.ts for what a replay does.
 */
import type { Config } from '../core/config.js';
import type { ReplayStage } from '../core/observations.js';
import type { ReplayDatabase } from './interface.js';
import { replayStage, replayUnavailable } from './replay.js';

export type { ReplayDatabase } from './interface.js';
export { replayStage } from './replay.js';

export interface ReplaySettings {
  /** `off` returns the report unchanged. */
  mode: Config['replay']['mode'];
  /** A server to replay on instead of PGlite (replay creates and drops a scratch database there). */
  databaseUrl?: string;
  /** The contents of `replay.schema-file`, read by the caller. */
  schemaFile?: { path: string; text: string };
  /** PGlite only: the longest one statement may run (default CALL_TIMEOUT_MS, 60 s). */
  statementTimeoutMs?: number;
  /** Rehearse in the `databaseUrl` database itself (a production-sized clone): no scratch database, no base schema. */
  rehearse?: boolean;
  /**
   * PGlite only: the base cache directory the action's `replay-cache-dir` names, which the
   * workflow keeps with actions/cache (docs/replay-cache.md); every base built is saved there.
   * Absent: the CLI's default cache (none in the action).
   */
  cacheDir?: string;
  /** Hears whether the base schema came from the cache or went into it. */
  log?: (line: string) => void;
}

/**
 * Opens PGlite, or the server at `databaseUrl` when given.
 * NOTE: loaded on demand: PGlite and pg are large, and most runs (replay off, nothing new
 * to replay, --help) must not pay for loading them at start-up.
 */
export async function openReplayDatabase(settings: ReplaySettings, rehearse = false): Promise<ReplayDatabase> {
  if (settings.databaseUrl) {
    const server = await import('./postgres.js');
    return rehearse ? server.openRehearsal(settings.databaseUrl) : server.openPostgres(settings.databaseUrl);
  }
  return (await import('./pglite-thread.js')).openPgliteThread({
    ...(settings.statementTimeoutMs === undefined ? {} : { callTimeoutMs: settings.statementTimeoutMs }),
    ...(settings.cacheDir === undefined ? {} : { cache: { dir: settings.cacheDir, minBuildMs: 0 } }),
    ...(settings.log ? { log: settings.log } : {}),
  });
}

/**
 * Starts PGlite ahead of the replay stage (pglite-thread.ts `startPgliteEarly`) when the
 * settings replay on PGlite: the pipeline calls it when it reads a changed migration.
 */
export function startReplayEarly(settings: ReplaySettings): void {
  if (settings.mode === 'off' || settings.databaseUrl) return;
  void import('./pglite-thread.js').then(({ startPgliteEarly }) => startPgliteEarly(settings.cacheDir === undefined ? {} : { cache: { dir: settings.cacheDir, minBuildMs: 0 } }));
}

/**
 * The replay stage as the pipeline runs it: undefined when replay is off; otherwise a stage
 * that opens the database only when a changed file has an up statement, replays, and closes
 * it on every path. A database that does not start becomes a notice, never an exception.
 */
export function openingReplayStage(config: Config, settings: ReplaySettings): ReplayStage | undefined {
  if (settings.mode === 'off') return undefined;
  return async (changeSet) => {
    // NOTE: nothing new to run (no up statement in a changed file): no database is started
    // (PGlite costs seconds and hundreds of MB).
    if (!changeSet.changed.some((f) => f.statements.some((s) => s.section === 'up'))) return undefined;
    const rehearse = settings.rehearse === true && settings.databaseUrl !== undefined;
    let database: ReplayDatabase;
    try {
      database = await openReplayDatabase(settings, rehearse);
    } catch (error) {
      const where = settings.databaseUrl ? `the database at --database-url (${redact(settings.databaseUrl)})` : 'PGlite';
      return replayUnavailable(changeSet, `${where} could not be opened: ${(error as Error).message}`);
    }
    await using db = database;
    // NOTE: a clone already holds the schema the earlier migrations built: an empty schema file stands for it.
    const schemaFile = rehearse ? { path: REHEARSAL_BASE, text: '' } : settings.schemaFile;
    // NOTE: `return await`: a bare returned promise would let `await using` close the database first.
    return await replayStage(config, { database: db, ...(schemaFile ? { schemaFile } : {}) })(changeSet);
  };
}

/** The base a rehearsal starts from: the clone's own schema and data. */
export const REHEARSAL_BASE = '(the database at --database-url)';

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a valid URL)';
  }
}
