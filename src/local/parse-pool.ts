/**
 * Parses large inputs on worker threads. The WebAssembly parser is the largest part of a
 * check (bench/), and each text parses on its own, so workers parse while this thread
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
import { wasmApi } from '../core/pg-query.js';
import type { ParseAnswer, ParseJob } from './parse-worker.js';

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
  return import.meta.url.endsWith('.ts') ? createRequire(import.meta.url).resolve('libpg-query/wasm/libpg-query.wasm') : fileURLToPath(new URL('./libpg-query.wasm', import.meta.url));
}

/**
 * Loads the parser on this thread and returns a ParseAhead for analyze(): for inputs of
 * PARALLEL_MIN_CHARS or more on a machine with more than one CPU, worker threads parse
 * alongside this thread; otherwise this thread parses alone. The workers share this
 * thread's compiled WebAssembly module.
 * Call it first and await it when the files are known: the WebAssembly compiles on
 * background threads meanwhile (about 20 to 30 ms, bench/).
 */
export function prepareParser(log?: (line: string) => void): Promise<ParseAhead> {
  const parser = loadParseAhead(log);
  // NOTE: a caller that fails before awaiting it (a usage error) must not leave it unhandled.
  parser.catch(() => undefined);
  return parser;
}

async function loadParseAhead(log: ((line: string) => void) | undefined): Promise<ParseAhead> {
  const compiled = await wasmApi.compile(await readFile(wasmPath()));
  await loadParser(compiled);
  return async (texts) => {
    const chars = texts.reduce((sum, text) => sum + text.length, 0);
    // NOTE: this thread parses too, so one text needs no worker, two need one at most.
    const workers = Math.min(MAX_WORKERS, availableParallelism() - 1, Math.ceil(chars / CHARS_PER_WORKER) - 1, texts.length - 1);
    if (chars < PARALLEL_MIN_CHARS || workers < 1) return texts.map(parseSql);
    return parseInParallel(texts, workers, compiled, log);
  };
}

/**
 * Parses `texts` on `count` workers and this thread, largest first: each takes the next
 * text when it is free. This thread also turns the workers' answers into objects. `log`
 * gets one line: how the work was shared (and why, if a worker failed).
 * NOTE: if a worker fails, this thread parses what is left: the result is the same, only
 * slower.
 */
export async function parseInParallel(texts: readonly string[], count: number, compiled: WebAssembly.Module, log?: (line: string) => void): Promise<ParseAttempt[]> {
  const results = new Array<ParseAttempt | undefined>(texts.length);
  const queue = texts.map((_, i) => i).sort((a, b) => texts[b]!.length - texts[a]!.length);
  const { url, execArgv } = workerSpec();
  // NOTE: loaded here, not at start-up: most runs (pull requests) never start a worker.
  const { Worker } = await import('node:worker_threads');
  let waiting = 0;
  let byWorkers = 0;
  let failure: string | undefined;
  let wake: (() => void) | undefined;
  const workers: Worker[] = [];
  for (let n = 0; n < count; n++) {
    // NOTE: a smaller stack than this thread's (V8's default limit is about 1 MB): what
    // parses there parses here too, and what overflows there is parsed again here.
    const worker = new Worker(url, { execArgv, workerData: compiled, resourceLimits: { stackSizeMb: WORKER_STACK_MB } });
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
    workers.push(worker);
    // NOTE: fewer to start with when there are few texts, so this thread gets its share.
    for (let j = Math.max(1, Math.min(JOBS_IN_FLIGHT, Math.floor(texts.length / (count + 1)))); j > 0; j--) send();
  }
  try {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
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
  log?.(`parsed ${megabytes} MB of SQL in ${texts.length} pieces: ${byWorkers} on ${count} worker thread${count === 1 ? '' : 's'}, the rest on the main thread${failure ? ` (a worker failed: ${failure})` : ''}`);
  return results.map((result, i) => result ?? parseSql(texts[i]!));
}
