#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { main } from './main.js';

// NOTE: V8 tiers hot WebAssembly functions up to TurboFan. libpg-query's parser function is
// so large that this one compilation costs ~300 ms and ~550 MB of memory as soon as a file
// has a few list items, and makes parsing no faster (measured: bench/, BENCHMARKS.md). Keep
// the baseline (Liftoff) code. Must run before the parser's module is compiled.
setFlagsFromString('--no-wasm-tier-up');
setFlagsFromString('--no-wasm-dynamic-tiering');

// NOTE: a reader that stops early (`| head`) closes the pipe: the rest of the report has
// nowhere to go, which is not an error of the check; the exit code still says its verdict.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: !!process.stdout.isTTY,
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  },
  env: process.env,
});
