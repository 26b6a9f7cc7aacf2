// Time to verdict: what a user waits for. Runs the bundled action (dist/index.js, as a child
// process, test/support/run-action.ts) on a pull request that adds 5 migrations over a base of
// 0, 400 and 2,000 earlier migrations, against the local GitHub API server
// (test/support/github-server.ts), replay off and on, and splits each run into steps.
//
//   scripts/node24.sh npx tsx bench/verdict.ts [--runs N] [--bases 0,400,2000] [--dist DIR[,DIR...]] [--out FILE]
//
// Several --dist directories (an A/B of two builds) run interleaved, each row labelled with its directory.
//
// Step times come from the action's own process: bench/action-timing.mjs is preloaded and
// records each HTTP request, git process and replay step (start and end); the replay's base
// and pull-request times are the report's own (report.json, `replay.baseMs` / `tracedMs`).
// Parse and rules have no I/O, so in the action they show as one gap; their split is
// measured in this process on the same files (warm, so lower than in a fresh process).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ParseAhead } from '../src/core/analyze.js';
import { validateConfig } from '../src/core/config.js';
import type { InputFile } from '../src/core/migration.js';
import { checkMigrations } from '../src/engine.js';
import { prepareParser } from '../src/parser/parse-pool.js';
import { allRules } from '../src/rules/index.js';
import { pullRequestEvent } from '../test/support/events.js';
import { createTempRepo, type TempRepo } from '../test/support/git-repo.js';
import { startGitHubServer } from '../test/support/github-server.js';
import { runAction } from '../test/support/run-action.js';
import { historyMigration, pullRequestMigrations } from './generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    bases: { type: 'string', default: '0,400,2000' },
    dist: { type: 'string' },
    out: { type: 'string' },
    modes: { type: 'string', default: 'off,pglite,pglite+cache' },
    /** A directory to keep each mode's last run's events in (`<mode>.json`), to see where a step's time goes. */
    events: { type: 'string' },
  },
});
const RUNS = Math.max(1, Number(args.runs));
const PR = 7;
const MIGRATIONS = 'db/migrations';
const PRELOAD = path.join(root, 'bench', 'action-timing.mjs');

/** One step of a run, in the order of the table. */
const STEPS = ['load', 'API and git', 'parse + rules', 'replay start', 'base replay', 'PR replay', 'replay other', 'gate reads', 'writes', 'exit'] as const;
type Step = (typeof STEPS)[number];

interface TimingEvent {
  kind: 'request' | 'process' | 'replay' | 'exit';
  /** On the exit event: the process's peak resident set size. */
  maxRssKb?: number;
  method?: string;
  path?: string;
  step?: string;
  /** On a replay's `opened` event: whether PGlite started from a saved base. */
  restored?: boolean;
  start: number;
  end?: number;
}

interface Run {
  wall: number;
  steps: Record<Step, number>;
  writes: number;
  verdict: string;
  /** The base schema came from the cache (the action's log says so). */
  restored: boolean;
  /** Peak resident set size of the action's process, MB. */
  peakMb: number;
}

/** The base commit (n earlier migrations, each with its down) and the head adding the PR's 5. */
function pullRequestRepo(n: number): { repo: TempRepo; baseSha: string; headSha: string; added: string[]; files: InputFile[] } {
  const repo = createTempRepo();
  const base: Record<string, string> = { 'README.md': '# shop\n' };
  const name = (version: number, label: string, direction: string) => `${MIGRATIONS}/${String(version).padStart(6, '0')}_${label}.${direction}.sql`;
  for (let i = 1; i <= n; i++) {
    const { up, down } = historyMigration(i);
    base[name(i, `step_${i}`, 'up')] = up;
    base[name(i, `step_${i}`, 'down')] = down;
  }
  const baseSha = repo.commit(base, 'base');
  const head: Record<string, string> = {};
  for (const [i, m] of pullRequestMigrations().entries()) {
    head[name(n + i + 1, m.name, 'up')] = m.up;
    head[name(n + i + 1, m.name, 'down')] = m.down;
  }
  const headSha = repo.commit(head, 'pull request');
  const files: InputFile[] = [
    ...Object.entries(base).filter(([p]) => p.endsWith('.sql')).map(([p, text]): InputFile => ({ path: p, text, change: 'unchanged' })),
    ...Object.entries(head).map(([p, text]): InputFile => ({ path: p, text, change: 'added' })),
  ];
  return { repo, baseSha, headSha, added: Object.keys(head), files };
}

/**
 * Runs the action once on a fresh API server (the pull request's first run) and splits its
 * time. `pglite+cache` gives it the base's cache directory (`replay-cache-dir`), which the
 * warm-up run filled, so the measured runs restore the base schema.
 */
async function runOnce(entry: string, scenario: ReturnType<typeof pullRequestRepo>, mode: string, cacheDir: string): Promise<Run> {
  const replay = mode === 'pglite+cache' ? 'pglite' : mode;
  const server = await startGitHubServer({
    permissions: { contributor: 'write' },
    trees: { [scenario.baseSha]: { 'README.md': '# shop\n' }, [scenario.headSha]: { 'README.md': '# shop\n' } },
    pulls: { [PR]: { head: { sha: scenario.headSha, ref: 'feature' }, base: { sha: scenario.baseSha, ref: 'main' }, user: 'contributor', files: scenario.added.map((filename) => ({ filename, status: 'added' as const })) } },
  });
  const timing = path.join(mkdtempSync(path.join(os.tmpdir(), 'mg-timing-')), 'events.json');
  try {
    const started = performance.now();
    const result = await runAction({
      server,
      event: 'pull_request',
      payload: pullRequestEvent({ action: 'synchronize', number: PR, headSha: scenario.headSha, baseSha: scenario.baseSha, user: 'contributor' }),
      inputs: { replay, ...(mode === 'pglite+cache' ? { 'replay-cache-dir': cacheDir } : {}) },
      workspace: scenario.repo.root,
      entry,
      env: { NODE_OPTIONS: `--import ${PRELOAD}`, MG_TIMING_FILE: timing },
      keepTemp: true,
      timeout: 300_000,
    });
    const wall = performance.now() - started;
    try {
      if ((result.code !== 0 && result.code !== 1) || !result.outputs['report-json']) throw new Error(`the action exited with ${result.code ?? result.signal}: ${result.stderr.slice(0, 2000)}${result.stdout.slice(-2000)}`);
      if (server.violations.length) throw new Error(`requests GitHub would refuse: ${server.violations.join('; ')}`);
      const envelope = JSON.parse(readFileSync(result.outputs['report-json']!, 'utf8')) as { verdict: string; report: { replay?: { baseMs: number; tracedMs: number; baseFiles: number } } };
      if (replay !== 'off' && !envelope.report.replay) throw new Error('replay was on but the report has no replay summary');
      const events = JSON.parse(readFileSync(timing, 'utf8')) as TimingEvent[];
      if (args.events) writeFileSync(path.join(args.events, `${mode}.json`), JSON.stringify(events, null, 1));
      const peakMb = (events.find((e) => e.kind === 'exit')?.maxRssKb ?? 0) / 1024;
      // NOTE: a build whose start tells whether it restored starts PGlite inside the replay's steps when it has a cache (pglite-thread.ts).
      const deferred = mode === 'pglite+cache' && events.some((e) => e.step === 'opened' && e.restored !== undefined);
      const startsIn = !deferred ? undefined : envelope.report.replay!.baseFiles > 0 ? 'base' : 'PR';
      return { wall, ...splitSteps(events, wall, envelope.report.replay, startsIn), verdict: envelope.verdict, restored: result.stdout.includes('replay: base schema restored from the cache'), peakMb };
    } finally {
      rmSync(path.dirname(result.env.RUNNER_TEMP!), { recursive: true, force: true });
    }
  } finally {
    rmSync(path.dirname(timing), { recursive: true, force: true });
    await server.close();
  }
}

/**
 * The run's steps from its events (milliseconds since the process started): load until the
 * first request; the analysis' API reads and git until the last of them ends; parse and rules
 * until the replay opens (or, without replay, until the gate's first read after the analysis); the
 * replay's steps; the gate's reads until the first write; the writes until the last ends
 * (the throttling plugin's spacing included); the rest of the wall time is the exit.
 */
function splitSteps(events: TimingEvent[], wall: number, replay: { baseMs: number; tracedMs: number } | undefined, startsIn?: 'base' | 'PR'): { steps: Record<Step, number>; writes: number } {
  const requests = events.filter((e) => e.kind === 'request');
  const first = requests[0];
  const replayStep = (step: string) => events.find((e) => e.kind === 'replay' && e.step === step)?.start;
  const open = replayStep('open');
  // NOTE: the gate's reads start with the first request after the analysis (its git processes) and the replay (its close); the comments may be read earlier, during the analysis.
  const analysisDone = Math.max(0, replayStep('close') ?? 0, ...events.filter((e) => e.kind === 'process').map((e) => e.end ?? e.start));
  const gate = requests.find((e) => e !== first && e.start >= analysisDone);
  if (!first || !gate) throw new Error('the action made no request after its analysis');
  const analysisEnd = open ?? gate.start;
  const inputsEnd = Math.max(...events.filter((e) => (e.kind === 'request' || e.kind === 'process') && e.start < analysisEnd).map((e) => e.end ?? e.start));
  const writes = requests.filter((e) => e.method !== 'GET');
  const firstWrite = writes[0]?.start ?? gate.end ?? gate.start;
  const lastWrite = Math.max(firstWrite, ...writes.map((e) => e.end ?? e.start));
  const opened = replayStep('opened') ?? analysisEnd;
  const replayTotal = open === undefined ? 0 : gate.start - open;
  // NOTE: with a cache, PGlite starts inside the base step (from the saved base when there is
  // one; pglite-thread.ts), or inside the PR step when the base is empty: the start is its own step.
  const start = opened - (open ?? analysisEnd);
  const baseMs = (replay?.baseMs ?? 0) - (startsIn === 'base' ? start : 0);
  const tracedMs = (replay?.tracedMs ?? 0) - (startsIn === 'PR' ? start : 0);
  const steps: Record<Step, number> = {
    load: first.start,
    'API and git': inputsEnd - first.start,
    'parse + rules': analysisEnd - inputsEnd,
    'replay start': start,
    'base replay': baseMs,
    'PR replay': tracedMs,
    'replay other': open === undefined ? 0 : replayTotal - start - baseMs - tracedMs,
    'gate reads': firstWrite - gate.start,
    writes: lastWrite - firstWrite,
    exit: 0,
  };
  steps.exit = wall - Object.values(steps).reduce((a, b) => a + b, 0);
  return { steps, writes: writes.length };
}

/** Parse and rules of the same files in this process: a timed ParseAhead around the real one. */
async function lintSplit(files: InputFile[]): Promise<{ parse: number; rules: number }> {
  const config = validateConfig({}, allRules);
  const parseAhead = await prepareParser().ready;
  let parse = 0;
  const timed: ParseAhead = async (texts) => {
    const started = performance.now();
    try {
      return await parseAhead(texts);
    } finally {
      parse += performance.now() - started;
    }
  };
  await checkMigrations(files, config, { parseAhead });
  const parses: number[] = [];
  const totals: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    parse = 0;
    const started = performance.now();
    await checkMigrations(files, config, { parseAhead: timed });
    totals.push(performance.now() - started);
    parses.push(parse);
  }
  return { parse: median(parses), rules: median(totals.map((t, i) => t - parses[i]!)) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const fmt = (ms: number) => (ms >= 10 ? ms.toFixed(0) : ms.toFixed(1));
/** Median with the range of the runs: `median (min-max)`. */
const spread = (values: number[]) => (values.every((v) => v === 0) ? '–' : `${fmt(median(values))} (${fmt(Math.min(...values))}-${fmt(Math.max(...values))})`);

async function main() {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'mg-verdict-'));
  try {
    let dists = args.dist?.split(',') ?? [];
    if (dists.length === 0) {
      dists = [path.join(temp, 'dist')];
      execFileSync(process.execPath, [path.join(root, 'scripts/bundle.mjs'), '--outdir', dists[0]!], { stdio: 'inherit' });
    }
    const bases = args.bases.split(',').map(Number);
    /** Each build's modes, interleaved: `mode` alone, or `mode @ dist` for an A/B. */
    const modes = dists.flatMap((dist) => args.modes.split(',').map((mode) => ({ mode, entry: path.resolve(dist, 'index.js'), label: dists.length > 1 ? `${mode} @ ${dist}` : mode })));
    const lines = [
      '## Time to verdict',
      '',
      `The bundled action (\`node dist/index.js\` as a child process, test/support/run-action.ts) on a \`pull_request\` event that adds 5 migrations (with their downs; 2 of them block) over a base of earlier migrations (bench/generate.mjs \`historyMigration\`, about 5 statements each), against the local GitHub API server (test/support/github-server.ts, no network latency). Each run is the pull request's first (a fresh server), ${RUNS} runs per row after one warm-up, modes alternating; \`pglite+cache\` runs with \`replay-cache-dir\` (docs/replay-cache.md), which the warm-up run filled, so its runs restore the base schema (an empty base is never cached). Times in ms: median (min-max). Steps from the action's own process (bench/action-timing.mjs): **load** until the first API request; **API and git**: the analysis' reads (config, PR files, git history facts) until the last ends; **parse + rules**: the I/O-free gap after them; **replay start**: PGlite ready; **base replay** / **PR replay**: the report's \`replay.baseMs\` / \`tracedMs\`; **replay other**: reset, snapshots, close; **gate reads**: from the first request after the analysis and the replay (the stale check, permissions; the comments are read during the analysis) until the first write; **writes**: first to last write (status, comment, check), the throttling plugin's spacing included; **exit**: the rest of the wall time (outputs, report file, process exit); **peak RSS**: the action's process (\`process.resourceUsage().maxRSS\`, worker threads included).`,
      '',
      `| base migrations | replay | total | ${STEPS.join(' | ')} | write requests | peak RSS (MB) |`,
      `|---:|---|---:|${STEPS.map(() => '---:').join('|')}|---:|---:|`,
    ];
    const splits: string[] = [];
    const splitTable = () => [
      '',
      `Parse and rules of the same files in one process (\`checkMigrations\` with a timed ParseAhead, median of ${RUNS} warm runs; the action's cold run is slower: see "parse + rules" above):`,
      '',
      '| base migrations | files | parse | rules |',
      '|---:|---:|---:|---:|',
      ...splits,
      '',
    ];
    for (const n of bases) {
      const scenario = pullRequestRepo(n);
      const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'mg-verdict-cache-'));
      try {
        const runs = new Map<string, Run[]>(modes.map((m) => [m.label, []]));
        for (const { mode, entry } of modes) await runOnce(entry, scenario, mode, cacheDir);
        for (let i = 0; i < RUNS; i++) {
          for (const { mode, entry, label } of modes) {
            const run = await runOnce(entry, scenario, mode, cacheDir);
            runs.get(label)!.push(run);
            process.stderr.write(`verdict: base ${n}, replay ${label}, run ${i + 1}: ${fmt(run.wall)} ms (${STEPS.map((s) => `${s} ${fmt(run.steps[s])}`).join(', ')})\n`);
          }
        }
        for (const { mode, label } of modes) {
          const rs = runs.get(label)!;
          const restored = mode === 'pglite+cache' ? ` (restored in ${rs.filter((r) => r.restored).length} of ${rs.length})` : '';
          lines.push(`| ${n.toLocaleString('en-US')} | ${label}${restored} | **${spread(rs.map((r) => r.wall))}** | ${STEPS.map((s) => spread(rs.map((r) => r.steps[s]))).join(' | ')} | ${median(rs.map((r) => r.writes))} | ${spread(rs.map((r) => r.peakMb))} |`);
        }
        const split = await lintSplit(scenario.files);
        splits.push(`| ${n.toLocaleString('en-US')} | ${scenario.files.length} | ${fmt(split.parse)} | ${fmt(split.rules)} |`);
        // NOTE: written after each base, so a long run that is stopped keeps what it measured.
        if (args.out) writeFileSync(args.out, [...lines, ...splitTable()].join('\n'));
      } finally {
        scenario.repo.remove();
        rmSync(cacheDir, { recursive: true, force: true });
      }
    }
    const markdown = [...lines, ...splitTable()].join('\n');
    process.stdout.write(`${markdown}\n`);
    if (args.out) writeFileSync(args.out, markdown);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

await main();
