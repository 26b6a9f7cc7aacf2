/**
 * PGlite: PostgreSQL compiled to WebAssembly, in this process, with an in-memory data
 * directory. The default replay database: nothing to install or start.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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

/**
 * The data directory initdb makes, shipped in dist/ (scripts/pglite-datadir.mjs; from the
 * sources, the committed dist/'s). NOTE: initdb is most of PGlite's start (BENCHMARKS.md);
 * every database starts from this dump instead. Read once per thread; undefined when the
 * file is missing, and then each start runs initdb.
 */
let initialDataDir: Promise<Blob | undefined> | undefined;

function shippedDataDir(): Promise<Blob | undefined> {
  const url = import.meta.url.endsWith('.ts') ? new URL('../../dist/pglite-datadir.tgz', import.meta.url) : new URL('./pglite-datadir.tgz', import.meta.url);
  initialDataDir ??= readFile(url).then(
    (bytes) => new Blob([bytes], { type: 'application/x-gzip' }),
    () => undefined,
  );
  return initialDataDir;
}

/** Where PGlite's files are: next to the bundle in dist/ (scripts/bundle.mjs copies them), or in its package. */
function pgliteFile(name: string): URL {
  return import.meta.url.endsWith('.ts') ? new URL(name, import.meta.resolve('@electric-sql/pglite')) : new URL(name, import.meta.url);
}

let buildDigest: Promise<string> | undefined;

/**
 * A digest of the PGlite build that runs here (its WebAssembly and its data files: the
 * Postgres binary and its share directory), for the base cache's key. NOTE: read from the
 * files, so that the key is known before PGlite starts (pglite-worker.ts, `open`).
 */
export function pgliteBuildDigest(): Promise<string> {
  buildDigest ??= (async () => {
    const hash = createHash('sha256');
    for (const name of ['pglite.wasm', 'pglite.data']) hash.update(`\0${name}\0`).update(await readFile(pgliteFile(name)));
    return hash.digest('hex');
  })();
  return buildDigest;
}

/** Starts PGlite from `dataDir` (a gzipped data directory dump), or from the shipped one. */
async function create(dataDir?: Blob): Promise<PGlite> {
  const extensions = await availableExtensions();
  const loadDataDir = dataDir ?? (await shippedDataDir());
  return PGlite.create(loadDataDir ? { loadDataDir, extensions } : { extensions });
}

/** PGlite as a ReplayDatabase, with what the base cache needs (pglite-worker.ts). */
export interface PgliteDatabase extends ReplayDatabase {
  /**
   * The data directory (gzipped) and the `SET` commands that give a new session this one's
   * settings; undefined when the session holds state a dump cannot carry (temporary tables,
   * prepared statements, cursors held open).
   */
  save(): Promise<{ dump: Uint8Array; session: string[] } | undefined>;
}

/** Session state a data directory does not hold: while any exists, the database is not saved. */
const UNSAVED_STATE_SQL = `SELECT (SELECT count(*) FROM pg_class WHERE relpersistence = 't') + (SELECT count(*) FROM pg_prepared_statements) + (SELECT count(*) FROM pg_cursors WHERE is_holdable) AS n`;
/** The settings this session changed, as commands that change them the same way. */
const SESSION_SETTINGS_SQL = `SELECT format('SELECT set_config(%L, %L, false)', name, setting) AS sql FROM pg_settings WHERE source = 'session' ORDER BY name`;

/**
 * Makes template0 when `error` says it is missing; whether it did. NOTE: the shipped data
 * directory has none (scripts/pglite-datadir.mjs: PGlite starts faster without it). It is
 * made on first need from template1, which is what template0 is on a new cluster: replay
 * changes only its own database.
 */
async function madeTemplate0(pg: PGlite, error: unknown): Promise<boolean> {
  if ((error as Error).message !== 'template database "template0" does not exist') return false;
  await pg.exec('CREATE DATABASE template0 TEMPLATE template1 IS_TEMPLATE true ALLOW_CONNECTIONS false');
  return true;
}

/** Starts an in-memory PGlite, from `dataDir` (a saved base) or the shipped initial data directory. */
export async function openPglite(dataDir?: Blob): Promise<PgliteDatabase> {
  const pg = await create(dataDir);
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
        try {
          await pg.exec(sql);
        } catch (error) {
          if (!(await madeTemplate0(pg, error))) throw error;
          await pg.exec(sql);
        }
      },
      query: async <Row extends object>(sql: string) => (await pg.query<Row>(sql)).rows,
      reset: async () => {
        await pg.exec(RESET_SQL);
      },
      // NOTE: this thread's database has no cache; the worker's (pglite-thread.ts) has.
      restoreOrBuild: (_key, build) => build(),
      save: async () => {
        const [unsaved] = (await pg.query<{ n: number }>(UNSAVED_STATE_SQL)).rows;
        if (Number(unsaved?.n) > 0) return undefined;
        const session = (await pg.query<{ sql: string }>(SESSION_SETTINGS_SQL)).rows.map((r) => r.sql);
        const dump = new Uint8Array(await (await pg.dumpDataDir('gzip')).arrayBuffer());
        return { dump, session };
      },
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await pg.close();
    throw error;
  }
}
