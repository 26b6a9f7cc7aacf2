/**
 * How long work that scales with a table takes, from measured throughput: a linear model
 * per kind of work (`fixed + per-unit × size`), fitted by `migration-guard calibrate` on
 * synthetic tables. Pure: the coefficients come from the caller (shipped defaults or a
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

/** `milliseconds = fixedMs + perUnitMs × units`; units are MiB of heap or thousands of rows. */
export interface WorkCoefficient {
  fixedMs: number;
  perUnitMs: number;
}

/** The coefficients the estimates use, and where they were measured. */
export interface Coefficients {
  /** What machine and server produced them (free text: CPUs, disk, Postgres version). */
  measuredOn: string;
  work: Record<WorkKind, WorkCoefficient>;
}

/**
 * The shipped defaults: `migration-guard calibrate` on the development machine (see
 * docs/production-context.md for the hardware and the run). Production servers with faster
 * disks and more memory are usually faster; a calibration on a copy of your server is better.
 */
export const DEFAULT_COEFFICIENTS: Coefficients = {
  measuredOn: '2 vCPU Intel Xeon (KVM), 23 GB RAM, virtio disk; PostgreSQL 15 with fsync off; shared machine (load average 18)',
  work: {
    rewrite: { fixedMs: 16, perUnitMs: 28 },
    scan: { fixedMs: 7, perUnitMs: 3.3 },
    'index-build': { fixedMs: 19, perUnitMs: 0.65 },
    validation: { fixedMs: 0, perUnitMs: 4.2 },
    backfill: { fixedMs: 0, perUnitMs: 10 },
  },
};

const MIB = 1024 * 1024;

/** A table's size in a kind's unit (MiB of heap, or thousands of rows). */
export function workUnits(kind: WorkKind, table: Pick<TableStats, 'heapBytes' | 'rows'>): number {
  return WORK_UNIT[kind] === 'bytes' ? table.heapBytes / MIB : (table.rows ?? 0) / 1000;
}

/** The model's duration for one kind of work on a table, in milliseconds. */
export function workMs(kind: WorkKind, table: Pick<TableStats, 'heapBytes' | 'rows'>, coefficients: Coefficients): number {
  const c = coefficients.work[kind];
  return c.fixedMs + c.perUnitMs * workUnits(kind, table);
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

/**
 * Fits `fixed + perUnit × units` through measured points by least squares (at least two
 * sizes). A negative intercept (measurement noise on small tables) is clamped to zero and
 * the slope refitted through the origin, so no estimate goes below zero.
 */
export function fitCoefficient(points: ReadonlyArray<{ units: number; ms: number }>): WorkCoefficient {
  if (points.length < 2) throw new Error('fitting needs measurements at two sizes at least');
  const n = points.length;
  const meanX = points.reduce((s, p) => s + p.units, 0) / n;
  const meanY = points.reduce((s, p) => s + p.ms, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.units - meanX) ** 2, 0);
  if (sxx === 0) throw new Error('fitting needs measurements at two different sizes');
  const slope = points.reduce((s, p) => s + (p.units - meanX) * (p.ms - meanY), 0) / sxx;
  const intercept = meanY - slope * meanX;
  if (intercept >= 0 && slope >= 0) return { fixedMs: intercept, perUnitMs: slope };
  const throughOrigin = points.reduce((s, p) => s + p.units * p.ms, 0) / points.reduce((s, p) => s + p.units ** 2, 0);
  return { fixedMs: 0, perUnitMs: Math.max(0, throughOrigin) };
}
