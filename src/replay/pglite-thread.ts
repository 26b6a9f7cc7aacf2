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
import { defaultCacheDir, programIdentity } from './base-cache.js';
import type { ReplayDatabase } from './interface.js';
import type { Opened, WorkerCall, WorkerRequest, WorkerResponse } from './pglite-worker.js';

/**
 * Publishes `{ step: 'open' | 'opened' | 'close' }` when a database starts opening, is open
 * (`restored`: from a base cache entry) and starts closing. NOTE: for the benchmark's step times (bench/action-timing.mjs);
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
    this.worker.on('message', (response: WorkerResponse) => this.settle(response));
    this.worker.on('error', (error) => this.stop(`the PGlite worker failed: ${error.message}`));
    this.worker.on('exit', (code) => this.stop(`the PGlite worker exited (code ${code})`));
    // NOTE: after the listeners: a 'message' listener refs the worker again, and a worker
    // nobody calls (a replay that stops before its database starts) must not keep the process alive.
    this.worker.unref();
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

/** The shared worker, started on demand (again after one was stopped). */
async function sharedWorker(): Promise<PgliteWorker> {
  // NOTE: worker_threads loads here, not at start-up: most runs never replay.
  if (!shared?.alive) shared = new PgliteWorker((await import('node:worker_threads')).Worker);
  return shared;
}

/** A database started by startPgliteEarly (undefined when its start failed), until a database is opened. */
let early: Promise<{ worker: PgliteWorker; opened: Opened | undefined }> | undefined;

/** The database startPgliteEarly started, once. */
async function takeEarly(): Promise<{ worker: PgliteWorker; opened: Opened | undefined } | undefined> {
  const started = early;
  early = undefined;
  return started;
}

/**
 * Starts a database before replay asks for one, for the next openPgliteThread without a cache
 * (a database that starts from a saved base cannot start before its key is known).
 * NOTE: PGlite's start is replay's largest fixed cost; started on its worker while the main
 * thread reads and parses the inputs, it overlaps them. A run that ends up not replaying
 * waits for the start before it exits.
 */
export function startPgliteEarly(options: { cache?: BaseCacheOptions | false } = {}): void {
  if (early || (options.cache === false ? undefined : (options.cache ?? defaultCache()))) return;
  early = sharedWorker().then(async (worker) => ({ worker, opened: (await worker.call({ op: 'open' }, 120_000, 'starting PGlite').catch(() => undefined)) as Opened | undefined }));
}

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
  /** Builds quicker than this are not saved: starting PGlite from an entry is slower than from the shipped data directory, by about as much. */
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
 *
 * NOTE: with a cache, PGlite starts only at the first call, so that `restoreOrBuild`, which
 * replay calls first (after a `reset`, which a fresh database does not need), can start it
 * from the saved base: one start instead of a start and then a second one from the entry.
 */
export async function openPgliteThread(options: { callTimeoutMs?: number; cache?: BaseCacheOptions | false; log?: (line: string) => void } = {}): Promise<ReplayDatabase> {
  const timeout = options.callTimeoutMs ?? CALL_TIMEOUT_MS;
  const cache = options.cache === false ? undefined : (options.cache ?? defaultCache());
  const worker = await sharedWorker();
  let opening: Promise<Opened> | undefined;
  let opened: Opened | undefined;
  /** reset() was called before the database started: a fresh start is reset (a restored base was saved after one). */
  let resetWhenStarted = false;
  /** Starts the database once: from the entry of `base` (the base's key) when the cache has it. */
  const open = (base?: string): Promise<Opened> =>
    (opening ??= (async () => {
      if (replayTiming.hasSubscribers) replayTiming.publish({ step: 'open' });
      const request: WorkerCall = base && cache ? { op: 'open', cache: { dir: cache.dir, base, program: await programIdentity() } } : { op: 'open' };
      const ahead = cache ? undefined : await takeEarly();
      const startedEarly = ahead?.worker === worker && worker.alive ? ahead.opened : undefined;
      // NOTE: the first start compiles PGlite: seconds, not a statement.
      const started = startedEarly ?? ((await worker.call(request, Math.max(timeout, 120_000), 'starting PGlite')) as Opened);
      if (resetWhenStarted && !started.restored) await worker.call({ op: 'reset', db: started.db }, timeout, 'resetting the database');
      opened = started;
      if (replayTiming.hasSubscribers) replayTiming.publish({ step: 'opened', restored: started.restored !== undefined });
      return started;
    })());
  if (!cache) await open();
  const call = async (op: 'exec' | 'query' | 'reset', what: string, sql?: string) => worker.call({ op, db: (await open()).db, ...(sql === undefined ? {} : { sql }) }, timeout, what);
  let closed = false;
  const close = async () => {
    if (closed || !opening || !worker.alive) return;
    closed = true;
    const { db } = await opening;
    if (replayTiming.hasSubscribers) replayTiming.publish({ step: 'close' });
    await worker.call({ op: 'close', db }, timeout, 'closing PGlite');
  };
  return {
    kind: 'pglite',
    get serverVersion(): number {
      if (!opened) throw new Error('PGlite has not started yet');
      return opened.serverVersion;
    },
    exec: async (sql) => {
      await call('exec', 'a statement', sql);
    },
    query: async <Row extends object>(sql: string) => (await call('query', 'a query', sql)) as Row[],
    reset: async () => {
      if (opening) await call('reset', 'resetting the database');
      else resetWhenStarted = true;
    },
    restoreOrBuild: async <T>(key: string, build: () => Promise<T>) => {
      // NOTE: a database already started has no entry for this base: build it, save nothing.
      if (!cache || opening) return build();
      const { db, entry, restored } = await open(key);
      if (restored) {
        options.log?.(`replay: base schema restored from the cache (entry ${entry?.slice(0, 12)} in ${cache.dir})`);
        return restored.result as T;
      }
      const started = performance.now();
      const result = await build();
      if (entry && performance.now() - started >= cache.minBuildMs) {
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
