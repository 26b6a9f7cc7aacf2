/**
 * PGlite started from the data directory shipped in dist/ (scripts/pglite-datadir.mjs): it has
 * no template0 and 1 MB WAL segments, so that it starts faster, and still runs what a new
 * cluster runs.
 */
import { describe, expect, it } from 'vitest';
import { openPglite } from '../../src/replay/pglite.js';
import { migrationRows } from './backends.js';

describe('PGlite from the shipped data directory', () => {
  it('runs CREATE DATABASE from either template (template0 is made again on first need)', async () => {
    await using db = await openPglite();
    expect(await db.query("SELECT datname FROM pg_database WHERE datname LIKE 'template%' ORDER BY datname")).toEqual([{ datname: 'template1' }]);
    await db.exec('CREATE DATABASE from_template1');
    await db.exec('CREATE DATABASE from_template0 TEMPLATE template0');
    await db.exec('CREATE DATABASE again_from_template0 TEMPLATE template0');
    expect(await db.query("SELECT datname, datistemplate, datallowconn FROM pg_database WHERE datname = 'template0'")).toEqual([{ datname: 'template0', datistemplate: true, datallowconn: false }]);
    await expect(db.exec('CREATE DATABASE from_missing TEMPLATE no_such_template')).rejects.toThrow('template database "no_such_template" does not exist');
  });

  it('creates every contrib extension it ships, from a statement that names it, and their libraries load', async () => {
    await using db = await openPglite();
    // One statement per extension, as migrations write them (quoted, IF NOT EXISTS, CASCADE, inside DO).
    await db.exec('CREATE EXTENSION IF NOT EXISTS "uuid-ossp"');
    await db.exec('CREATE EXTENSION earthdistance CASCADE');
    await db.exec("DO $$ BEGIN EXECUTE 'CREATE EXTENSION pgcrypto'; END $$");
    // A C function that names a library of one (no CREATE EXTENSION in the statement).
    await db.exec("CREATE FUNCTION my_soundex(text) RETURNS text AS '$libdir/fuzzystrmatch', 'soundex' LANGUAGE C IMMUTABLE STRICT");
    expect(await migrationRows(db, "SELECT my_soundex('Robert') AS code")).toEqual([{ code: 'R163' }]);
    for (const name of ['btree_gin', 'btree_gist', 'citext', 'fuzzystrmatch', 'hstore', 'intarray', 'ltree', 'pg_trgm', 'tablefunc', 'unaccent']) await db.exec(`CREATE EXTENSION ${name}`);
    expect((await db.query<{ extname: string }>('SELECT extname FROM pg_extension ORDER BY extname')).map((r) => r.extname)).toEqual(
      ['btree_gin', 'btree_gist', 'citext', 'cube', 'earthdistance', 'fuzzystrmatch', 'hstore', 'intarray', 'ltree', 'pg_trgm', 'pgcrypto', 'plpgsql', 'tablefunc', 'unaccent', 'uuid-ossp'],
    );
    const [row] = await migrationRows(
      db,
      "SELECT 'Ab'::citext = 'aB'::citext AS citext, length(gen_random_bytes(4)) AS pgcrypto, uuid_generate_v4() IS NOT NULL AS uuid, similarity('abc', 'abd') > 0 AS trgm, levenshtein('a', 'b') AS fuzzy, ('a=>1'::hstore) -> 'a' AS hstore, unaccent('é') AS unaccent, nlevel('a.b'::ltree) AS ltree, earth_distance(ll_to_earth(0, 0), ll_to_earth(0, 0)) AS earth",
    );
    expect(row).toEqual({ citext: true, pgcrypto: 4, uuid: true, trgm: true, fuzzy: 1, hstore: '1', unaccent: 'e', ltree: 2, earth: 0 });
  });

  it('a database started from a saved base has the libraries of the extensions it holds', async () => {
    let dump: Uint8Array;
    {
      await using db = await openPglite();
      await db.exec('CREATE EXTENSION citext');
      await db.exec("CREATE TABLE people (email citext); INSERT INTO people VALUES ('A@x')");
      dump = (await db.save())!.dump;
    }
    await using restored = await openPglite(new Blob([dump], { type: 'application/x-gzip' }));
    expect(await migrationRows(restored, "SELECT count(*)::int AS n FROM people WHERE email = 'a@X'")).toEqual([{ n: 1 }]);
  });

  it('has WAL segments of 1 MB', async () => {
    await using db = await openPglite();
    expect(await db.query("SELECT current_setting('wal_segment_size') AS size")).toEqual([{ size: '1MB' }]);
  });
});
