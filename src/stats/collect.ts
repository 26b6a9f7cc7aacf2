/**
 * `migration-guard stats`: reads the stats snapshot from a server in one read-only
 * transaction. Catalog and statistics views only (pg_class, pg_index, pg_stat_user_tables,
 * pg_stat_statements): no table data is read. pg_stat_statements query texts are parsed in
 * memory to count calls per table and never leave this function.
 */
import pg from 'pg';
import { hashName, STATS_SNAPSHOT_VERSION, type StatsSnapshot, type TableStats } from '../core/stats.js';
import type { Coefficients } from '../core/estimate.js';
import { loadParser, parseSql } from '../core/parse.js';
import { callsByTable } from './statement-tables.js';

export interface CollectOptions {
  /** Store `sha256:` digests instead of table and index names. */
  hashNames: boolean;
  /** Throughput from `migration-guard calibrate`, copied into the snapshot. */
  coefficients?: Coefficients;
  /** The clock, for the snapshot's takenAt. */
  now?: () => Date;
}

/** User tables, partitioned tables and materialized views, with sizes and activity counters. */
const TABLES_SQL = `SELECT c.oid::int8::float8 AS oid, n.nspname AS schema, c.relname AS name,
    pg_total_relation_size(c.oid)::float8 AS total_bytes, pg_relation_size(c.oid)::float8 AS heap_bytes,
    c.reltuples::float8 AS reltuples,
    s.seq_scan::float8 AS seq_scan, s.idx_scan::float8 AS idx_scan,
    (s.n_tup_ins + s.n_tup_upd + s.n_tup_del)::float8 AS tuples_written
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
  WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  ORDER BY n.nspname, c.relname`;

const INDEXES_SQL = `SELECT i.indrelid::int8::float8 AS table_oid, n.nspname AS schema, c.relname AS name, pg_relation_size(c.oid)::float8 AS bytes
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  ORDER BY n.nspname, c.relname`;

/**
 * Seconds the cumulative counters cover. NOTE: since Postgres 15 the counters survive a
 * clean restart, so with no reset on record the server's start time only bounds the window
 * from below: the rates are then upper bounds (docs/production-context.md).
 */
const ACTIVITY_WINDOW_SQL = `SELECT extract(epoch FROM now() - coalesce(stats_reset, pg_postmaster_start_time()))::float8 AS seconds
  FROM pg_stat_database WHERE datname = current_database()`;

interface TableRow {
  oid: number;
  schema: string;
  name: string;
  total_bytes: number;
  heap_bytes: number;
  reltuples: number;
  seq_scan: number | null;
  idx_scan: number | null;
  tuples_written: number | null;
}

/** Connects to `url`, reads the snapshot, disconnects. */
export async function collectStats(url: string, options: CollectOptions): Promise<StatsSnapshot> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    // NOTE: READ ONLY: the server itself refuses any write, whatever this code sends.
    await client.query('BEGIN TRANSACTION READ ONLY');
    const snapshot = await readSnapshot(client, options);
    await client.query('COMMIT');
    return snapshot;
  } finally {
    await client.end();
  }
}

async function readSnapshot(client: pg.Client, options: CollectOptions): Promise<StatsSnapshot> {
  const serverVersion = Math.floor(Number((await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]!.v) / 10_000);
  const tables = (await client.query<TableRow>(TABLES_SQL)).rows;
  const indexes = (await client.query<{ table_oid: number; schema: string; name: string; bytes: number }>(INDEXES_SQL)).rows;
  const windowSeconds = (await client.query<{ seconds: number | null }>(ACTIVITY_WINDOW_SQL)).rows[0]?.seconds ?? null;
  const statements = await statementCalls(client);
  const perMinute = (count: number | null, seconds: number | null) => (count === null || !seconds ? null : (count * 60) / seconds);
  const name = (schema: string, relation: string) => (options.hashNames ? hashName(`${schema}.${relation}`) : `${schema}.${relation}`);
  const indexesByTable = new Map<number, TableStats['indexes']>();
  for (const index of indexes) {
    const list = indexesByTable.get(Number(index.table_oid)) ?? [];
    list.push({ name: name(index.schema, index.name), bytes: Number(index.bytes) });
    indexesByTable.set(Number(index.table_oid), list);
  }
  return {
    version: STATS_SNAPSHOT_VERSION,
    takenAt: (options.now?.() ?? new Date()).toISOString(),
    serverVersion,
    hashedNames: options.hashNames,
    activityWindowSeconds: windowSeconds,
    statementsWindowSeconds: statements?.windowSeconds ?? null,
    tables: tables.map((row): TableStats => {
      const calls = statements?.calls.get(`${row.schema}.${row.name}`);
      const statementRates = statements && { readCallsPerMinute: perMinute(calls?.reads ?? 0, statements.windowSeconds) ?? 0, writeCallsPerMinute: perMinute(calls?.writes ?? 0, statements.windowSeconds) ?? 0 };
      return {
        name: name(row.schema, row.name),
        totalBytes: Number(row.total_bytes),
        heapBytes: Number(row.heap_bytes),
        // NOTE: reltuples is -1 on Postgres 14+ for a table never vacuumed or analysed.
        rows: row.reltuples < 0 ? null : Math.round(row.reltuples),
        indexes: indexesByTable.get(Number(row.oid)) ?? [],
        readsPerMinute: row.seq_scan === null ? null : perMinute(row.seq_scan + (row.idx_scan ?? 0), windowSeconds),
        writesPerMinute: perMinute(row.tuples_written, windowSeconds),
        ...(statementRates && statements.windowSeconds ? { statements: statementRates } : {}),
      };
    }),
    ...(options.coefficients ? { coefficients: options.coefficients } : {}),
  };
}

/**
 * Calls per table from pg_stat_statements, when the extension is installed in this
 * database and says how long it has been counting (pg_stat_statements_info, 1.9+ on
 * Postgres 14+). NOTE: texts of other users' statements read as `<insufficient privilege>`
 * without pg_read_all_stats; they do not parse and are not counted.
 */
async function statementCalls(client: pg.Client): Promise<{ calls: Map<string, { reads: number; writes: number }>; windowSeconds: number | null } | undefined> {
  const installed = await client.query<{ schema: string }>("SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'");
  const schema = installed.rows[0]?.schema;
  if (schema === undefined) return undefined;
  const qualified = (relation: string) => `${client.escapeIdentifier(schema)}.${relation}`;
  await client.query('SAVEPOINT statements');
  try {
    const hasInfo = (await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [qualified('pg_stat_statements_info')])).rows[0]?.present;
    const info = hasInfo ? await client.query<{ seconds: number | null }>(`SELECT extract(epoch FROM now() - stats_reset)::float8 AS seconds FROM ${qualified('pg_stat_statements_info')}`) : undefined;
    const rows = (await client.query<{ query: string; calls: number }>(`SELECT query, calls::float8 AS calls FROM ${qualified('pg_stat_statements')} WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`)).rows;
    await loadParser();
    return { calls: callsByTable(rows, parseSql), windowSeconds: info?.rows[0]?.seconds ?? null };
  } catch {
    // NOTE: the view fails when the library is not in shared_preload_libraries: no statement counts then.
    await client.query('ROLLBACK TO SAVEPOINT statements');
    return undefined;
  }
}
