/**
 * Parses large inputs on worker threads. The WebAssembly parser is the largest part of a
 * check (BENCHMARKS.md), and each text parses on its own, so workers parse while this thread
 * turns their answers into objects; the rules then run here, in migration order, as
 * before. Small inputs parse on this thread: starting workers costs more than it saves.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { ParseAhead } from '../core/analyze.js';
import { loadParser, type ParseAttempt, parseSql, toParseAttempt } from '../core/parse.js';
import { PG_QUERY_BINDING, wasmApi } from '../core/pg-query.js';
import type { ParseAnswer, ParseJob, ParserModule } from './parse-worker.js';

/** Below this much SQL (characters) in all, everything parses on this thread. */
export const PARALLEL_MIN_CHARS = 512 * 1024;
/** Each worker gets at least this much SQL; more workers than that only cost start-up. */
const CHARS_PER_WORKER = 256 * 1024;
/** At most this many workers (and never more than the machine's parallelism). */
const MAX_WORKERS = 4;
/** Jobs sent to a worker ahead of its answers, so it never waits for the next one. */
const JOBS_IN_FLIGHT = 2;
/** The workers' stack, in MB; Node keeps 192 KB of it in reserve, so V8 gets about 830 KB. */
const WORKER_STACK_MB = 1;

/** The worker's file: the bundle's sibling in dist/, or the TypeScript source through tsx. */
function workerSpec(): { url: URL; execArgv: string[] } {
  return import.meta.url.endsWith('.ts')
    ? { url: new URL('./parse-worker.ts', import.meta.url), execArgv: ['--import', 'tsx'] }
    : { url: new URL('./parse-worker.js', import.meta.url), execArgv: [] };
}

/** libpg-query.wasm: next to the bundle in dist/, or in node_modules from the sources. */
function wasmPath(): string {
  return import.meta.url.endsWith('.ts') ? createRequire(import.meta.url).resolve(PG_QUERY_BINDING.wasmFile) : fileURLToPath(new URL('./libpg-query.wasm', import.meta.url));
}

/** The parser's compiled module, shared by this thread and the workers. */
let compiledOnce: Promise<WebAssembly.Module> | undefined;

/** The parser being prepared, and a way to start its workers while the input is read. */
export interface PreparedParser {
  /**
   * The ParseAhead for analyze(): for inputs of PARALLEL_MIN_CHARS or more on a machine
   * with more than one CPU, worker threads parse alongside this thread; otherwise this
   * thread parses alone. The workers share this thread's compiled WebAssembly module.
   */
  ready: Promise<ParseAhead>;
  /**
   * Counts SQL read so far (characters): from PARALLEL_MIN_CHARS on, the workers start
   * now, so that they are up when parsing begins. NOTE: a worker takes a noticeable part of
   * a check to start; started only at the first parse, it would join late.
   */
  reading(chars: number): void;
}

/**
 * Loads the parser on this thread. Call it first and await `ready` when the files are
 * known: the WebAssembly compiles on background threads meanwhile.
 */
export function prepareParser(log?: (line: string) => void): PreparedParser {
  // NOTE: once per process: the parser loads once (loadPgQuery), so a second compile, e.g.
  // for the next check in the same test process, would only be thrown away.
  compiledOnce ??= readFile(wasmPath()).then((bytes) => wasmApi.compile(bytes));
  const compiled = compiledOnce;
  const early: EarlyWorkers = { workers: [], taken: false };
  const ready = compiled.then(async (module) => {
    await loadParser(module);
    return parseAheadWith(module, early, log);
  });
  // NOTE: a caller that fails before awaiting it (a usage error) must not leave it unhandled.
  ready.catch(() => undefined);
  let read = 0;
  return {
    ready,
    reading(chars) {
      const before = read;
      read += chars;
      if (before >= PARALLEL_MIN_CHARS || read < PARALLEL_MIN_CHARS) return;
      // NOTE: started now, while the caller still reads (synchronously); the module follows
      // when compiled. As many as an input of this size gets (workerCount); more start later if needed.
      const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
      for (let n = workerCount(read, Number.MAX_SAFE_INTEGER); n > 0 && !early.taken; n--) {
        const started: EarlyWorker = { worker: startWorker(Worker, compiled, (why) => (started.failure = why)) };
        early.workers.push(started);
      }
    },
  };
}

/** Workers started while the input is read; `taken` once parsing began (none start after that). */
interface EarlyWorkers {
  workers: EarlyWorker[];
  taken: boolean;
}

/** A worker started while the input is read, and why it failed before it was used, if it did. */
interface EarlyWorker {
  worker: Worker;
  failure?: string;
}

/** How many workers parse `chars` characters in `texts` texts next to this thread (0: this thread alone). */
function workerCount(chars: number, texts: number): number {
  if (chars < PARALLEL_MIN_CHARS) return 0;
  // NOTE: this thread parses too, so one text needs no worker, two need one at most.
  return Math.max(0, Math.min(MAX_WORKERS, availableParallelism() - 1, Math.ceil(chars / CHARS_PER_WORKER) - 1, texts - 1));
}

function parseAheadWith(compiled: WebAssembly.Module, early: EarlyWorkers, log: ((line: string) => void) | undefined): ParseAhead {
  return async (texts) => {
    const count = workerCount(
      texts.reduce((sum, text) => sum + text.length, 0),
      texts.length,
    );
    early.taken = true;
    // NOTE: workers started for input that turned out small (not migrations, say) are not needed.
    const started = early.workers.splice(0, count);
    for (const idle of early.workers.splice(0)) void idle.worker.terminate();
    if (count === 0) return texts.map(parseSql);
    return parseInParallel(texts, count, compiled, log, started);
  };
}

type WorkerClass = typeof import('node:worker_threads').Worker;

/**
 * A parse worker. `failedEarly`: it is started before it has work, so it must not keep the
 * process alive (unref), and an error before it is used only marks it failed (through this).
 */
function startWorker(Worker: WorkerClass, compiled: WebAssembly.Module | Promise<WebAssembly.Module>, failedEarly?: (why: string) => void): Worker {
  const { url, execArgv } = workerSpec();
  // NOTE: a smaller stack than this thread's (V8's default limit is about 1 MB): what
  // parses there parses here too, and what overflows there is parsed again here.
  const worker = new Worker(url, { execArgv, resourceLimits: { stackSizeMb: WORKER_STACK_MB } });
  // NOTE: the module is the first message, before any job (parse-worker.ts).
  const send = (module: WebAssembly.Module) => worker.postMessage({ compiled: module } satisfies ParserModule);
  if (compiled instanceof Promise) compiled.then(send, () => void worker.terminate());
  else send(compiled);
  if (failedEarly) {
    worker.unref();
    worker.on('error', (error) => failedEarly(error.message));
    worker.on('exit', (code) => failedEarly(`exit code ${code}`));
  }
  return worker;
}

/**
 * Parses `texts` on `count` workers and this thread: each worker takes the next largest
 * text when it is free, this thread the next smallest (so it is back soon to turn the
 * workers' answers into objects). `started`: workers to use first. `log` gets one line:
 * how the work was shared (and why, if a worker failed).
 * NOTE: if a worker fails, this thread parses what is left: the result is the same, only
 * slower.
 */
export async function parseInParallel(texts: readonly string[], count: number, compiled: WebAssembly.Module, log?: (line: string) => void, started: readonly EarlyWorker[] = []): Promise<ParseAttempt[]> {
  const results = new Array<ParseAttempt | undefined>(texts.length);
  const queue = texts.map((_, i) => i).sort((a, b) => texts[b]!.length - texts[a]!.length);
  // NOTE: loaded here, not at start-up: most runs (pull requests) never start a worker.
  const { Worker } = await import('node:worker_threads');
  let waiting = 0;
  let byWorkers = 0;
  let failure: string | undefined;
  let wake: (() => void) | undefined;
  const workers: Worker[] = [];
  for (let n = 0; n < count; n++) {
    const worker = started[n]?.worker ?? startWorker(Worker, compiled);
    worker.ref();
    workers.push(worker);
    const failedBefore = started[n]?.failure;
    if (failedBefore !== undefined) {
      failure ??= failedBefore;
      continue;
    }
    const held = new Set<number>();
    const send = () => {
      const id = queue.shift();
      if (id === undefined) return;
      held.add(id);
      waiting++;
      worker.postMessage({ id, text: texts[id]! } satisfies ParseJob);
    };
    const answered = (id: number, attempt: ParseAttempt) => {
      held.delete(id);
      waiting--;
      results[id] = attempt;
      wake?.();
    };
    worker.on('message', (answer: ParseAnswer) => {
      if (!('thrown' in answer)) byWorkers++;
      answered(answer.id, 'thrown' in answer ? parseSql(texts[answer.id]!) : toParseAttempt(answer.result));
      send();
    });
    const fail = (why: string) => {
      failure ??= why;
      for (const id of held) answered(id, parseSql(texts[id]!));
    };
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    // NOTE: fewer to start with when there are few texts, so this thread gets its share.
    for (let j = Math.max(1, Math.min(JOBS_IN_FLIGHT, Math.floor(texts.length / (count + 1)))); j > 0; j--) send();
  }
  try {
    for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
      results[id] = parseSql(texts[id]!);
      // NOTE: let the workers' answers in (and send them their next text) between texts.
      await new Promise((resolve) => setImmediate(resolve));
    }
    while (waiting > 0) await new Promise<void>((resolve) => (wake = resolve));
  } finally {
    for (const worker of workers) {
      worker.removeAllListeners('exit');
      void worker.terminate();
    }
  }
  const megabytes = (texts.reduce((sum, text) => sum + text.length, 0) / 1024 / 1024).toFixed(1);
  const early = Math.min(started.length, count);
  const startedEarly = early > 0 ? ` (${early} started while the input was read)` : '';
  log?.(`parsed ${megabytes} MB of SQL in ${texts.length} pieces: ${byWorkers} on ${count} worker thread${count === 1 ? '' : 's'}, the rest on the main thread${startedEarly}${failure ? ` (a worker failed: ${failure})` : ''}`);
  return results.map((result, i) => result ?? parseSql(texts[i]!));
}
