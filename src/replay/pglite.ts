/**
 * PGlite: PostgreSQL compiled to WebAssembly, in this process, with an in-memory data
 * directory. The default replay database: nothing to install or start.
 */
import { existsSync } from 'node:fs';
import { type Extension, PGlite, type PGliteInterface } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { cube } from '@electric-sql/pglite/contrib/cube';
import { earthdistance } from '@electric-sql/pglite/contrib/earthdistance';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { hstore } from '@electric-sql/pglite/contrib/hstore';
import { intarray } from '@electric-sql/pglite/contrib/intarray';
import { ltree } from '@electric-sql/pglite/contrib/ltree';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { tablefunc } from '@electric-sql/pglite/contrib/tablefunc';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { RESET_SQL, type ReplayDatabase, SESSION_SQL } from './interface.js';

/**
 * A fresh data directory, dumped from the second instance this process starts.
 * NOTE: initdb dominates PGlite's start (about 5 s on two busy cores; from a dump, under
 * 1 s). A single CLI run starts one instance and should not pay for the dump; a process
 * that starts a second one (tests, the action checking several directories) probably
 * starts more.
 */
let template: Promise<Blob> | undefined;
let started = 0;

/**
 * The contrib extensions migrations commonly create. NOTE: each is unpacked only when a
 * migration runs CREATE EXTENSION, so offering them costs nothing at start.
 */
const CONTRIB: Record<string, Extension> = { btree_gin, btree_gist, citext, cube, earthdistance, fuzzystrmatch, hstore, intarray, ltree, pg_trgm, pgcrypto, tablefunc, unaccent, uuid_ossp };

let extensions: Promise<Record<string, Extension>> | undefined;

/**
 * The contrib extensions whose bundle file is present. NOTE: PGlite reads a bundle in a
 * promise nobody awaits, so a missing one (a bundle that did not copy it) would crash the
 * process with an unhandled rejection; without it, CREATE EXTENSION fails and is a notice.
 */
function availableExtensions(): Promise<Record<string, Extension>> {
  extensions ??= (async () => {
    const present: Record<string, Extension> = {};
    for (const [name, extension] of Object.entries(CONTRIB)) {
      // NOTE: the contrib setups only compute their bundle's URL; they use neither argument.
      const { bundlePath } = await extension.setup({} as PGliteInterface, {});
      if (bundlePath && existsSync(bundlePath)) present[name] = extension;
    }
    return present;
  })();
  return extensions;
}

async function create(): Promise<PGlite> {
  const available = await availableExtensions();
  if (template) return PGlite.create({ loadDataDir: await template, extensions: available });
  const pg = await PGlite.create({ extensions: available });
  if (++started === 2) {
    template = pg.dumpDataDir('none');
    await template.catch(() => (template = undefined));
  }
  return pg;
}

/** Starts an in-memory PGlite. */
export async function openPglite(): Promise<ReplayDatabase> {
  const pg = await create();
  try {
    await pg.exec(SESSION_SQL);
    const [row] = (await pg.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows;
    const serverVersion = Math.floor(Number(row?.v) / 10_000);
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await pg.close();
    };
    return {
      kind: 'pglite',
      serverVersion,
      exec: async (sql) => {
        await pg.exec(sql);
      },
      query: async <Row extends object>(sql: string) => (await pg.query<Row>(sql)).rows,
      reset: async () => {
        await pg.exec(RESET_SQL);
      },
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await pg.close();
    throw error;
  }
}
