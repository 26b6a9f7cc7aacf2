/**
 * The worker side of parse-pool.ts: parses SQL texts with the WebAssembly module the main
 * thread compiled (its first message), and answers with libpg-query's JSON text; the main thread
 * turns it into objects (a string crosses threads far cheaper than an object tree).
 */
import { parentPort } from 'node:worker_threads';
import { loadPgQuery, parseToJson, type RawParse } from '../core/pg-query.js';

/** What the main thread sends: a text to parse. */
export interface ParseJob {
  id: number;
  text: string;
}

/** The main thread's first message: the parser's compiled module. */
export interface ParserModule {
  compiled: WebAssembly.Module;
}

/**
 * The answer to one job. `thrown`: the parser threw (the stack overflowed on deeply nested
 * input) and the main thread parses the text itself, so the outcome never depends on
 * which thread parsed it.
 */
export type ParseAnswer = { id: number; result: RawParse } | { id: number; thrown: true };

const port = parentPort;
if (!port) throw new Error('parse-worker runs only as a worker thread (see parse-pool.ts)');

// NOTE: the module comes as the first message, not as workerData, so that the worker can
// start before the main thread has compiled it. Jobs wait for it, in order; if it does not
// load, the rejection ends the worker and the main thread parses its jobs itself.
let receiveModule!: (compiled: WebAssembly.Module) => void;
const loaded = new Promise<WebAssembly.Module>((resolve) => (receiveModule = resolve)).then((compiled) => loadPgQuery(compiled));

port.on('message', (message: ParserModule | ParseJob) => {
  if ('compiled' in message) {
    receiveModule(message.compiled);
    return;
  }
  void loaded.then(() => port.postMessage(parse(message)));
});

function parse({ id, text }: ParseJob): ParseAnswer {
  try {
    return { id, result: parseToJson(text) };
  } catch {
    return { id, thrown: true };
  }
}
