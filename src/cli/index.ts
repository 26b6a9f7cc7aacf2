#!/usr/bin/env node
import { applyV8Flags } from '../v8-flags.js';
import { main } from './main.js';

applyV8Flags();

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
