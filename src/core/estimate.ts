/**
 * How long work that scales with a table takes, from measured durations: per kind of
 * work, a curve through what `migration-guard calibrate` measured on synthetic tables of a
 * few sizes. Pure: the coefficients come from the caller (shipped defaults or a
 * calibration file), the table from the stats snapshot.
 */
import type { TableStats } from './stats.js';

/**
 * The kinds of work whose duration grows with the table:
 * - `rewrite`: the heap is copied into a new file and every index rebuilt (ALTER COLUMN TYPE, VACUUM FULL);
 * - `scan`: one sequential read of the heap checking a condition (SET NOT NULL, ADD CHECK);
 * - `index-build`: one B-tree built over every row (CREATE INDEX, ADD PRIMARY KEY/UNIQUE);
 * - `validation`: a foreign key checked for every row (ADD FOREIGN KEY, VALIDATE CONSTRAINT);
 * - `backfill`: every row updated in one statement (UPDATE without WHERE).
 */
export const WORK_KINDS = ['rewrite', 'scan', 'index-build', 'validation', 'backfill'] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

/** What a kind's duration grows with: heap bytes (rewrite, scan) or rows (the rest). */
export const WORK_UNIT: Record<WorkKind, 'bytes' | 'rows'> = {
  rewrite: 'bytes',
  scan: 'bytes',
  'index-build': 'rows',
  validation: 'rows',
  backfill: 'rows',
};

/** One measured duration: `ms` for a table of `units` (MiB of heap, or thousands of rows). */
export interface WorkPoint {
  units: number;
  ms: number;
}

/**
 * The measured durations of one kind of work at a few table sizes, smallest first. Between
 * two points the duration follows the power law through them (a straight line on log-log
 * axes); past the largest it grows at least linearly. NOTE: not one straight line: a
 * foreign-key check or a backfill grows faster than the table once its sort or its dead
 * rows outgrow memory (calibration here: 10x the rows took 13x, then 16x the time).
 */
export interface WorkCurve {
  points: WorkPoint[];
}

/** The curves the estimates use, and where they were measured. */
export interface Coefficients {
  /** What machine and server produced them (free text: CPUs, disk, Postgres version). */
  measuredOn: string;
  work: Record<WorkKind, WorkCurve>;
}

/**
 * The shipped defaults: `migration-guard calibrate` (10^4, 10^5 and 10^6 rows) on the
 * development machine, see docs/production-context.md for the hardware and the run.
 * Production servers with faster disks and more memory are usually faster; a calibration
 * on a copy of your server is better.
 */
export const DEFAULT_COEFFICIENTS: Coefficients = {
  measuredOn: '2 vCPU Intel Xeon (KVM), 23 GB RAM, virtio disk; PostgreSQL 15 with fsync off; shared machine (load average 18)',
  work: {
    rewrite: { points: [{ units: 0.5, ms: 25 }, { units: 4.98, ms: 164 }, { units: 49.8, ms: 1428 }] },
    scan: { points: [{ units: 0.5, ms: 9 }, { units: 4.98, ms: 22 }, { units: 49.8, ms: 170 }] },
    'index-build': { points: [{ units: 10, ms: 18 }, { units: 100, ms: 93 }, { units: 1000, ms: 672 }] },
    validation: { points: [{ units: 10, ms: 35 }, { units: 100, ms: 219 }, { units: 1000, ms: 4262 }] },
    backfill: { points: [{ units: 10, ms: 79 }, { units: 100, ms: 949 }, { units: 1000, ms: 10243 }] },
  },
};

const MIB = 1024 * 1024;

/** A table's size in a kind's unit (MiB of heap, or thousands of rows). */
export function workUnits(kind: WorkKind, table: Pick<TableStats, 'heapBytes' | 'rows'>): number {
  return WORK_UNIT[kind] === 'bytes' ? table.heapBytes / MIB : (table.rows ?? 0) / 1000;
}

/** The model's duration for one kind of work on a table, in milliseconds. */
export function workMs(kind: WorkKind, table: Pick<TableStats, 'heapBytes' | 'rows'>, coefficients: Coefficients): number {
  return curveMs(coefficients.work[kind].points, workUnits(kind, table));
}

/** The duration at `units` on the curve through `points` (see WorkCurve). */
export function curveMs(points: readonly WorkPoint[], units: number): number {
  // NOTE: two measurements of one size (a repeated --rows, or small tables whose heaps are one
  // page each) would make a segment of zero width, whose exponent is infinite: the faster stands for the size.
  const usable = points
    .filter((p) => p.units > 0 && p.ms > 0)
    .sort((a, b) => a.units - b.units || a.ms - b.ms)
    .filter((p, i, sorted) => i === 0 || p.units !== sorted[i - 1]!.units);
  if (usable.length === 0 || units <= 0) return 0;
  if (usable.length === 1) return (usable[0]!.ms * units) / usable[0]!.units;
  const last = usable.length - 1;
  // The segment that holds `units`: the first one below the smallest point, the last one above the largest.
  let i = 0;
  while (i < last - 1 && units > usable[i + 1]!.units) i++;
  const [from, to] = [usable[i]!, usable[i + 1]!];
  const exponent = Math.log(to.ms / from.ms) / Math.log(to.units / from.units);
  // NOTE: past the largest measurement, fixed costs no longer flatten the curve: at least linear.
  return units > to.units ? to.ms * (units / to.units) ** Math.max(1, exponent) : from.ms * (units / from.units) ** exponent;
}

/**
 * The whole duration of the work on a table: a rewrite also rebuilds each of the table's
 * indexes (measured separately as index builds). NOTE: a backfill also updates every index
 * that is not HOT-eligible; the model counts the heap only, so tables with many indexes
 * take longer than the estimate (docs/production-context.md).
 */
export function estimateMs(kind: WorkKind, table: Pick<TableStats, 'heapBytes' | 'rows' | 'indexes'>, coefficients: Coefficients): number {
  const base = workMs(kind, table, coefficients);
  return kind === 'rewrite' ? base + table.indexes.length * workMs('index-build', table, coefficients) : base;
}

/**
 * The band an estimate is given in: half to twice the model's value. NOTE: that is the
 * accuracy test/stats/estimate-accuracy.test.ts demands on the machine the coefficients
 * come from; on other hardware, under load or with a cold cache the error can be larger.
 */
export const ESTIMATE_BAND = { low: 0.5, high: 2 } as const;

/** An estimated duration range in milliseconds. */
export interface DurationRange {
  lowMs: number;
  highMs: number;
}

export function estimateRange(kind: WorkKind, table: Pick<TableStats, 'heapBytes' | 'rows' | 'indexes'>, coefficients: Coefficients): DurationRange {
  const ms = estimateMs(kind, table, coefficients);
  return { lowMs: ms * ESTIMATE_BAND.low, highMs: ms * ESTIMATE_BAND.high };
}
