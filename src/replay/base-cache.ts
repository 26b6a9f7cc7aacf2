/**
 * The base schema cache: the database after replaying the earlier migrations (or the schema
 * file), saved with what that replay reported, so that the next check on the same base
 * restores it instead of replaying every earlier migration again.
 *
 * NOTE: the base replay is the largest cost of a replay on a long history (BENCHMARKS.md) and
 * is the same on every run until the base changes. A stale entry must be impossible, so the
 * key is a digest of everything the result depends on: the base files' paths and contents,
 * the whole configuration, the database (kind, server version and
 * `version()`, which names PGlite's build) and this program (a digest of the running bundle,
 * or of the sources). Entries are files named by their key, written atomically, in one
 * directory that keeps the most recent MAX_ENTRIES.
 */
import type { Hash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Config } from '../core/config.js';

/** A SHA-256 hash. NOTE: node:crypto loads on first use (see core/gate.ts): most runs never replay. */
function sha256(): Hash {
  return (createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).createHash('sha256');
}

/** Entries kept; older ones are deleted when a new one is saved. */
const MAX_ENTRIES = 8;

/** An earlier migration as the base replay runs it: its up file and the statements run from it. */
export interface BaseFile {
  path: string;
  text: string;
  statements: readonly { startOffset: number; endOffset: number }[];
}

/** The part of the key replay knows: the configuration and the earlier migrations in replay order. */
export function baseKey(config: Config, files: readonly BaseFile[]): string {
  const hash = sha256().update(JSON.stringify(config));
  hash.update(`\0${files.length}`);
  // NOTE: lengths first, so no two different lists of paths and texts hash the same bytes.
  for (const file of files) {
    const statements = file.statements.map((s) => `${s.startOffset}-${s.endOffset}`).join(',');
    hash.update(`\0${file.path.length}:${file.path}\0${statements}\0${file.text.length}:`).update(file.text);
  }
  return hash.digest('hex');
}

/** The whole key: replay's part, the database's identity and this program's. */
export function entryKey(base: string, database: string, program: string): string {
  return sha256().update(JSON.stringify([base, database, program])).digest('hex');
}

let programDigest: Promise<string> | undefined;

/**
 * A digest of the code that replays: the bundle this module is part of and the replay worker
 * next to it, or, from the sources, every file under src/.
 */
export function programIdentity(): Promise<string> {
  programDigest ??= (async () => {
    const hash = sha256();
    const here = fileURLToPath(import.meta.url);
    if (here.endsWith('.ts')) {
      const src = path.resolve(path.dirname(here), '..');
      const files = (await readdir(src, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort();
      for (const file of files) hash.update(`\0${path.relative(src, file)}\0`).update(await readFile(file));
    } else {
      for (const file of [here, path.join(path.dirname(here), 'replay-worker.js')]) hash.update(`\0${path.basename(file)}\0`).update(await readFile(file));
    }
    return hash.digest('hex');
  })();
  return programDigest;
}

/**
 * Where entries live: MIGRATION_GUARD_CACHE_DIR when set, else node_modules/.cache in the
 * working directory when it has node_modules (as other tools keep theirs), else the user's
 * cache directory (XDG_CACHE_HOME or ~/.cache).
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (env.MIGRATION_GUARD_CACHE_DIR) return path.resolve(cwd, env.MIGRATION_GUARD_CACHE_DIR);
  if (existsSync(path.join(cwd, 'node_modules'))) return path.join(cwd, 'node_modules', '.cache', 'migration-guard');
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'migration-guard');
}

/** A saved base: the gzipped data directory, the build's result and the session settings to restore. */
export interface CacheEntry {
  dump: Uint8Array;
  result: unknown;
  /** `SET` commands that give a new session the settings the base's migrations made (search_path, role). */
  session: string[];
}

const files = (dir: string, key: string) => ({ dump: path.join(dir, `${key}.tgz`), meta: path.join(dir, `${key}.json`) });

/** Reads the entry saved under `key`; undefined when there is none or it is incomplete. */
export async function readEntry(dir: string, key: string): Promise<CacheEntry | undefined> {
  const { dump, meta } = files(dir, key);
  try {
    const saved = JSON.parse(await readFile(meta, 'utf8')) as { digest: string; result: unknown; session: string[] };
    const bytes = await readFile(dump);
    // NOTE: the two files are written one after the other; a dump from another save never pairs with this result.
    if (sha256().update(bytes).digest('hex') !== saved.digest) return undefined;
    const now = new Date();
    await utimes(meta, now, now).catch(() => undefined);
    return { dump: bytes, result: saved.result, session: saved.session };
  } catch {
    return undefined;
  }
}

/** Saves `entry` under `key` (each file written to a temporary name, then renamed) and drops the oldest entries. */
export async function writeEntry(dir: string, key: string, entry: CacheEntry): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { dump, meta } = files(dir, key);
  const temp = `.${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(dump + temp, entry.dump);
  await rename(dump + temp, dump);
  const digest = sha256().update(entry.dump).digest('hex');
  await writeFile(meta + temp, JSON.stringify({ digest, result: entry.result, session: entry.session }));
  await rename(meta + temp, meta);
  await evict(dir);
}

async function evict(dir: string): Promise<void> {
  const metas = (await readdir(dir)).filter((name) => /^[0-9a-f]{64}\.json$/.test(name));
  if (metas.length <= MAX_ENTRIES) return;
  const dated = await Promise.all(metas.map(async (name) => ({ name, time: (await stat(path.join(dir, name)).catch(() => undefined))?.mtimeMs ?? 0 })));
  dated.sort((a, b) => b.time - a.time);
  for (const { name } of dated.slice(MAX_ENTRIES)) {
    const key = name.slice(0, -'.json'.length);
    await rm(path.join(dir, `${key}.json`), { force: true });
    await rm(path.join(dir, `${key}.tgz`), { force: true });
  }
}
