/**
 * PGlite: PostgreSQL compiled to WebAssembly, in this process, with an in-memory data
 * directory. The default replay database: nothing to install or start.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
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
import { GUARDED_RESULT, guarded, RESET_SQL, type ReplayDatabase, SESSION_SQL } from './interface.js';

/** The contrib extensions migrations commonly create (their bundles are copied next to the bundle in dist/). */
const CONTRIB: readonly Extension[] = [btree_gin, btree_gist, citext, cube, earthdistance, fuzzystrmatch, hstore, intarray, ltree, pg_trgm, pgcrypto, tablefunc, unaccent, uuid_ossp];

/** A contrib bundle: its file, and a pattern that finds the extension's name as a word in SQL. */
interface Bundle {
  url: URL;
  named: RegExp;
}

let bundles: Promise<ReadonlyMap<string, Bundle>> | undefined;

/**
 * The contrib bundles present, by extension name (`uuid-ossp`: the bundle's file name). NOTE:
 * a missing bundle (a build that did not copy it) only makes CREATE EXTENSION fail, a notice.
 */
function contribBundles(): Promise<ReadonlyMap<string, Bundle>> {
  bundles ??= (async () => {
    const present = new Map<string, Bundle>();
    for (const extension of CONTRIB) {
      // NOTE: the contrib setups only compute their bundle's URL; they use neither argument.
      const { bundlePath } = await extension.setup({} as PGliteInterface, {});
      if (!bundlePath || !existsSync(bundlePath)) continue;
      const name = bundlePath.pathname.split('/').pop()!.replace(/\.tar\.gz$/, '');
      present.set(name, { url: bundlePath, named: new RegExp(`(^|[^\\w-])${name}([^\\w-]|$)`, 'i') });
    }
    return present;
  })();
  return bundles;
}

/** PGlite's Emscripten module, which its typings leave out: the file system the server reads. */
interface EmscriptenModule {
  WASM_PREFIX: string;
  FS: { analyzePath(path: string): { exists: boolean }; mkdirTree(path: string): void; writeFile(path: string, data: Uint8Array): void };
}

/**
 * The contrib extensions' files in one PGlite's file system, written when a statement is about
 * to need them. NOTE: PGlite's own `extensions` option unpacks every listed bundle and compiles
 * its library at start, about 140 ms for these 14 whether or not a migration creates one
 * (BENCHMARKS.md). Postgres reads an extension's control file and scripts at CREATE EXTENSION
 * and loads its library when a function of it first runs, so the files are written just
 * before a statement that names the extension, and, for a database started from a saved base,
 * those of the extensions it has. test/replay/pglite.test.ts creates each extension, so a
 * PGlite whose file system changes fails there.
 */
class ContribFiles {
  private readonly written = new Set<string>();

  constructor(private readonly pg: PGlite) {}

  /** Writes the files of every extension `sql` names (with the word `extension`, or `$libdir` for a C function's library, in it). */
  async forStatement(sql: string): Promise<void> {
    if (!/extension|\$libdir/i.test(sql)) return;
    for (const [name, { named }] of await contribBundles()) {
      if (!this.written.has(name) && named.test(sql)) await this.write(name);
    }
  }

  /** Writes the files of the extensions the database has (a saved base). */
  async forInstalled(): Promise<void> {
    for (const { extname } of (await this.pg.query<{ extname: string }>('SELECT extname FROM pg_extension')).rows) await this.write(extname);
  }

  /** Writes one extension's files and those of the extensions its control file requires. */
  private async write(name: string): Promise<void> {
    const bundle = (await contribBundles()).get(name)?.url;
    if (!bundle || this.written.has(name)) return;
    this.written.add(name);
    const mod = (this.pg as unknown as { mod: EmscriptenModule }).mod;
    const required: string[] = [];
    for (const file of untar(gunzipSync(await readFile(bundle)))) {
      const target = `${mod.WASM_PREFIX}/${file.name}`;
      const dir = target.slice(0, target.lastIndexOf('/'));
      if (!mod.FS.analyzePath(dir).exists) mod.FS.mkdirTree(dir);
      mod.FS.writeFile(target, file.data);
      if (file.name.endsWith('.control')) required.push(...(/^\s*requires\s*=\s*'([^']*)'/m.exec(Buffer.from(file.data).toString('utf8'))?.[1]?.split(/\s*,\s*/) ?? []));
    }
    for (const other of required) await this.write(other);
  }
}

/** The regular files of a tar archive (PGlite's bundles: plain ustar entries). */
function untar(archive: Uint8Array): Array<{ name: string; data: Uint8Array }> {
  const files: Array<{ name: string; data: Uint8Array }> = [];
  const text = (from: number, length: number) => Buffer.from(archive.subarray(from, from + length)).toString('utf8').replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= archive.length; ) {
    const name = text(at, 100);
    if (name === '') break;
    const size = parseInt(text(at + 124, 12).trim() || '0', 8);
    const prefix = text(at + 345, 155);
    if (text(at + 156, 1) === '0' || text(at + 156, 1) === '') files.push({ name: prefix ? `${prefix}/${name}` : name, data: archive.subarray(at + 512, at + 512 + size) });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
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
  const loadDataDir = dataDir ?? (await shippedDataDir());
  return PGlite.create(loadDataDir ? { loadDataDir } : {});
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
    const contrib = new ContribFiles(pg);
    await contrib.forInstalled();
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
        await contrib.forStatement(sql);
        try {
          await pg.exec(sql);
        } catch (error) {
          if (!(await madeTemplate0(pg, error))) throw error;
          await pg.exec(sql);
        }
      },
      // NOTE: migrations run through exec; query is replay's own SQL.
      query: async <Row extends object>(sql: string) => (await pg.exec(guarded(sql)))[GUARDED_RESULT]!.rows as Row[],
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
