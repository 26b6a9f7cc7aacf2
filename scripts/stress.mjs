// `npm run stress`: tries to crash the runtime the way two test runs on Node 24 did (a V8
// fatal error: `trap int3` on a WorkerThread, `Check failed: jit_page_->allocations_.erase`
// in WebAssembly code). Each scenario runs as child processes, several at once, and a child
// that dies by a signal or prints a V8 fatal error counts as a crash (its output is kept).
//
//   scripts/node24.sh node scripts/stress.mjs [--rounds N] [--concurrency N] [--only NAME] [--node-flags "--flag ..."]
//
// Scenarios (the bundle in dist/; run `npm run bundle` first):
//   parse        the CLI on a 1.5 MB file: the parser compiles, parse workers start, parse and stop
//   exit-compile the CLI exits on a usage error while the parser's WebAssembly still compiles
//   replay       the CLI replays examples/unsafe: PGlite starts on its worker thread, then the process exits
//   churn        one process opens and closes PGlite on its thread 12 times while the main thread parses
//                on worker threads (the shape of a test file: many databases in one process)
//   cache        one process runs the pipeline 12 times, replaying on PGlite on its thread with the base
//                cache saving and restoring, each database loading contrib extensions (their WebAssembly
//                is compiled per database): the shape of test/replay/base-cache.test.ts, which aborted
//   test-file    vitest runs test/replay/base-cache.test.ts: the only scenario that has reproduced the
//                jit_page abort (2 runs in 10 with --bare, none in 19 with the flags)
// The churn, cache and test-file children run with migration-guard's V8 flags (src/v8-flags.ts), as
// the CLI and the action do; --bare leaves them out, to show what the flags prevent.
// --node-flags runs every child with extra Node/V8 flags, to test a cause (e.g. --no-wasm-lazy-compilation).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateSql } from '../bench/generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: String(Math.max(2, os.availableParallelism())) },
    only: { type: 'string' },
    'node-flags': { type: 'string', default: '' },
    bare: { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(args.rounds);
const CONCURRENCY = Number(args.concurrency);
const nodeFlags = args['node-flags'].split(' ').filter(Boolean);
const cli = path.join(root, 'dist', 'cli.js');
const work = mkdtempSync(path.join(os.tmpdir(), 'mg-stress-'));
const bigFile = path.join(work, 'big.sql');
writeFileSync(bigFile, generateSql(20_000, 3));

// The churn child: PGlite on its thread (the sources, through tsx) opened and closed while
// the main thread parses large inputs on parse workers.
const productFlags = args.bare ? '' : `(await import(${JSON.stringify(path.join(root, 'src/v8-flags.ts'))})).applyV8Flags();\n`;
const churn = path.join(work, 'churn.mts');
writeFileSync(
  churn,
  `${productFlags}import { prepareParser } from ${JSON.stringify(path.join(root, 'src/parser/parse-pool.ts'))};
import { openPgliteThread } from ${JSON.stringify(path.join(root, 'src/replay/pglite-thread.ts'))};
import { generateSql } from ${JSON.stringify(path.join(root, 'bench/generate.mjs'))};
const texts = Array.from({ length: 8 }, (_, i) => generateSql(2_000, i));
for (let i = 0; i < 12; i++) {
  const parser = prepareParser();
  parser.reading(10_000_000);
  const parsing = parser.ready.then((parse) => parse(texts));
  const db = await openPgliteThread({ cache: false });
  await db.exec('CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 1000)');
  await parsing;
  await db.close();
}
`,
);

// The cache child: the base-cache test's shape, the whole pipeline on PGlite (parser on
// this thread, databases on the worker, each loading an extension, saved and restored).
const cacheChild = path.join(work, 'cache.mts');
const source = (file) => JSON.stringify(path.join(root, file));
writeFileSync(
  cacheChild,
  `${productFlags}import { validateConfig } from ${source('src/core/config.ts')};
import { checkMigrations } from ${source('src/engine.ts')};
import { openPgliteThread } from ${source('src/replay/pglite-thread.ts')};
import { replayStage } from ${source('src/replay/replay.ts')};
import { allRules } from ${source('src/rules/index.ts')};
const config = validateConfig({}, allRules);
for (let i = 0; i < 12; i++) {
  const inputs = [
    { path: 'db/001_users.up.sql', change: 'unchanged', text: 'CREATE EXTENSION IF NOT EXISTS citext;\\nCREATE TABLE users (id bigint PRIMARY KEY, email citext);\\n' },
    { path: 'db/002_trgm.up.sql', change: 'unchanged', text: 'CREATE EXTENSION IF NOT EXISTS pg_trgm;\\nCREATE INDEX users_email ON users USING gin ((email::text) gin_trgm_ops);\\n' },
    { path: 'db/003_nick.up.sql', change: 'added', text: "ALTER TABLE users ADD COLUMN nick text;\\nINSERT INTO users (id, email) VALUES (" + i + ", 'a@x');\\n" },
  ];
  await using db = await openPgliteThread({ cache: { dir: ${JSON.stringify(path.join(work, 'cache'))} + (i % 3), minBuildMs: 0 } });
  await checkMigrations(inputs, config, { replay: replayStage(config, { database: db }) });
}
`,
);

const SCENARIOS = {
  parse: () => [process.execPath, [...nodeFlags, cli, 'check', '--replay', 'off', '--format', 'json', bigFile]],
  'exit-compile': () => [process.execPath, [...nodeFlags, cli, 'check', '--format', 'no-such-format', bigFile]],
  replay: () => [process.execPath, [...nodeFlags, cli, 'check', '--format', 'json', '--replay', 'pglite', path.join(root, 'examples/unsafe')]],
  churn: () => [process.execPath, [...nodeFlags, '--import', 'tsx', churn]],
  cache: () => [process.execPath, [...nodeFlags, '--import', 'tsx', cacheChild]],
  // NOTE: vitest gives its workers the flags of vitest.config.ts; --bare turns them back to V8's defaults (the last flag wins).
  'test-file': () => [process.execPath, [...nodeFlags, path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/replay/base-cache.test.ts', ...(args.bare ? ['--wasm-tier-up', '--wasm-dynamic-tiering', '--wasm-code-gc'].map((flag) => `--execArgv=${flag}`) : [])]],
};
/** Exit codes that are not a crash: a verdict (0, 1) or the usage error exit-compile provokes (2); churn must succeed. */
const EXPECTED = { parse: [0, 1], 'exit-compile': [2], replay: [0, 1], churn: [0], cache: [0], 'test-file': [0] };

const FATAL = /Fatal error|FATAL ERROR|Check failed|Segmentation fault|trap/i;

function runChild([command, childArgs]) {
  return new Promise((resolve) => {
    const child = spawn(command, childArgs, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MIGRATION_GUARD_CACHE_DIR: path.join(work, 'cache') } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-20_000)));
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

async function scenario(name, make) {
  let runs = 0;
  const crashes = [];
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round++) {
    const results = await Promise.all(Array.from({ length: CONCURRENCY }, () => runChild(make())));
    for (const result of results) {
      runs++;
      const expected = result.signal === null && EXPECTED[name].includes(result.code) && !FATAL.test(result.stderr);
      if (!expected) crashes.push(result);
    }
    process.stderr.write(`stress: ${name} round ${round + 1}/${ROUNDS}: ${runs} runs, ${crashes.length} crashes\n`);
  }
  return { name, runs, crashes, seconds: (performance.now() - started) / 1000 };
}

try {
  const results = [];
  for (const [name, make] of Object.entries(SCENARIOS)) if (!args.only || args.only === name) results.push(await scenario(name, make));
  console.log(`\nNode ${process.version}${args.bare ? ', without migration-guard\'s V8 flags' : ''}${nodeFlags.length ? `, flags ${nodeFlags.join(' ')}` : ''}, ${CONCURRENCY} processes at once, ${ROUNDS} rounds`);
  for (const r of results) {
    console.log(`${r.name}: ${r.runs} runs in ${r.seconds.toFixed(0)} s, ${r.crashes.length} crashed`);
    for (const crash of r.crashes.slice(0, 3)) console.log(`  exit ${crash.code ?? crash.signal}:\n${crash.stderr.split('\n').slice(0, 30).map((l) => `    ${l}`).join('\n')}`);
  }
  if (results.some((r) => r.crashes.length)) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
