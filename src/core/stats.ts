/**
 * The production stats snapshot (`migration-guard stats > migration-stats.json`): per table
 * its size, rows, indexes and traffic, read from the catalog and the statistics views
 * (never table data, never query texts). Validated once into typed data; published as the
 * JSON Schema schema/stats.schema.json.
 */
import { type Coefficients, WORK_KINDS, type WorkKind } from './estimate.js';
import { sha256 } from './gate.js';
import * as z from './zod.js';

/** Bumped when a field changes meaning; readers refuse versions they do not know. */
export const STATS_SNAPSHOT_VERSION = 1;

const count = z.number().check(z.minimum(0));
const rate = z.nullable(count);
/** A schema with its description, which the published JSON Schema carries. */
const described = <T extends z.ZodMiniType>(schema: T, description: string): T => schema.check(z.describe(description)) as T;

const indexSchema = z.strictObject({
  name: described(z.string().check(z.minLength(1)), 'Index name as `schema.index`, or its `sha256:` digest when names are hashed.'),
  bytes: described(count, 'pg_relation_size of the index, in bytes.'),
});

const tableSchema = z.strictObject({
  name: described(z.string().check(z.minLength(1)), '`schema.table` as the catalog spells it, or `sha256:` and 32 hex digits of the SHA-256 of that when names are hashed.'),
  totalBytes: described(count, 'pg_total_relation_size: heap, TOAST and every index, in bytes.'),
  heapBytes: described(count, 'pg_relation_size: the main heap fork only, in bytes (what a scan or rewrite reads).'),
  rows: described(z.nullable(count), "pg_class.reltuples (the planner's estimate of the row count); null when the table was never vacuumed or analysed."),
  indexes: described(z.array(indexSchema), "The table's indexes."),
  readsPerMinute: described(rate, 'Sequential plus index scans per minute, from pg_stat_user_tables, averaged over activityWindowSeconds; null when unknown.'),
  writesPerMinute: described(rate, 'Rows inserted, updated and deleted per minute, from pg_stat_user_tables, averaged over activityWindowSeconds; null when unknown.'),
  statements: described(
    z.optional(
      z.strictObject({
        readCallsPerMinute: described(count, 'Calls per minute of statements that read the table.'),
        writeCallsPerMinute: described(count, 'Calls per minute of INSERT, UPDATE, DELETE and MERGE statements that write it.'),
      }),
    ),
    'From pg_stat_statements, averaged over statementsWindowSeconds (absent without the extension or its window). Query texts are parsed in memory and never stored.',
  ),
});

const curve = z.strictObject({
  points: described(
    z.array(
      z.strictObject({
        units: described(z.number().check(z.positive()), 'Table size: MiB of heap (rewrite, scan) or thousands of rows (index-build, validation, backfill).'),
        ms: described(z.number().check(z.positive()), 'Measured milliseconds.'),
      }),
    ).check(z.minLength(1)),
    'Measured durations at a few table sizes; estimates follow the power law between neighbouring points.',
  ),
});

/** The coefficients `migration-guard calibrate` writes (its whole output file, and the snapshot's optional copy). */
const coefficientsSchema = z.object({
  measuredOn: described(z.string(), 'The machine and server they were measured on.'),
  work: z.strictObject(Object.fromEntries(WORK_KINDS.map((kind) => [kind, curve])) as Record<WorkKind, typeof curve>),
});

const snapshotSchema = z.strictObject({
  version: described(z.literal(STATS_SNAPSHOT_VERSION), 'The snapshot format version.'),
  takenAt: described(z.string(), 'When the snapshot was taken (ISO 8601).'),
  serverVersion: described(z.int(), "The server's major version."),
  hashedNames: described(z.boolean(), 'Table and index names are `sha256:` digests of the real names (stats --hash-names).'),
  activityWindowSeconds: described(z.nullable(count), 'Seconds the pg_stat_user_tables rates cover: the sample (stats --sample-seconds), or since the counters were last reset (or the server started); null when unknown.'),
  statementsWindowSeconds: described(z.nullable(count), 'Seconds the pg_stat_statements rates cover: the sample, or since pg_stat_statements_info.stats_reset; null without them.'),
  tables: described(z.array(tableSchema), 'Every user table, partitioned table and materialized view.'),
  coefficients: described(z.optional(coefficientsSchema), 'Throughput measured by `migration-guard calibrate` (stats --calibration FILE); the shipped defaults are used without it.'),
});

/** One table of the snapshot. */
export type TableStats = z.output<typeof tableSchema>;

/** The whole snapshot, as the `stats` command writes it. */
export type StatsSnapshot = z.output<typeof snapshotSchema>;

/** A stats file that cannot be used, with what to do. */
export class StatsFileError extends Error {
  constructor(
    readonly source: string,
    detail: string,
  ) {
    super(`${source}: ${detail}`);
    this.name = 'StatsFileError';
  }
}

/** Parses and validates a stats file's text; errors name the file and the field. */
export function parseStatsSnapshot(text: string, source: string): StatsSnapshot {
  const remedy = `produce it again with "migration-guard stats --database-url URL > ${source}"`;
  const raw = parseJson(text, source, remedy);
  const version = (raw as { version?: unknown } | null)?.version;
  if (version !== STATS_SNAPSHOT_VERSION) {
    throw new StatsFileError(source, `unsupported stats snapshot version ${JSON.stringify(version)} (this migration-guard reads version ${STATS_SNAPSHOT_VERSION}); ${remedy}`);
  }
  return validated(snapshotSchema, raw, source, remedy);
}

/** Validates a calibration file (`migration-guard calibrate --output FILE`). */
export function parseCoefficients(text: string, source: string): Coefficients {
  const remedy = `produce it again with "migration-guard calibrate --database-url URL --output ${source}"`;
  return validated(coefficientsSchema, parseJson(text, source, remedy), source, remedy);
}

function parseJson(text: string, source: string, remedy: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StatsFileError(source, `not valid JSON (${(error as Error).message}); ${remedy}`);
  }
}

function validated<T extends z.ZodMiniType>(schema: T, raw: unknown, source: string, remedy: string): z.output<T> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new StatsFileError(source, `field "${issue.path.join('.') || '(top level)'}": ${issue.message}; ${remedy}`);
  }
  return result.data;
}

/** The JSON Schema of the stats file (published as schema/stats.schema.json). */
export function statsJsonSchema(): unknown {
  return z.toJSONSchema(snapshotSchema, { io: 'input', target: 'draft-7' });
}

/**
 * The catalog spelling `schema.table` of a name as a migration writes it: unquoted parts
 * fold to lower case, quoted ones keep theirs, and an unqualified name is taken to be in
 * `public`. NOTE: this assumes the default search_path; a migration that sets another one
 * names tables the snapshot may list under a different schema.
 */
export function catalogName(written: string): string {
  const parts: string[] = [];
  const pattern = /\s*(?:"((?:[^"]|"")*)"|([^."\s]+))\s*(?:\.|$)/y;
  let match: RegExpExecArray | null;
  // NOTE: at the end of the text the pattern finds no name (a part has at least one character), so the loop stops there.
  while ((match = pattern.exec(written))) {
    parts.push(match[1] !== undefined ? match[1].replaceAll('""', '"') : match[2]!.toLowerCase());
  }
  const [schema, table] = parts.length >= 2 ? parts.slice(-2) : ['public', parts[0] ?? written];
  return `${schema}.${table}`;
}

/**
 * The name a hashing snapshot stores: `sha256:` and the first 32 hex digits of the catalog
 * name's digest. NOTE: unsalted, so the same table matches across snapshots and PRs; a
 * dictionary of likely names (users, orders) can still be tried against it.
 */
export function hashName(catalog: string): string {
  return `sha256:${sha256().update(catalog).digest('hex').slice(0, 32)}`;
}

/** Looks tables up by the names migrations write (hashed first when the snapshot hashes names). */
export function tableIndex(snapshot: StatsSnapshot): (written: string) => TableStats | undefined {
  const byName = new Map(snapshot.tables.map((t) => [t.name, t]));
  return (written) => {
    const name = catalogName(written);
    return byName.get(snapshot.hashedNames ? hashName(name) : name);
  };
}
