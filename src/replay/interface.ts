/**
 * The one thing replay needs from a database: run SQL on a single session and read rows.
 * Two implementations: PGlite in process (pglite.ts) and a real server through `pg`
 * (postgres.ts). Both are AsyncDisposable, so `await using` releases them on every path.
 */

/** One session on a scratch database that replay may change and wipe. */
export interface ReplayDatabase extends AsyncDisposable {
  /** `pglite` or `postgres`, for reports and notices. */
  readonly kind: 'pglite' | 'postgres';
  /** The server's major version (e.g. 18), which decides what must run outside a transaction. */
  readonly serverVersion: number;
  /** Runs SQL (one or more statements, simple protocol) and ignores results. */
  exec(sql: string): Promise<void>;
  /** Runs one statement of replay's own (never a migration's) and returns its rows; names resolve in pg_catalog (guarded). */
  query<Row extends object>(sql: string): Promise<Row[]>;
  /** Drops everything replay created (every non-system schema) and recreates `public`. */
  reset(): Promise<void>;
  /**
   * Runs `build` (on the reset database) and returns its result (JSON data). A backend with a
   * cache (PGlite on its thread, base-cache.ts) first tries to restore the database and the
   * result saved under `key`, and saves both after a build. `key` names everything the
   * result depends on besides the database and this program, which the backend adds.
   */
  restoreOrBuild<T>(key: string, build: () => Promise<T>): Promise<T>;
  /** Releases the session (and, for a server, the scratch database). Safe to call twice. */
  close(): Promise<void>;
}

/** An error reported by Postgres, normalised across PGlite and `pg`. */
export interface SqlError {
  message: string;
  /** SQLSTATE, e.g. `42P01` (undefined table). */
  code?: string;
  /** 1-based character position in the statement text, when Postgres gave one. */
  position?: number;
}

/** Reads the fields both drivers put on their errors (`pg` gives position as a string). */
export function sqlError(error: unknown): SqlError {
  const e = error as { message?: unknown; code?: unknown; position?: unknown };
  const position = e.position === undefined || e.position === null ? undefined : Number(e.position);
  return {
    message: typeof e.message === 'string' ? e.message : String(error),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(position !== undefined && Number.isFinite(position) && position > 0 ? { position } : {}),
  };
}

/**
 * Replay's own query (ReplayDatabase.query) as a text that resolves its names in pg_catalog
 * whatever search_path a migration left; its rows are the text's result GUARDED_RESULT.
 * NOTE (attack): a migration can put a schema of its own before pg_catalog
 * (`SET search_path = x, pg_catalog`) and create a `pg_locks` view or a `pg_backend_pid`
 * function (or an operator) there; replay's queries would read those, see a weaker lock or
 * none, and a blocking finding would be lowered (reconcileClaims). So the query runs between
 * a save of the session's search_path and its restore, with only pg_catalog and, last,
 * pg_temp (first by default for tables). Postgres resolves a statement's names when it runs,
 * after the SET before it. A failing query aborts the text's transaction (or the file's
 * block, which replay rolls back), and the SETs with it.
 */
export function guarded(sql: string): string {
  return [
    "SELECT pg_catalog.set_config('migration_guard.search_path', pg_catalog.current_setting('search_path'), false)",
    "SELECT pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', false)",
    sql,
    "SELECT pg_catalog.set_config('search_path', pg_catalog.current_setting('migration_guard.search_path'), false)",
  ].join(';\n');
}

/** Which of a guarded text's results is the query's own. */
export const GUARDED_RESULT = 2;

/** Session settings for replay: no statement runs for ever, no notices. */
export const SESSION_SQL = "SET statement_timeout = '60s'; SET client_min_messages = 'warning'";

/**
 * Ends any transaction a failed statement left open, undoes session settings and prepared
 * statements the migrations made (search_path, role, PREPARE), then removes every extension and every schema a
 * migration may have created and recreates `public`. NOTE: extensions go first and
 * explicitly: one installed into pg_catalog survives the schema drops and would make the
 * next run's CREATE EXTENSION fail. Roles and databases are cluster-wide and are left alone.
 */
export const RESET_SQL = `ROLLBACK; RESET ALL; DEALLOCATE ALL; ${SESSION_SQL}; DO $reset$
DECLARE s name;
BEGIN
  FOR s IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP
    EXECUTE format('DROP EXTENSION IF EXISTS %I CASCADE', s);
  END LOOP;
  FOR s IN SELECT nspname FROM pg_namespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'
  LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', s);
  END LOOP;
  CREATE SCHEMA public;
END
$reset$`;

