/**
 * PGlite started from the data directory shipped in dist/ (scripts/pglite-datadir.mjs): it has
 * no template0 and 1 MB WAL segments, so that it starts faster, and still runs what a new
 * cluster runs.
 */
import { describe, expect, it } from 'vitest';
import { openPglite } from '../../src/replay/pglite.js';

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

  it('has WAL segments of 1 MB', async () => {
    await using db = await openPglite();
    expect(await db.query("SELECT current_setting('wal_segment_size') AS size")).toEqual([{ size: '1MB' }]);
  });
});
