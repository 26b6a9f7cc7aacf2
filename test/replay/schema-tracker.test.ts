/**
 * SchemaTracker (src/replay/snapshot.ts) reads again only what changed since its last read.
 * The property: after any sequence of schema changes, what it holds is what a full read
 * (a new tracker's first) returns. The statements below touch a few shared names, so that renames,
 * cascades, dependent views, foreign keys, defaults, types, functions, triggers, schemas and
 * extensions meet each other; many fail (the object is missing or exists), as in a real history.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/replay/pglite.js';
import type { ReplayDatabase } from '../../src/replay/interface.js';
import { SchemaTracker } from '../../src/replay/snapshot.js';
import { fullRead } from './backends.js';
import { fuzzParameters, fuzzTimeout } from '../fuzz/support.js';

const STATEMENTS = [
  'CREATE TABLE a (id int PRIMARY KEY, v text, n int DEFAULT 0)',
  'CREATE TABLE b (id serial PRIMARY KEY, a_id int REFERENCES a, w text)',
  'CREATE TABLE other.c (id int PRIMARY KEY, a_id int)',
  'CREATE SCHEMA other',
  'ALTER SCHEMA other RENAME TO renamed',
  'ALTER SCHEMA renamed RENAME TO other',
  'DROP SCHEMA other CASCADE',
  'ALTER TABLE a RENAME TO a2',
  'ALTER TABLE a2 RENAME TO a',
  'ALTER TABLE a RENAME COLUMN v TO v2',
  'ALTER TABLE a RENAME COLUMN v2 TO v',
  'ALTER TABLE a ADD COLUMN extra mood',
  'ALTER TABLE a DROP COLUMN extra',
  'ALTER TABLE a ALTER COLUMN n SET DEFAULT 7',
  'ALTER TABLE a ALTER COLUMN n DROP DEFAULT',
  'ALTER TABLE a ALTER COLUMN v SET NOT NULL',
  'ALTER TABLE a ALTER COLUMN v TYPE varchar(20)',
  'ALTER TABLE b ADD CONSTRAINT b_w_check CHECK (w <> \'\')',
  'ALTER TABLE b DROP CONSTRAINT b_w_check',
  'ALTER TABLE b DROP CONSTRAINT b_a_id_fkey',
  'ALTER TABLE b ADD CONSTRAINT b_a_id_fkey FOREIGN KEY (a_id) REFERENCES a NOT VALID',
  'ALTER TABLE b VALIDATE CONSTRAINT b_a_id_fkey',
  'ALTER TABLE a ADD CONSTRAINT a_v_key UNIQUE (v)',
  'ALTER TABLE a DROP CONSTRAINT a_v_key',
  'CREATE INDEX b_w_idx ON b (w)',
  'CREATE INDEX CONCURRENTLY b_lower_w_idx ON b (lower(w))',
  'DROP INDEX CONCURRENTLY b_lower_w_idx',
  'ALTER INDEX b_w_idx RENAME TO b_w_index',
  'DROP INDEX b_w_index',
  'CREATE VIEW v_ab AS SELECT a.v, b.w FROM a JOIN b ON b.a_id = a.id',
  'CREATE OR REPLACE VIEW v_ab AS SELECT a.v, b.w, a.n FROM a JOIN b ON b.a_id = a.id',
  'DROP TABLE b CASCADE',
  'DROP TABLE a CASCADE',
  'DROP VIEW v_ab',
  "CREATE TYPE mood AS ENUM ('ok', 'sad')",
  "ALTER TYPE mood ADD VALUE 'happy'",
  "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'",
  'ALTER TYPE mood RENAME TO feeling',
  'ALTER TYPE feeling RENAME TO mood',
  'DROP TYPE mood CASCADE',
  'CREATE DOMAIN positive AS int CHECK (VALUE > 0)',
  'ALTER DOMAIN positive ADD CONSTRAINT positive_small CHECK (VALUE < 1000)',
  'ALTER DOMAIN positive DROP CONSTRAINT positive_small',
  'ALTER TABLE a ADD COLUMN p positive',
  'CREATE TYPE pair AS (x int, y int)',
  'ALTER TYPE pair ADD ATTRIBUTE z int',
  'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$',
  'CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.w := lower(NEW.w); RETURN NEW; END $$',
  'ALTER FUNCTION touch() RENAME TO touch2',
  'ALTER FUNCTION touch2() RENAME TO touch',
  'CREATE TRIGGER b_touch BEFORE INSERT ON b FOR EACH ROW EXECUTE FUNCTION touch()',
  'DROP TRIGGER b_touch ON b',
  'CREATE FUNCTION next_n() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
  'ALTER TABLE a ALTER COLUMN n SET DEFAULT next_n()',
  'ALTER FUNCTION next_n() RENAME TO next_number',
  'CREATE SEQUENCE s OWNED BY a.n',
  'ALTER SEQUENCE s INCREMENT BY 5',
  'ALTER TABLE other.c SET SCHEMA public',
  'ALTER TABLE c SET SCHEMA other',
  'CREATE TABLE parted (id int, at date) PARTITION BY RANGE (at)',
  "CREATE TABLE parted_2026 PARTITION OF parted FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
  'ALTER TABLE parted DETACH PARTITION parted_2026',
  "ALTER TABLE parted ATTACH PARTITION parted_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
  'CREATE EXTENSION citext',
  'DROP EXTENSION citext CASCADE',
  'ALTER TABLE a ADD COLUMN email citext',
  'CREATE MATERIALIZED VIEW mv AS SELECT id FROM a',
  'GRANT SELECT ON a TO PUBLIC',
  "COMMENT ON TABLE a IS 'note'",
  'INSERT INTO a (id, v) VALUES (1, \'x\')',
  'SET search_path = other, public',
  'RESET search_path',
  'VACUUM a',
  'VACUUM FREEZE',
  'DEALLOCATE ALL',
  'DISCARD ALL',
] as const;

describe('SchemaTracker', () => {
  let db: ReplayDatabase;
  beforeAll(async () => {
    db = await openPglite();
  });
  afterAll(async () => {
    await db.close();
  });

  it(
    'holds what a full read returns after any sequence of changes',
    async () => {
      let reads = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(fc.constantFrom(...STATEMENTS), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }), async (steps) => {
          await db.reset();
          const tracker = new SchemaTracker(db);
          expect(await tracker.current()).toEqual(await fullRead(db));
          for (const statements of steps) {
            for (const sql of statements) await db.exec(sql).catch(() => undefined);
            reads++;
            expect(await tracker.current()).toEqual(await fullRead(db));
          }
        }),
        fuzzParameters(40),
      );
      expect(reads).toBeGreaterThan(80);
    },
    fuzzTimeout(40, 1000),
  );

  /** Changes that write none of their owner's own rows, or change how other owners print. */
  it.each([
    ['a foreign key dropped (only its constraint and trigger rows go)', ['CREATE TABLE a (id int PRIMARY KEY)', 'CREATE TABLE b (a_id int REFERENCES a)'], ['ALTER TABLE b DROP CONSTRAINT b_a_id_fkey']],
    ['a trigger dropped', ['CREATE TABLE b (w text)', 'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$', 'CREATE TRIGGER b_touch BEFORE INSERT ON b FOR EACH ROW EXECUTE FUNCTION touch()'], ['DROP TRIGGER b_touch ON b']],
    ['a referenced table renamed (views and foreign keys print its name)', ['CREATE TABLE a (id int PRIMARY KEY)', 'CREATE TABLE b (a_id int REFERENCES a)', 'CREATE VIEW v AS SELECT id FROM a'], ['ALTER TABLE a RENAME TO a2']],
    ['a schema renamed (every key in it)', ['CREATE SCHEMA s', 'CREATE TABLE s.t (id int PRIMARY KEY)', "CREATE TYPE s.e AS ENUM ('x')", 'CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$'], ['ALTER SCHEMA s RENAME TO s2']],
    ['a type renamed (columns print it)', ["CREATE TYPE e AS ENUM ('x')", 'CREATE TABLE t (v e)'], ['ALTER TYPE e RENAME TO e2']],
    ['a function renamed (defaults and triggers print it)', ['CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$', 'CREATE TABLE t (v int DEFAULT f())'], ['ALTER FUNCTION f() RENAME TO g']],
  ] as const)('%s', async (_name, setup, change) => {
    await db.reset();
    for (const sql of setup) await db.exec(sql);
    const tracker = new SchemaTracker(db);
    const before = await tracker.current();
    for (const sql of change) await db.exec(sql);
    const after = await tracker.current();
    expect(after).toEqual(await fullRead(db));
    expect(after).not.toEqual(before);
  });

  it('reads the same schema whatever search_path a migration sets (names print as seen from pg_catalog)', async () => {
    await db.reset();
    for (const sql of ['CREATE SCHEMA s', 'CREATE TABLE s.t (id int PRIMARY KEY)', "CREATE TYPE s.e AS ENUM ('x')", 'CREATE TABLE u (id int REFERENCES s.t (id), v s.e)']) await db.exec(sql);
    const tracker = new SchemaTracker(db);
    const before = await tracker.current();
    expect(before.get('column u.v')?.definition).toBe('s.e');
    await db.exec('SET search_path = s, public');
    expect(await tracker.current()).toEqual(before);
    expect(await fullRead(db)).toEqual(before);
    await db.exec('RESET search_path');
  });
});
