/**
 * The worker side of pglite-thread.ts: PGlite instances live here, off the main thread, so
 * the main thread can stop a statement that never ends by terminating this worker
 * (PGlite runs each statement synchronously and ignores statement_timeout).
 */
import { parentPort } from 'node:worker_threads';
import { readEntry, writeEntry } from './base-cache.js';
import { sqlError } from './interface.js';
import { openPglite, type PgliteDatabase } from './pglite.js';

/** What the main thread asks for. `restore` and `save` take a base cache entry (base-cache.ts). */
export type WorkerCall =
  | { op: 'open' }
  | { op: 'exec' | 'query' | 'reset' | 'close'; db: number; sql?: string }
  | { op: 'restore'; db: number; dir: string; key: string }
  | { op: 'save'; db: number; dir: string; key: string; result: unknown };

/** A call with the id its answer carries. */
export type WorkerRequest = WorkerCall & { id: number };

/** The answer to one request. */
export type WorkerResponse = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: ReturnType<typeof sqlError> };

const port = parentPort;
if (!port) throw new Error('pglite-worker.ts runs only as a worker thread (see pglite-thread.ts)');

const databases = new Map<number, PgliteDatabase>();
let next = 0;

async function answer(request: WorkerRequest): Promise<unknown> {
  if (request.op === 'open') {
    const db = await openPglite();
    databases.set(++next, db);
    return { db: next, serverVersion: db.serverVersion, identity: db.identity };
  }
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
    case 'restore':
      return restore(request.db, db, await readEntry(request.dir, request.key));
    case 'save': {
      const saved = await db.save();
      if (saved) await writeEntry(request.dir, request.key, { ...saved, result: request.result });
      return saved !== undefined;
    }
  }
}

/** Replaces database `id` by one started from the saved entry; `{ hit: false }` without one. */
async function restore(id: number, current: PgliteDatabase, entry: Awaited<ReturnType<typeof readEntry>>): Promise<{ hit: boolean; result?: unknown }> {
  if (!entry) return { hit: false };
  const restored = await openPglite(new Blob([entry.dump], { type: 'application/x-gzip' }));
  try {
    for (const sql of entry.session) await restored.exec(sql);
  } catch (error) {
    await restored.close();
    throw error;
  }
  databases.set(id, restored);
  await current.close();
  return { hit: true, result: entry.result };
}

port.on('message', (request: WorkerRequest) => {
  answer(request).then(
    (value) => port.postMessage({ id: request.id, ok: true, value } satisfies WorkerResponse),
    (error: unknown) => port.postMessage({ id: request.id, ok: false, error: sqlError(error) } satisfies WorkerResponse),
  );
});
