// Preloaded into the bundled action by bench/verdict.ts (NODE_OPTIONS=--import): records
// when each HTTP request, child process and replay step started and ended, in milliseconds
// since the process started, and writes them as JSON to $MG_TIMING_FILE when the process
// exits. It reads only Node's built-in diagnostics channels (undici's requests, child
// processes) and the replay's own channel (src/replay/pglite-thread.ts), so the action runs
// unchanged.
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.MG_TIMING_FILE;
if (file && isMainThread) {
  const events = [];
  const requests = new WeakMap();
  const now = () => performance.now();
  subscribe('undici:request:create', ({ request }) => {
    const event = { kind: 'request', method: request.method, path: request.path, start: now(), end: undefined };
    requests.set(request, event);
    events.push(event);
  });
  const finish = ({ request }) => {
    const event = requests.get(request);
    if (event && event.end === undefined) event.end = now();
  };
  subscribe('undici:request:trailers', finish);
  subscribe('undici:request:error', finish);
  // NOTE: published from the ChildProcess constructor, before its command is known.
  subscribe('child_process', ({ process: child }) => {
    const event = { kind: 'process', start: now(), end: undefined };
    events.push(event);
    child.once('exit', () => (event.end = now()));
  });
  subscribe('migration-guard:replay', ({ step, restored }) => events.push({ kind: 'replay', step, restored, start: now() }));
  process.once('exit', () => {
    // NOTE: maxRSS covers the whole process, the parser's and PGlite's worker threads included.
    events.push({ kind: 'exit', start: now(), maxRssKb: process.resourceUsage().maxRSS });
    writeFileSync(file, JSON.stringify(events));
  });
}
