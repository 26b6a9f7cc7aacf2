/**
 * PGlite on a worker thread, with a deadline per call. NOTE: PGlite runs a statement
 * synchronously inside WebAssembly and ignores statement_timeout, so an endless loop in a
 * migration would hang the run; here the main thread stays free, and a call that outlives
 * its deadline terminates the worker (every database on it) and fails with a clear error,
 * which replay turns into a notice. One worker per process, started on demand, so PGlite's
 * start-up cache (pglite.ts) is shared by the databases opened after the first.
 */
import { channel } from 'node:diagnostics_channel';
import type { Worker } from 'node:worker_threads';
import { defaultCacheDir, entryKey, programIdentity } from './base-cache.js';
import type { ReplayDatabase } from './interface.js';
import type { WorkerCall, WorkerRequest, WorkerResponse } from './pglite-worker.js';

/**
 * Publishes `{ step: 'open' | 'opened' | 'restored' | 'close' }` when a database starts
 * opening, is open, got its base schema from the cache and starts closing. NOTE: for the benchmark's step times (bench/action-timing.mjs);
 * nothing is published while nobody subscribes.
 */
export const replayTiming = channel('migration-guard:replay');

/** How long one call may take: the statement_timeout that servers apply (SESSION_SQL). */
export const CALL_TIMEOUT_MS = 60_000;

/** The worker's file: the bundle's sibling in dist/, or the TypeScript source through tsx. */
function workerSpec(): { url: URL; execArgv: string[] } {
  const fromSources = import.meta.url.endsWith('.ts');
  return fromSources
    ? { url: new URL('./pglite-worker.ts', import.meta.url), execArgv: ['--import', 'tsx'] }
    : { url: new URL('./replay-worker.js', import.meta.url), execArgv: [] };
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

class PgliteWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  /** Set when the worker was stopped or died: why, for every later call. */
  private dead: string | undefined;

  constructor(WorkerThread: typeof Worker) {
    const { url, execArgv } = workerSpec();
    this.worker = new WorkerThread(url, { execArgv });
    this.worker.unref();
    this.worker.on('message', (response: WorkerResponse) => this.settle(response));
    this.worker.on('error', (error) => this.stop(`the PGlite worker failed: ${error.message}`));
    this.worker.on('exit', (code) => this.stop(`the PGlite worker exited (code ${code})`));
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  call(request: WorkerCall, timeoutMs: number, what: string): Promise<unknown> {
    if (this.dead) return Promise.reject(new Error(this.dead));
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.stop(`${what} did not finish within ${Math.round(timeoutMs / 1000)} s; PGlite cannot cancel a running statement, so the replay database was stopped`);
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      // NOTE: keep the process alive only while a call is waiting for the worker.
      this.worker.ref();
      this.worker.postMessage({ ...request, id } satisfies WorkerRequest);
    });
  }

  private settle(response: WorkerResponse): void {
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    clearTimeout(pending.timer);
    if (this.pending.size === 0) this.worker.unref();
    if (response.ok) pending.resolve(response.value);
    else pending.reject(Object.assign(new Error(response.error.message), response.error));
  }

  private stop(reason: string): void {
    if (this.dead) return;
    this.dead = reason;
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new Error(reason));
    }
    this.pending.clear();
    void this.worker.terminate();
  }
}

let shared: PgliteWorker | undefined;

/** Defined as false in the action's bundle (scripts/bundle.mjs): see BaseCacheOptions. */
declare const MIGRATION_GUARD_BASE_CACHE: boolean | undefined;

/**
 * Where the base cache (base-cache.ts) keeps its entries, and which builds are worth saving.
 * NOTE: no default in the action: a hosted runner starts with an empty home directory, so an
 * entry would never be read again, and saving one costs run time. The action uses the
 * directory of its `replay-cache-dir` input, which the workflow restores and saves with
 * actions/cache (docs/replay-cache.md).
 */
export interface BaseCacheOptions {
  dir: string;
  /** Builds quicker than this are not saved: restoring starts a second PGlite, which costs about as much. */
  minBuildMs: number;
}

/** The CLI's cache: the default directory, builds of a second or more. */
function defaultCache(): BaseCacheOptions | undefined {
  if (typeof MIGRATION_GUARD_BASE_CACHE === 'boolean' && !MIGRATION_GUARD_BASE_CACHE) return undefined;
  return { dir: defaultCacheDir(), minBuildMs: 1000 };
}

/**
 * Opens a PGlite database on the shared worker (a new worker after one was stopped).
 * `cache`: the base cache to use (false: none; absent: the CLI's default). `log` hears
 * whether the base schema was restored from the cache or saved to it.
 */
export async function openPgliteThread(options: { callTimeoutMs?: number; cache?: BaseCacheOptions | false; log?: (line: string) => void } = {}): Promise<ReplayDatabase> {
  const timeout = options.callTimeoutMs ?? CALL_TIMEOUT_MS;
  const cache = options.cache === false ? undefined : (options.cache ?? defaultCache());
  // NOTE: worker_threads loads here, not at start-up: most runs never replay.
  if (!shared?.alive) shared = new PgliteWorker((await import('node:worker_threads')).Worker);
  const worker = shared;
  if (replayTiming.hasSubscribers) replayTiming.publish({ step: 'open' });
  // NOTE: the first start compiles PGlite and runs initdb: seconds, not a statement.
  const { db, serverVersion, identity } = (await worker.call({ op: 'open' }, Math.max(timeout, 120_000), 'starting PGlite')) as { db: number; serverVersion: number; identity: string };
  if (replayTiming.hasSubscribers) replayTiming.publish({ step: 'opened' });
  let closed = false;
  const close = async () => {
    if (closed || !worker.alive) return;
    closed = true;
    if (replayTiming.hasSubscribers) replayTiming.publish({ step: 'close' });
    await worker.call({ op: 'close', db }, timeout, 'closing PGlite');
  };
  return {
    kind: 'pglite',
    serverVersion,
    exec: async (sql) => {
      await worker.call({ op: 'exec', db, sql }, timeout, 'a statement');
    },
    query: async <Row extends object>(sql: string) => (await worker.call({ op: 'query', db, sql }, timeout, 'a query')) as Row[],
    reset: async () => {
      await worker.call({ op: 'reset', db }, timeout, 'resetting the database');
    },
    restoreOrBuild: async <T>(key: string, build: () => Promise<T>) => {
      if (!cache) return build();
      const entry = entryKey(key, JSON.stringify(['pglite', serverVersion, identity]), await programIdentity());
      const restored = (await worker.call({ op: 'restore', db, dir: cache.dir, key: entry }, Math.max(timeout, 120_000), 'restoring the base schema').catch(() => undefined)) as { hit: boolean; result?: T } | undefined;
      if (restored?.hit) {
        if (replayTiming.hasSubscribers) replayTiming.publish({ step: 'restored' });
        options.log?.(`replay: base schema restored from the cache (entry ${entry.slice(0, 12)} in ${cache.dir})`);
        return restored.result as T;
      }
      // NOTE: a failed restore may have left the database half changed.
      if (restored === undefined) await worker.call({ op: 'reset', db }, timeout, 'resetting the database');
      const started = performance.now();
      const result = await build();
      if (performance.now() - started >= cache.minBuildMs) {
        // NOTE: an unwritable cache directory only costs speed.
        const saved = await worker.call({ op: 'save', db, dir: cache.dir, key: entry, result }, Math.max(timeout, 120_000), 'saving the base schema').catch((error: Error) => error);
        options.log?.(saved === true ? `replay: base schema saved to the cache (entry ${entry.slice(0, 12)} in ${cache.dir})` : `replay: base schema not saved to the cache in ${cache.dir}: ${saved instanceof Error ? saved.message : 'the database could not be dumped'}`);
      }
      return result;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
