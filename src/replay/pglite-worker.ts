/**
 * The worker side of pglite-thread.ts: PGlite instances live here, off the main thread, so
 * the main thread can stop a statement that never ends by terminating this worker
 * (PGlite runs each statement synchronously and ignores statement_timeout).
 */
import { parentPort } from 'node:worker_threads';
import { entryKey, readEntry, writeEntry } from './base-cache.js';
import { sqlError } from './interface.js';
import { openPglite, type PgliteDatabase, pgliteBuildDigest } from './pglite.js';

/**
 * Where the base cache keeps its entries (base-cache.ts) and the two parts of an entry's key
 * the main thread knows: the base's (`baseKey`) and the program's (`programIdentity`); the
 * worker adds the database's (`pgliteBuildDigest`).
 */
export interface CacheRequest {
  dir: string;
  base: string;
  program: string;
}

/**
 * What the main thread asks for. `open` with `cache` starts from the saved entry when there
 * is one; `save` saves the database under the entry key that `open` answered.
 */
export type WorkerCall =
  | { op: 'open'; cache?: CacheRequest }
  | { op: 'exec' | 'query' | 'reset' | 'close'; db: number; sql?: string }
  | { op: 'save'; db: number; dir: string; key: string; result: unknown };

/** The answer to `open`: the database and, with `cache`, its entry key and what the entry restored. */
export interface Opened {
  db: number;
  serverVersion: number;
  entry?: string;
  restored?: { result: unknown };
}

/** A call with the id its answer carries. */
export type WorkerRequest = WorkerCall & { id: number };

/** The answer to one request. */
export type WorkerResponse = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: ReturnType<typeof sqlError> };

const port = parentPort;
if (!port) throw new Error('pglite-worker.ts runs only as a worker thread (see pglite-thread.ts)');

const databases = new Map<number, PgliteDatabase>();
let next = 0;

async function answer(request: WorkerRequest): Promise<unknown> {
  if (request.op === 'open') return open(request.cache);
  const db = databases.get(request.db);
  if (!db) throw new Error(`no open database ${request.db}`);
  switch (request.op) {
    case 'exec':
      return db.exec(request.sql ?? '');
    case 'query':
      return db.query(request.sql ?? '');
    case 'reset':
      return db.reset();
    case 'close':
      databases.delete(request.db);
      return db.close();
    case 'save': {
      const saved = await db.save();
      if (saved) await writeEntry(request.dir, request.key, { ...saved, result: request.result });
      return saved !== undefined;
    }
  }
}

/**
 * Starts a database: from the cache entry when `cache` names one that exists (its data
 * directory, then the session settings the base left), else from the shipped data directory.
 * NOTE: a restored base is PGlite's start itself, not a second start after the first
 * (BENCHMARKS.md): that is why the entry is looked up before PGlite starts.
 */
async function open(cache: CacheRequest | undefined): Promise<Opened> {
  const entry = cache ? entryKey(cache.base, `pglite ${await pgliteBuildDigest()}`, cache.program) : undefined;
  const saved = cache && entry ? await readEntry(cache.dir, entry) : undefined;
  // NOTE: an entry that does not start (or whose settings fail) only costs speed: the base is built instead.
  const restored = saved ? await openPglite(new Blob([saved.dump], { type: 'application/x-gzip' })).then(withSession(saved.session)).catch(() => undefined) : undefined;
  const db = restored ?? (await openPglite());
  databases.set(++next, db);
  return { db: next, serverVersion: db.serverVersion, ...(entry ? { entry } : {}), ...(restored && saved ? { restored: { result: saved.result } } : {}) };
}

/** Applies the saved session settings to a database (closed when one fails). */
function withSession(session: readonly string[]): (db: PgliteDatabase) => Promise<PgliteDatabase> {
  return async (db) => {
    try {
      for (const sql of session) await db.exec(sql);
      return db;
    } catch (error) {
      await db.close();
      throw error;
    }
  };
}

port.on('message', (request: WorkerRequest) => {
  answer(request).then(
    (value) => port.postMessage({ id: request.id, ok: true, value } satisfies WorkerResponse),
    (error: unknown) => port.postMessage({ id: request.id, ok: false, error: sqlError(error) } satisfies WorkerResponse),
  );
});
