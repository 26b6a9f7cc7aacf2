// PGlite's initial data directory, shipped in dist/ so that replay starts PGlite from it
// instead of running initdb on every run (src/replay/pglite.ts).
//
// NOTE: a dump is not byte-reproducible (initdb writes a random system identifier and the
// time into pg_control and the WAL; the tar holds modification times), so check-dist cannot
// compare a fresh one with the committed one. Instead the manifest next to it records what
// it was made from (the PGlite version and a digest of its wasm and data files), the dump's
// own digest, and a digest of its catalog (relations, functions, types, settings, roles,
// databases, version). The bundle reuses the committed dump while all three still hold and
// makes a new one otherwise; check-dist starts PGlite from the committed dump and from a
// fresh initdb and requires both catalogs to match the manifest.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

export const DATADIR_FILE = 'pglite-datadir.tgz';
export const MANIFEST_FILE = 'pglite-datadir.json';

const require = createRequire(import.meta.url);
const pgliteDist = path.dirname(require.resolve('@electric-sql/pglite'));

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * How the data directory is made, beyond a plain initdb. NOTE: PGlite's start reads the whole
 * directory into memory, and its time grows with the size (BENCHMARKS.md): WAL segments of
 * 1 MB instead of 16 (the size is fixed at initdb), and no template0 (7 MB; replay never
 * connects to it, and a CREATE DATABASE ... TEMPLATE template0 gets it back from the
 * untouched template1: src/replay/pglite.ts). template1 stays, as plain CREATE DATABASE copies it.
 */
const RECIPE = { initdb: ['--wal-segsize=1'], dropped: ['template0'] };

/** What the dump depends on: the recipe, the PGlite version and the files initdb and Postgres run from. */
export function pgliteInputs() {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(RECIPE));
  for (const file of ['pglite.wasm', 'pglite.data', 'initdb.wasm']) hash.update(file).update(readFileSync(path.join(pgliteDist, file)));
  const { version } = JSON.parse(readFileSync(path.join(pgliteDist, '..', 'package.json'), 'utf8'));
  return { pglite: version, inputs: hash.digest('hex') };
}

/**
 * A digest of everything initdb decides that replay can see, without the random parts
 * (object ids, the system identifier, times).
 */
const CATALOG_SQL = `SELECT string_agg(entry, E'\\n' ORDER BY entry) AS catalog FROM (
  SELECT format('relation %s.%s %s %s', n.nspname, c.relname, c.relkind, c.relnatts) AS entry FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  UNION ALL SELECT format('function %s.%s(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  UNION ALL SELECT format('type %s.%s', n.nspname, t.typname) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  UNION ALL SELECT format('setting %s=%s (%s)', name, setting, source) FROM pg_settings WHERE source NOT IN ('default', 'session', 'client')
  UNION ALL SELECT format('role %s %s', rolname, rolsuper) FROM pg_roles
  UNION ALL SELECT format('database %s %s %s %s', datname, pg_encoding_to_char(encoding), datcollate, datctype) FROM pg_database
  UNION ALL SELECT format('extension %s %s', extname, extversion) FROM pg_extension
  UNION ALL SELECT 'version ' || version()
) AS entries`;

async function catalogDigest(pg) {
  const [row] = (await pg.query(CATALOG_SQL)).rows;
  return sha256(row.catalog);
}

/** Runs initdb, applies the recipe and returns the gzipped data directory with its manifest. */
export async function buildDataDir() {
  const pg = await PGlite.create({ initDbStartParams: RECIPE.initdb });
  try {
    for (const database of RECIPE.dropped) {
      await pg.exec(`ALTER DATABASE ${database} IS_TEMPLATE false`);
      await pg.exec(`DROP DATABASE ${database}`);
    }
    await pg.exec('CHECKPOINT');
    const catalog = await catalogDigest(pg);
    const bytes = Buffer.from(await (await pg.dumpDataDir('gzip')).arrayBuffer());
    return { bytes, manifest: { ...pgliteInputs(), dump: sha256(bytes), catalog } };
  } finally {
    await pg.close();
  }
}

/** The catalog digest of PGlite started from `bytes` (a gzipped data directory). */
export async function catalogOfDump(bytes) {
  const pg = await PGlite.create({ loadDataDir: new Blob([bytes], { type: 'application/x-gzip' }) });
  try {
    return await catalogDigest(pg);
  } finally {
    await pg.close();
  }
}

/** Whether `manifest` describes `bytes` and the installed PGlite (the dump can be reused). */
export function isCurrent(bytes, manifest) {
  const current = pgliteInputs();
  return manifest.pglite === current.pglite && manifest.inputs === current.inputs && manifest.dump === sha256(bytes);
}

/** The problems of a committed dump: empty when it is current and its catalog is a fresh initdb's. */
export async function verifyDataDir(bytes, manifest) {
  if (!isCurrent(bytes, manifest)) return [`${DATADIR_FILE} was not made from the installed PGlite, or differs from its manifest`];
  const problems = [];
  const dumped = await catalogOfDump(bytes);
  if (dumped !== manifest.catalog) problems.push(`PGlite started from ${DATADIR_FILE} has a catalog other than its manifest's`);
  const fresh = await buildDataDir();
  if (fresh.manifest.catalog !== manifest.catalog) problems.push(`a fresh initdb has a catalog other than ${DATADIR_FILE}'s`);
  return problems;
}
