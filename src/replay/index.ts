/**
 * Replay's entry point for the CLI and the action: open the configured database, replay,
 * always close it. See replay.ts for what a replay does.
 */
import type { Config } from '../core/config.js';
import type { InputFile } from '../core/migration.js';
import type { Report } from '../core/report.js';
import type { ReplayDatabase } from './interface.js';
import { replayReport, replayUnavailableReport } from './replay.js';

export type { ReplayDatabase } from './interface.js';
export { replayReport, replayUnavailableReport } from './replay.js';

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
}

/**
 * Opens PGlite, or the server at `databaseUrl` when given.
 * NOTE: loaded on demand: PGlite and pg are large, and most runs (replay off, nothing new
 * to replay, --help) must not pay for loading them at start-up.
 */
export async function openReplayDatabase(databaseUrl?: string, statementTimeoutMs?: number, rehearse = false): Promise<ReplayDatabase> {
  if (databaseUrl) {
    const server = await import('./postgres.js');
    return rehearse ? server.openRehearsal(databaseUrl) : server.openPostgres(databaseUrl);
  }
  return (await import('./pglite-thread.js')).openPgliteThread(statementTimeoutMs === undefined ? {} : { callTimeoutMs: statementTimeoutMs });
}

/**
 * Replays the migrations and returns the augmented report (unchanged when replay is off or
 * no changed file has an up statement). A database that does not start becomes a notice,
 * never an exception; the database is closed on every path.
 */
export async function withReplay(report: Report, files: readonly InputFile[], config: Config, settings: ReplaySettings): Promise<Report> {
  // NOTE: nothing new to run (no up statement in a changed file): no database is started
  // (PGlite costs seconds and hundreds of MB).
  const hasNewStatements = report.files.some((f) => f.statements.some((s) => s.section === 'up'));
  if (settings.mode === 'off' || !hasNewStatements) return report;
  let database: ReplayDatabase;
  try {
    database = await openReplayDatabase(settings.databaseUrl, settings.statementTimeoutMs, settings.rehearse && settings.databaseUrl !== undefined);
  } catch (error) {
    const where = settings.databaseUrl ? `the database at --database-url (${redact(settings.databaseUrl)})` : 'PGlite';
    return replayUnavailableReport(report, config, `${where} could not be opened: ${(error as Error).message}`);
  }
  await using db = database;
  // NOTE: `return await`: a bare returned promise would let `await using` close the database first.
  // NOTE: a clone already holds the schema the earlier migrations built: an empty schema file stands for it.
  const schemaFile = settings.rehearse && settings.databaseUrl ? { path: REHEARSAL_BASE, text: '' } : settings.schemaFile;
  return await replayReport(report, files, config, { database: db, ...(schemaFile ? { schemaFile } : {}) });
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
