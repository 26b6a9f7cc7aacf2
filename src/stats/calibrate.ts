/**
 * `migration-guard calibrate`: measures this server's throughput for each kind of work
 * (src/core/estimate.ts) on synthetic tables of a few sizes and fits the coefficients the
 * estimates use. Works in a scratch database it creates and drops (as replay does), so
 * point it at a scratch server or a copy of production's hardware, never at production.
 */
import { type Coefficients, WORK_KINDS, type WorkKind, workUnits } from '../core/estimate.js';
import type { ReplayDatabase } from '../replay/interface.js';
import { openPostgres } from '../replay/postgres.js';

/** The table sizes (rows) calibrated by default. */
export const DEFAULT_CALIBRATION_ROWS = [10_000, 100_000, 1_000_000] as const;

/** One timed piece of work on a synthetic table. */
export interface Measurement {
  work: WorkKind;
  rows: number;
  heapBytes: number;
  ms: number;
}

/** What `calibrate` writes: the coefficients and the measurements they were fitted to. */
export interface Calibration extends Coefficients {
  measurements: Measurement[];
}

const TABLE = 'migration_guard_calibration';

/**
 * The statements timed for each kind, in the order they run on one table, each with the
 * statement that undoes it (so it can be timed again) and any untimed preparation. NOTE:
 * the backfill, which leaves a dead copy of every row, runs last and once, so every other
 * statement sees a compact heap. Columns mirror a typical narrow table: a bigint key, an
 * int, a bigint reference.
 */
const WORK_SQL: ReadonlyArray<{ work: WorkKind; sql: string; undo?: string; prepare?: string }> = [
  { work: 'scan', sql: `ALTER TABLE ${TABLE} ADD CONSTRAINT ${TABLE}_check CHECK (n >= 0)`, undo: `ALTER TABLE ${TABLE} DROP CONSTRAINT ${TABLE}_check` },
  { work: 'rewrite', sql: `ALTER TABLE ${TABLE} ALTER COLUMN n TYPE bigint`, undo: `ALTER TABLE ${TABLE} ALTER COLUMN n TYPE int` },
  { work: 'index-build', sql: `CREATE UNIQUE INDEX ${TABLE}_id ON ${TABLE} (id)`, undo: `DROP INDEX ${TABLE}_id` },
  {
    work: 'validation',
    prepare: `CREATE UNIQUE INDEX ${TABLE}_id ON ${TABLE} (id)`,
    sql: `ALTER TABLE ${TABLE} ADD CONSTRAINT ${TABLE}_ref FOREIGN KEY (ref) REFERENCES ${TABLE} (id)`,
    undo: `ALTER TABLE ${TABLE} DROP CONSTRAINT ${TABLE}_ref`,
  },
  { work: 'backfill', sql: `UPDATE ${TABLE} SET n = n + 1` },
];

/**
 * Work that takes less than this is timed three times and the fastest kept. NOTE: other
 * work on the machine only ever adds time; on a busy machine one timing of a short
 * statement measured the neighbours more than the statement.
 */
const REPEAT_BELOW_MS = 1000;

/**
 * Creates a synthetic table of `rows` rows and times each kind of work on it. The table is
 * vacuumed and analysed first (hint bits set, reltuples known), as a production table
 * usually is.
 */
export async function measureWork(db: ReplayDatabase, rows: number, kinds: readonly WorkKind[] = WORK_KINDS): Promise<Measurement[]> {
  await db.exec(`DROP TABLE IF EXISTS ${TABLE}`);
  await db.exec(`CREATE TABLE ${TABLE} (id bigint NOT NULL, n int NOT NULL, ref bigint NOT NULL)`);
  await db.exec(`INSERT INTO ${TABLE} SELECT i, i % 1000, (i::bigint * 7919) % ${rows} + 1 FROM generate_series(1, ${rows}) AS i`);
  await db.exec(`VACUUM ANALYZE ${TABLE}`);
  // NOTE: replay's own queries resolve names in pg_catalog only (guarded): the table is named with its schema.
  const [size] = await db.query<{ heap: number }>(`SELECT pg_relation_size('public.${TABLE}')::float8 AS heap`);
  const measurements: Measurement[] = [];
  for (const step of WORK_SQL.filter((s) => kinds.includes(s.work))) {
    if (step.prepare) await db.exec(step.prepare);
    const times: number[] = [];
    do {
      const started = performance.now();
      await db.exec(step.sql);
      times.push(performance.now() - started);
      if (step.undo) await db.exec(step.undo);
    } while (step.undo && times[0]! < REPEAT_BELOW_MS && times.length < 3);
    measurements.push({ work: step.work, rows, heapBytes: Number(size!.heap), ms: Math.min(...times) });
  }
  await db.exec(`DROP TABLE ${TABLE}`);
  return measurements;
}

/** The curve of each kind of work through its measurements (one point per size, the fastest of repeats). */
export function fitCalibration(measurements: readonly Measurement[], measuredOn: string): Calibration {
  const work = Object.fromEntries(
    WORK_KINDS.map((kind) => {
      const points = measurements.filter((m) => m.work === kind).map((m) => ({ units: workUnits(kind, m), ms: Math.max(m.ms, 0.01) }));
      if (points.length === 0) throw new Error(`no measurement of ${kind}: calibrate every kind of work`);
      return [kind, { points: points.sort((a, b) => a.units - b.units) }];
    }),
  ) as Coefficients['work'];
  return { measuredOn, work, measurements: [...measurements] };
}

/** Calibrates on the server at `url` (in a scratch database it drops afterwards). */
export async function calibrate(url: string, options: { rows?: readonly number[]; machine: string; log?: (line: string) => void }): Promise<Calibration> {
  await using db = await openPostgres(url);
  const measurements: Measurement[] = [];
  for (const rows of options.rows ?? DEFAULT_CALIBRATION_ROWS) {
    const measured = await measureWork(db, rows);
    options.log?.(`${rows.toLocaleString('en-US')} rows: ${measured.map((m) => `${m.work} ${Math.round(m.ms)} ms`).join(', ')}`);
    measurements.push(...measured);
  }
  return fitCalibration(measurements, `${options.machine}; PostgreSQL ${db.serverVersion}`);
}
