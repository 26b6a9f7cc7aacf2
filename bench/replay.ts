// Replay benchmark: PGlite start time, full-history replay of each DEV corpus repository,
// time per traced statement, and base-schema cost for 10, 100 and all earlier migrations.
//
//   scripts/node24.sh npx tsx bench/replay.ts [--corpus DIR] [--out FILE] [--database-url URL]
//
// Prints a markdown section (the README "Replay" numbers) and writes it to --out.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { validateConfig } from '../src/core/config.js';
import type { InputFile } from '../src/core/migration.js';
import { compareVersions } from '../src/core/migration.js';
import { discoverMigrations } from '../src/conventions/index.js';
import { checkMigrations } from '../src/engine.js';
import { openPglite } from '../src/replay/pglite.js';
import { openPostgres } from '../src/replay/postgres.js';
import { replayStage } from '../src/replay/replay.js';
import type { ReplayDatabase } from '../src/replay/interface.js';
import { allRules } from '../src/rules/index.js';

const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string', default: '/work/shared/corpus' },
    out: { type: 'string', default: '/tmp/replay-bench.md' },
    'database-url': { type: 'string' },
  },
});
const config = validateConfig({}, allRules);
const out: string[] = [];
const log = (line = '') => {
  out.push(line);
  console.log(line);
};

function readRepo(dir: string): InputFile[] {
  const files: InputFile[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const full = path.join(d, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith('.sql')) files.push({ path: path.relative(dir, full), text: readFileSync(full, 'utf8'), change: 'unchanged' });
    }
  };
  walk(dir);
  return files;
}

/** The up files in convention order (what the base replays). */
function upFiles(files: InputFile[]): string[] {
  return discoverMigrations(files, config)
    .filter((m) => ['up', 'up-down', 'baseline', 'repeatable'].includes(m.role))
    .sort((a, b) => compareVersions(a.version, b.version) || a.path.localeCompare(b.path))
    .map((m) => m.path);
}

async function replayAll(db: ReplayDatabase, files: InputFile[]) {
  const report = await checkMigrations(files, config, { replay: replayStage(config, { database: db }) });
  const stopped = report.findings.find((f) => f.ruleId === 'replay-incomplete' && f.messageId === 'statementFailed');
  return { ...report.replay!, stopped: stopped?.message };
}

// 1. Start time.
log('### Start');
log('');
let t = performance.now();
const first = await openPglite();
const cold = performance.now() - t;
await first.close();
t = performance.now();
const second = await openPglite();
const warm = performance.now() - t;
await second.close();
t = performance.now();
const third = await openPglite();
const templated = performance.now() - t;
await third.close();
const db = args['database-url'] ? await openPostgres(args['database-url']) : await openPglite();
log(`| PGlite start | ms |`);
log(`|---|---:|`);
log(`| first in a process (WebAssembly compile + initdb) | ${cold.toFixed(0)} |`);
log(`| second (initdb, then the fresh data directory is kept) | ${warm.toFixed(0)} |`);
log(`| later ones (from the kept data directory) | ${templated.toFixed(0)} |`);
log('');

try {
  const repos = readdirSync(args.corpus).filter((d) => statSync(path.join(args.corpus, d)).isDirectory()).sort();
  const histories = new Map(repos.map((repo) => [repo, readRepo(path.join(args.corpus, repo))]));

  // 2. Time per traced statement and 3. cost of the base, on the cleanest long history.
  const subject = 'documenso__documenso';
  const files = histories.get(subject)!;
  const order = upFiles(files);
  log(`### Traced statements and base cost (${subject.replace('__', '/')}, ${order.length} migrations)`);
  log('');
  const asAdded = files.map((f) => ({ ...f, change: 'added' as const }));
  const traced = await replayAll(db, asAdded);
  log(`Every migration traced (${traced.statements} statements; each in its own transaction, pg_locks and file nodes read before commit; round trips for migrations with a down): ${traced.tracedMs.toFixed(0)} ms, ${(traced.tracedMs / traced.statements).toFixed(2)} ms per statement.${traced.failures ? ` ${traced.failures} migrations stopped at an error, the first: ${traced.stopped}` : ''}`);
  log('');
  const baseCost = async (label: string, subsetFor: (count: number) => InputFile[], counts: number[]) => {
    log(`Base cost, ${label}:`);
    log('');
    log('| earlier migrations | statements | base ms (median of 3) | ms per statement | new migration traced, ms |');
    log('|---:|---:|---:|---:|---:|');
    for (const count of counts) {
      const subset = subsetFor(count);
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await replayAll(db, subset));
      const median = runs.sort((a, b) => a.baseMs - b.baseMs)[1]!;
      log(`| ${count} | ${median.baseStatements} | ${median.baseMs.toFixed(0)} | ${(median.baseMs / median.baseStatements).toFixed(2)} | ${median.tracedMs.toFixed(0)} |`);
    }
    log('');
  };
  await baseCost(`${subject.replace('__', '/')} (real files: later ones are larger)`, (count) => {
    const prior = new Set(order.slice(0, count));
    const next = order[count] ?? order[order.length - 1]!;
    return files.filter((f) => prior.has(f.path) || f.path === next).map((f) => (f.path === next && !prior.has(f.path) ? { ...f, change: 'added' as const } : f));
  }, [10, 100, order.length - 1]);
  // NOTE: a generated history of identical migrations isolates the cost of the history's length.
  const generated = (count: number): InputFile[] => {
    const history: InputFile[] = [];
    for (let i = 0; i <= count; i++) {
      const text = `CREATE TABLE t${i} (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz DEFAULT now());\nCREATE INDEX t${i}_name_idx ON t${i} (name);\nALTER TABLE t${i} ADD COLUMN note text;\nINSERT INTO t${i} (id, name) VALUES (1, 'a'), (2, 'b');\n`;
      history.push({ path: `migrations/${String(i).padStart(6, '0')}_t${i}.up.sql`, text, change: i === count ? 'added' : 'unchanged' });
    }
    return history;
  };
  await baseCost('generated migrations of 4 statements each (CREATE TABLE, CREATE INDEX, ALTER TABLE, INSERT)', generated, [10, 100, 1000]);
  // 4. Full history per corpus repository.
  // NOTE: last, because some histories change cluster-wide roles (supabase/postgres demotes
  // the postgres role), which a reset cannot undo on a server.
  log(`### Full history on ${db.kind}`);
  log('');
  log('| repository | migrations | CREATE EXTENSION | replayed cleanly | failed files | statements failed | seconds | files/s |');
  log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [repo, files] of histories) {
    const ups = upFiles(files);
    const extensions = files.filter((f) => /\bCREATE\s+EXTENSION\b/i.test(f.text)).length;
    const summary = await replayAll(db, files);
    const seconds = summary.baseMs / 1000;
    log(`| ${repo.replace('__', '/')} | ${ups.length} | ${extensions} | ${summary.baseFiles - summary.baseFailedFiles} | ${summary.baseFailedFiles} | ${summary.baseFailures} | ${seconds.toFixed(1)} | ${(summary.baseFiles / seconds).toFixed(0)} |`);
  }
  log('');
  log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}, ${db.kind} (Postgres ${db.serverVersion}).`);
} finally {
  await db.close();
}
writeFileSync(args.out, `${out.join('\n')}\n`);
