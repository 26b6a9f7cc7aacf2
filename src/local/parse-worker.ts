/**
 * The worker side of parse-pool.ts: parses SQL texts with the WebAssembly module the main
 * thread compiled (workerData), and answers with libpg-query's JSON text; the main thread
 * turns it into objects (a string crosses threads far cheaper than an object tree).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPgQuery, parseToJson, type RawParse } from '../core/pg-query.js';

/** What the main thread sends: a text to parse. */
export interface ParseJob {
  id: number;
  text: string;
}

/**
 * The answer to one job. `thrown`: the parser threw (the stack overflowed on deeply nested
 * input) and the main thread parses the text itself, so the outcome never depends on
 * which thread parsed it.
 */
export type ParseAnswer = { id: number; result: RawParse } | { id: number; thrown: true };

const port = parentPort;
if (!port) throw new Error('parse-worker runs only as a worker thread (see parse-pool.ts)');
await loadPgQuery(workerData as WebAssembly.Module);
port.on('message', ({ id, text }: ParseJob) => {
  let answer: ParseAnswer;
  try {
    answer = { id, result: parseToJson(text) };
  } catch {
    answer = { id, thrown: true };
  }
  port.postMessage(answer);
});
