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
  /**
   * Measure traffic over this many seconds (two readings of the counters) instead of
   * averaging it since the counters' last reset: the current rates, not the long-run mean.
   */
  sampleSeconds?: number;
  /** Waits between the two readings of a sample (default: a timer); the tests make their traffic here. */
  wait?: (ms: number) => Promise<void>;
}

/** The cumulative counters at one moment, to subtract from a later reading. */
interface CounterSample {
  at: number;
  /** Table oid -> reads and rows written so far. */
  tables: Map<number, { reads: number; writes: number }>;
  /** pg_stat_statements entry (queryid, user) -> calls so far; absent without the extension. */
  calls?: Map<string, number>;
}

/** User tables, partitioned tables and materialized views, with sizes and activity counters. */
const TABLES_SQL = `SELECT c.oid::int8::float8 AS oid, n.nspname AS schema, c.relname AS name,
    pg_total_relation_size(c.oid)::float8 AS total_bytes, pg_relation_size(c.oid)::float8 AS heap_bytes,
    c.reltuples::float8 AS reltuples,
    (s.seq_scan + coalesce(s.idx_scan, 0))::float8 AS reads,
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
  reads: number | null;
  tuples_written: number | null;
}

/** Connects to `url`, reads the snapshot, disconnects. */
export async function collectStats(url: string, options: CollectOptions): Promise<StatsSnapshot> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    // NOTE: the first reading in a transaction of its own: within one, statistics views
    // return the same cached values however long it waits (stats_fetch_consistency).
    const before = options.sampleSeconds ? await sampleCounters(client) : undefined;
    if (options.sampleSeconds) await (options.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))))(options.sampleSeconds * 1000);
    // NOTE: READ ONLY: the server itself refuses any write, whatever this code sends.
    await client.query('BEGIN TRANSACTION READ ONLY');
    const snapshot = await readSnapshot(client, options, before);
    await client.query('COMMIT');
    return snapshot;
  } finally {
    await client.end();
  }
}

async function readSnapshot(client: pg.Client, options: CollectOptions, before: CounterSample | undefined): Promise<StatsSnapshot> {
  const serverVersion = Math.floor(Number((await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]!.v) / 10_000);
  const tables = (await client.query<TableRow>(TABLES_SQL)).rows;
  const indexes = (await client.query<{ table_oid: number; schema: string; name: string; bytes: number }>(INDEXES_SQL)).rows;
  const sampled = before && (performance.now() - before.at) / 1000;
  const windowSeconds = sampled ?? (await client.query<{ seconds: number | null }>(ACTIVITY_WINDOW_SQL)).rows[0]?.seconds ?? null;
  const statements = await statementCalls(client, before);
  // NOTE: a table created during the sample counts from zero.
  const since = (row: TableRow, kind: 'reads' | 'writes') => (before ? (before.tables.get(Number(row.oid))?.[kind] ?? 0) : 0);
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
        readsPerMinute: row.reads === null ? null : perMinute(row.reads - since(row, 'reads'), windowSeconds),
        writesPerMinute: row.tuples_written === null ? null : perMinute(row.tuples_written - since(row, 'writes'), windowSeconds),
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
async function statementCalls(client: pg.Client, before: CounterSample | undefined): Promise<{ calls: Map<string, { reads: number; writes: number }>; windowSeconds: number | null } | undefined> {
  const view = await statementsView(client);
  if (view === undefined) return undefined;
  await client.query('SAVEPOINT statements');
  try {
    const hasInfo = (await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [view.info])).rows[0]?.present;
    const info = hasInfo && !before ? await client.query<{ seconds: number | null }>(`SELECT extract(epoch FROM now() - stats_reset)::float8 AS seconds FROM ${view.info}`) : undefined;
    const rows = (await client.query<{ key: string; query: string; calls: number }>(`SELECT ${STATEMENT_KEY} AS key, query, calls::float8 AS calls FROM ${view.statements} WHERE ${THIS_DATABASE}`)).rows;
    await loadParser();
    const counted = before ? rows.map((row) => ({ query: row.query, calls: Number(row.calls) - (before.calls?.get(row.key) ?? 0) })).filter((row) => row.calls > 0) : rows;
    return { calls: callsByTable(counted, parseSql), windowSeconds: before ? (performance.now() - before.at) / 1000 : (info?.rows[0]?.seconds ?? null) };
  } catch {
    // NOTE: the view fails when the library is not in shared_preload_libraries: no statement counts then.
    await client.query('ROLLBACK TO SAVEPOINT statements');
    return undefined;
  }
}

/** An entry of pg_stat_statements: the same normalised statement by the same user. */
const STATEMENT_KEY = "queryid::text || '/' || userid::text";
const THIS_DATABASE = 'dbid = (SELECT oid FROM pg_database WHERE datname = current_database())';

/** The qualified pg_stat_statements views when the extension is installed in this database. */
async function statementsView(client: pg.Client): Promise<{ statements: string; info: string } | undefined> {
  const installed = await client.query<{ schema: string }>("SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'");
  const schema = installed.rows[0]?.schema;
  if (schema === undefined) return undefined;
  return { statements: `${client.escapeIdentifier(schema)}.pg_stat_statements`, info: `${client.escapeIdentifier(schema)}.pg_stat_statements_info` };
}

/** The first reading of a sampled snapshot: table counters and statement calls (no texts). */
async function sampleCounters(client: pg.Client): Promise<CounterSample> {
  const at = performance.now();
  const rows = (await client.query<{ oid: number; reads: number; writes: number }>('SELECT relid::int8::float8 AS oid, (seq_scan + coalesce(idx_scan, 0))::float8 AS reads, (n_tup_ins + n_tup_upd + n_tup_del)::float8 AS writes FROM pg_stat_user_tables')).rows;
  const view = await statementsView(client);
  const calls = view && (await client.query<{ key: string; calls: number }>(`SELECT ${STATEMENT_KEY} AS key, calls::float8 AS calls FROM ${view.statements} WHERE ${THIS_DATABASE}`).catch(() => undefined));
  return {
    at,
    tables: new Map(rows.map((r) => [Number(r.oid), { reads: Number(r.reads), writes: Number(r.writes) }])),
    ...(calls ? { calls: new Map(calls.rows.map((r) => [r.key, Number(r.calls)])) } : {}),
  };
}
