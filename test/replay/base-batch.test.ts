/**
 * The base applied in batches (src/replay/base-batch.ts) ends as applying it one statement at
 * a time does: the same failures, the same schema, the same data (sequence values included),
 * on both backends. The reference is a plain loop over the statements in this file, with the
 * semantics replay documents: outside a file's transaction block each statement commits on its
 * own; a failure inside a block rolls it back and the rest runs statement by statement; a
 * block left open is rolled back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config.js';
import type { InputFile } from '../../src/core/migration.js';
import type { ReplayObservations } from '../../src/core/observations.js';
import { checkMigrations } from '../../src/engine.js';
import { runsAlone } from '../../src/replay/base-batch.js';
import { type ReplayDatabase, sqlError } from '../../src/replay/interface.js';
import { replayStage } from '../../src/replay/replay.js';
import { loadParser, parseRegion } from '../../src/core/parse.js';
import { LineIndex } from '../../src/core/source.js';
import { allRules } from '../../src/rules/index.js';
import { BACKENDS, fullRead, migrationRows } from './backends.js';

const config = validateConfig({}, allRules);

/** A base of files (each a list of statements), and a query whose rows both runs must agree on. */
interface Case {
  name: string;
  files: string[][];
  probe: string;
  /** Failures the reference run has (file index and message part): pins the case to what it is about. */
  failures: Array<[number, string]> | ((serverVersion: number) => Array<[number, string]>);
}

const SEEDED = ['CREATE TABLE t (id serial PRIMARY KEY, v int)', 'INSERT INTO t (v) VALUES (1)'];

const CASES: Case[] = [
  {
    name: 'a failure in the middle of a batch: the others apply, sequences hand out the same ids',
    files: [SEEDED, ['INSERT INTO missing VALUES (1)', 'INSERT INTO t (v) VALUES (2)'], ['INSERT INTO t (v) VALUES (3)', 'GRANT SELECT ON t TO no_such_role', 'INSERT INTO t (v) VALUES (4)']],
    probe: 'SELECT id, v FROM t ORDER BY id',
    failures: [
      [1, 'relation "missing" does not exist'],
      [2, 'role "no_such_role" does not exist'],
    ],
  },
  {
    name: 'a deferred foreign key is checked after each statement, as its commit would',
    files: [
      ['CREATE TABLE parent (id int PRIMARY KEY)', 'CREATE TABLE child (parent_id int REFERENCES parent DEFERRABLE INITIALLY DEFERRED)'],
      ['INSERT INTO child VALUES (1)', 'INSERT INTO parent VALUES (1)', 'INSERT INTO child VALUES (1)'],
    ],
    probe: 'SELECT (SELECT count(*) FROM parent) AS parents, (SELECT count(*) FROM child) AS children',
    failures: [[1, 'violates foreign key constraint']],
  },
  {
    name: 'statements that succeed in a block with another effect run alone',
    files: [
      [
        'CREATE SCHEMA other',
        "SET LOCAL search_path = 'other'",
        'CREATE TABLE where_set_local (a int)',
        "SELECT set_config('search_path', 'other', true)",
        'CREATE TABLE where_set_config (a int)',
        'LOCK TABLE where_set_local IN ACCESS EXCLUSIVE MODE',
        'DECLARE c CURSOR FOR SELECT 1',
        'CREATE TEMP TABLE scratch ON COMMIT DROP AS SELECT 1 AS a',
        'CREATE TABLE copied AS SELECT * FROM scratch',
        'PREPARE p AS SELECT 1',
        'SELECT * FROM missing',
        'SET standard_conforming_strings = off',
        "CREATE TABLE escaped AS SELECT 'a\\\\b'::text AS s",
        'SET standard_conforming_strings = on',
      ],
    ],
    probe: "SELECT (SELECT string_agg(n.nspname || '.' || c.relname, ',' ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname IN ('where_set_local', 'where_set_config', 'copied')) AS tables, (SELECT s FROM escaped) AS s",
    failures: [
      [0, 'LOCK TABLE can only be used in transaction blocks'],
      [0, 'DECLARE CURSOR can only be used in transaction blocks'],
      [0, 'relation "scratch" does not exist'],
      [0, 'relation "missing" does not exist'],
    ],
  },
  {
    name: "a file's transaction block: a failure rolls it back and the rest commits statement by statement; a block left open is rolled back",
    files: [
      SEEDED,
      ['BEGIN', 'INSERT INTO t (v) VALUES (10)', 'INSERT INTO missing VALUES (1)', 'INSERT INTO t (v) VALUES (11)', 'COMMIT', 'INSERT INTO t (v) VALUES (12)'],
      ['BEGIN', 'INSERT INTO t (v) VALUES (20)', 'COMMIT'],
      ['BEGIN', 'INSERT INTO t (v) VALUES (30)'],
    ],
    probe: 'SELECT id, v FROM t ORDER BY id',
    failures: [[1, 'relation "missing" does not exist']],
  },
  {
    name: 'statements a block refuses or restricts: CONCURRENTLY, VACUUM, a new enum value used at once',
    files: [
      ['CREATE TABLE t (id int, state text)', "CREATE TYPE mood AS ENUM ('ok')", 'CREATE INDEX CONCURRENTLY t_id_idx ON t (id)', 'VACUUM t', "ALTER TYPE mood ADD VALUE 'sad'", "CREATE TABLE moods AS SELECT 'sad'::mood AS m", 'INSERT INTO t VALUES (1)'],
    ],
    probe: 'SELECT (SELECT count(*) FROM t) AS n, (SELECT m::text FROM moods) AS m',
    failures: [],
  },
  {
    name: 'several batches, with failures in the later ones',
    files: Array.from({ length: 6 }, (_, file) => [
      ...(file === 0 ? SEEDED : []),
      ...Array.from({ length: 45 }, (_, i) => (i === 30 && file > 2 ? `INSERT INTO missing_${file} VALUES (${i})` : `INSERT INTO t (v) VALUES (${file * 100 + i})`)),
    ]),
    probe: 'SELECT count(*) AS n, sum(id) AS ids, sum(v) AS vs FROM t',
    failures: [
      [3, 'relation "missing_3" does not exist'],
      [4, 'relation "missing_4" does not exist'],
      [5, 'relation "missing_5" does not exist'],
    ],
  },
  {
    name: 'after a failed batch, statements committed one by one in one round trip: errors, their lines, and a syntax error only the server sees',
    files: [
      SEEDED,
      [
        'INSERT INTO missing VALUES (1)',
        'INSERT INTO t (v) VALUES (2)',
        'SELECT 1\n  , no_such_column\n  FROM t',
        'INSERT INTO t (v) VALUES (3)',
        // NOTE: numeric literals with underscores are Postgres 16 syntax: a syntax error on a
        // Postgres 15 server (the whole text fails before it runs), valid on PGlite.
        'CREATE TABLE big AS SELECT 1_000 AS n',
        'INSERT INTO t (v) VALUES (4)',
        'INSERT INTO t (v) VALUES (5)',
      ],
    ],
    probe: "SELECT (SELECT string_agg(id || ':' || v, ',' ORDER BY id) FROM t) AS rows, to_regclass('big') IS NOT NULL AS big",
    failures: (serverVersion) => [
      [1, 'relation "missing" does not exist'],
      [1, 'column "no_such_column" does not exist'],
      ...(serverVersion < 16 ? ([[1, 'at or near']] as Array<[number, string]>) : []),
    ],
  },
];

const fileText = (statements: string[]) => statements.map((s) => `${s};\n`).join('');
const pathOf = (file: number) => `migrations/${String(file + 1).padStart(3, '0')}_base.up.sql`;

/** The reference: one statement per round trip, the semantics in the header. */
async function oneByOne(db: ReplayDatabase, files: string[][]): Promise<Array<[number, string, number]>> {
  await db.reset();
  const failures: Array<[number, string, number]> = [];
  for (const [file, statements] of files.entries()) {
    let inBlock = false;
    for (const [index, sql] of statements.entries()) {
      if (sql === 'BEGIN') {
        await db.exec(sql);
        inBlock = true;
      } else if (sql === 'COMMIT') {
        if (inBlock) await db.exec(sql);
        inBlock = false;
      } else {
        try {
          await db.exec(sql);
        } catch (caught) {
          // The line Postgres points at: the statement's first line, plus the lines before the error position.
          const error = sqlError(caught);
          const before = fileText(statements.slice(0, index)).split('\n').length;
          const within = error.position === undefined ? 0 : (Array.from(sql).slice(0, error.position - 1).join('').match(/\n/g)?.length ?? 0);
          failures.push([file, error.message, before + within]);
          if (inBlock) await db.exec('ROLLBACK');
          inBlock = false;
        }
      }
    }
    if (inBlock) await db.exec('ROLLBACK');
  }
  return failures;
}

/** The base through the replay stage (with one new migration, so that it runs), counting round trips. */
async function batched(db: ReplayDatabase, files: string[][]): Promise<{ observations: ReplayObservations; roundTrips: number }> {
  let roundTrips = 0;
  const counting = new Proxy(db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property !== 'exec' && property !== 'query') return value;
      return (sql: string) => {
        roundTrips++;
        return (value as (sql: string) => Promise<unknown>).call(target, sql);
      };
    },
  });
  const inputs: InputFile[] = [...files.map((statements, file): InputFile => ({ path: pathOf(file), text: fileText(statements), change: 'unchanged' })), { path: 'migrations/999_new.up.sql', text: 'SELECT 1;\n', change: 'added' }];
  const stage = replayStage(config, { database: counting });
  let observations: ReplayObservations | undefined;
  await checkMigrations(inputs, config, { replay: async (changeSet) => (observations = await stage(changeSet)) });
  return { observations: observations!, roundTrips };
}

describe.each(BACKENDS.map((b) => [b.name, b] as const))('the base in batches on %s', (_name, backend) => {
  let db: ReplayDatabase;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await backend.open());
  });
  afterAll(async () => {
    await close?.();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_caseName, { files, probe, failures: expected }) => {
    const failures = typeof expected === 'function' ? expected(db.serverVersion) : expected;
    const { observations } = await batched(db, files);
    const batchedSchema = await fullRead(db);
    const batchedRows = await migrationRows(db, probe);

    const reference = await oneByOne(db, files);
    for (const [file, message] of failures) expect(reference.some(([f, m]) => f === file && m.includes(message)), `${file}: ${message}`).toBe(true);
    expect(reference).toHaveLength(failures.length);
    expect(batchedRows).toEqual(await migrationRows(db, probe));
    expect(batchedSchema).toEqual(await fullRead(db));

    const firstPerFile = reference.filter(([file], i) => reference.findIndex(([f]) => f === file) === i);
    expect(observations.summary).toMatchObject({ baseFiles: files.length, baseFailures: reference.length, baseFailedFiles: firstPerFile.length });
    expect(observations.notices.filter((n) => n.messageId === 'baseFailed').map((n) => [n.file, n.data.error, n.data.line])).toEqual(firstPerFile.map(([file, message, line]) => [pathOf(file), message, line]));
  });

  it('sends a clean base in a few round trips, not one per statement', async () => {
    const files = Array.from({ length: 20 }, (_, file) => [`CREATE TABLE t_${file} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v int)`, ...Array.from({ length: 14 }, (_, i) => `INSERT INTO t_${file} (v) VALUES (${i})`)]);
    const { observations, roundTrips } = await batched(db, files);
    expect(observations.summary).toMatchObject({ baseStatements: 300, baseFailures: 0 });
    // 300 statements in 2 batches; the rest is the reset, the new migration's trace and sequence reads.
    expect(roundTrips).toBeLessThan(30);
  });
});

describe('runsAlone', () => {
  beforeAll(() => loadParser());
  const statementOf = (sql: string) => parseRegion(new LineIndex(sql), 0, sql.length, 'up').statements[0]!;
  it.each([
    ["SET LOCAL lock_timeout = '1s'", true],
    ["SET search_path = 'x'", true],
    ['LOCK TABLE t', true],
    ["SELECT set_config('a.b', 'c', true)", true],
    ['CREATE TEMP TABLE x (a int) ON COMMIT DROP', true],
    ['CREATE TEMP TABLE x ON COMMIT DELETE ROWS AS SELECT 1', true],
    ['CREATE INDEX CONCURRENTLY i ON t (a)', true],
    ["ALTER TYPE mood ADD VALUE 'x'", true],
    ['DO $$ BEGIN COMMIT; END $$', true],
    ['CALL p()', true],
    ['CREATE TEMP TABLE x (a int)', false],
    ['CREATE TABLE x (a int)', false],
    ['INSERT INTO t VALUES (1)', false],
    ['CREATE INDEX i ON t (a)', false],
  ] as const)('%s: %s', (sql, alone) => {
    expect(runsAlone(statementOf(sql))).toBe(alone);
  });
});
