// `npm run bench`: times migration-guard's bundled CLI against squawk's native binary on
// the same machine in one run, and writes BENCHMARKS.md.
//
//   scripts/node24.sh node bench/run.mjs [--runs N] [--corpus DIR] [--out FILE]
//
// Cases: every file of the DEV corpus (per repository folder and all at once; skipped
// with a note when the corpus is absent, e.g. on a clean clone), a generated file of
// 60,000 statements, a typical pull request of 5 migration files, and the generated file
// at 1x, 2x and 4x size to show that time and memory grow linearly.
// Both tools run as whole processes with JSON output written to /dev/null, so start-up,
// reading, parsing, rules and rendering all count. Each case runs once to warm the file
// cache, then N times per tool (interleaved); the table shows medians. Peak memory is the
// maximum resident set size from one extra run under /usr/bin/time (Linux), when present.
// Then `check --base` on the corpus as a git repository (reading every migration of the
// repository as context), and the "Time to verdict" section: the bundled action on a pull
// request (bench/verdict.ts).
import { SQUAWK_VERSION, squawkBinaryPath } from './squawk.mjs';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { generateSql, WORST_CASES } from './generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    corpus: { type: 'string', default: process.env.MG_BENCH_CORPUS ?? '/work/shared/corpus' },
    out: { type: 'string', default: path.join(root, 'BENCHMARKS.md') },
    'skip-replay': { type: 'boolean', default: false },
    'skip-verdict': { type: 'boolean', default: false },
    'skip-squawk': { type: 'boolean', default: false },
    dist: { type: 'string' },
    note: { type: 'string' },
  },
});
const RUNS = Math.max(1, Number(args.runs));
const GENERATED_STATEMENTS = 60_000;
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

const work = mkdtempSync(path.join(os.tmpdir(), 'mg-bench-'));
let replayNote = '';

async function main() {
  // NOTE: --dist times a build made elsewhere (e.g. the previous commit's, for a before/after).
  const dist = args.dist ? path.resolve(args.dist) : path.join(work, 'dist');
  if (!args.dist) execFileSync(process.execPath, [path.join(root, 'scripts/bundle.mjs'), '--outdir', dist], { stdio: 'inherit' });
  // NOTE: squawk lints; so does this comparison. When the CLI can also replay migrations on
  // PostgreSQL (--replay), that is turned off here (it is a separate, opt-out feature).
  const help = spawnSync(process.execPath, [path.join(dist, 'cli.js'), '--help'], { encoding: 'utf8' }).stdout ?? '';
  const lintOnly = help.includes('--replay') ? ['--replay', 'off'] : [];
  const ours = { name: 'migration-guard', command: process.execPath, args: (files) => [path.join(dist, 'cli.js'), 'check', '--format', 'json', ...lintOnly, ...files] };
  replayNote = lintOnly.length ? ' with `--replay off`' : '';
  const squawkBinary = squawkBinaryPath(root);
  const squawk = { name: 'squawk', command: squawkBinary, args: (files) => ['--reporter', 'json', ...files] };
  const squawkVersion = execFileSync(squawkBinary, ['--version'], { encoding: 'utf8' }).trim();

  const cases = args['skip-squawk'] ? [] : [...corpusCases(args.corpus), ...generatedCases(path.join(work, 'input'))];
  const results = [];
  for (const c of cases) {
    process.stderr.write(`bench: ${c.name} (${c.files.length} files) ...\n`);
    const result = measure(c, ours, squawk);
    results.push(result);
    process.stderr.write(`  ${summaryLine(result)}\n`);
  }
  const machine = {
    cpus: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    squawk: squawkVersion,
    ours: `${JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version} (${gitDescribe()})`,
    date: new Date().toISOString().slice(0, 10),
  };
  const baseChecks = existsSync(args.corpus) ? baseCheckCases(ours, args.corpus) : [];
  const verdict = args['skip-verdict'] ? '' : timeToVerdict(dist);
  const markdown = renderMarkdown(machine, results, baseChecks, verdict);
  writeFileSync(args.out, markdown);
  process.stdout.write(`\n${markdown}\nwrote ${path.relative(process.cwd(), args.out)}\n`);
}

/** One case per corpus repository folder, plus all of them at once. */
function corpusCases(corpus) {
  if (!existsSync(corpus)) {
    process.stderr.write(`bench: no corpus at ${corpus} (pass --corpus DIR or set MG_BENCH_CORPUS); corpus cases skipped\n`);
    return [];
  }
  const repos = readdirSync(corpus, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const perRepo = repos.map((repo) => ({ name: `corpus: ${repo}`, files: sqlFiles(path.join(corpus, repo)), group: 'corpus' }));
  return [...perRepo, { name: 'corpus: all repositories', files: perRepo.flatMap((c) => c.files), group: 'corpus' }];
}

function sqlFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.sql'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** The generated file, the 1x/2x/4x scaling series, a 5-file pull request, and the worst cases (bench/generate.mjs). */
function generatedCases(dir) {
  mkdirSync(dir, { recursive: true });
  const write = (name, text) => {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  };
  const scale = [1, 2, 4].map((factor) => {
    const count = (GENERATED_STATEMENTS / 4) * factor;
    return { name: `scaling ${factor}x: ${count.toLocaleString('en-US')} statements`, files: [write(`scale-${factor}x.sql`, generateSql(count, 7))], group: 'scaling', factor };
  });
  const big = { name: `generated: ${GENERATED_STATEMENTS.toLocaleString('en-US')} statements in one file`, files: [write('generated.sql', generateSql(GENERATED_STATEMENTS, 1))], group: 'generated' };
  const pr = {
    name: 'pull request: 5 migration files',
    files: [1, 2, 3, 4, 5].map((n) => write(`pr/migrations/2026112500000${n}_change_${n}.up.sql`, generateSql(12, 100 + n))),
    group: 'pr',
  };
  const worst = Object.entries(WORST_CASES).map(([name, sql], i) => ({ name: `worst case: ${name}`, files: [write(`worst-${i + 1}.sql`, sql())], group: 'worst' }));
  return [big, pr, ...scale, ...worst];
}

/** Times both tools on one case. */
function measure(c, ...tools) {
  const bytes = c.files.reduce((sum, f) => sum + readFileSync(f).length, 0);
  const result = { ...c, bytes, tools: {} };
  for (const tool of tools) run(tool, c.files); // warm the file cache and the binaries
  const times = new Map(tools.map((t) => [t.name, []]));
  for (let i = 0; i < RUNS; i++) for (const tool of tools) times.get(tool.name).push(run(tool, c.files).seconds);
  for (const tool of tools) {
    const all = times.get(tool.name);
    result.tools[tool.name] = { seconds: median(all), min: Math.min(...all), max: Math.max(...all), peakKb: peakMemory(tool, c.files) };
  }
  result.statements = countStatements(tools[0], c.files);
  return result;
}

/** Runs a tool once with output to /dev/null; exit 0 (pass) and 1 (findings) are fine. */
function run(tool, files, cwd = work) {
  const devNull = openSync('/dev/null', 'w');
  try {
    const start = process.hrtime.bigint();
    const child = spawnSync(tool.command, tool.args(files), { stdio: ['ignore', devNull, 'pipe'], cwd, maxBuffer: 1 << 30 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (child.error) throw child.error;
    if (child.status !== 0 && child.status !== 1) throw new Error(`${tool.name} exited with ${child.status ?? child.signal}: ${child.stderr.toString().slice(0, 2000)}`);
    return { seconds };
  } finally {
    closeSync(devNull);
  }
}

/** Maximum resident set size in KB, from /usr/bin/time -f %M; undefined without it. */
function peakMemory(tool, files, cwd = work) {
  if (!TIME) return undefined;
  const child = spawnSync(TIME, ['-f', 'MGPEAK %M', tool.command, ...tool.args(files)], { stdio: ['ignore', 'ignore', 'pipe'], cwd, maxBuffer: 1 << 30 });
  const match = /MGPEAK (\d+)/.exec(child.stderr?.toString() ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Statements in the case, as our JSON report counts them (both tools read the same). */
function countStatements(tool, files) {
  const child = spawnSync(tool.command, tool.args(files), { cwd: work, maxBuffer: 1 << 30, encoding: 'utf8' });
  return JSON.parse(child.stdout).summary.statements;
}

/**
 * `check --base` on the corpus as one git repository: a commit with every corpus file, then
 * a commit adding the 5-file pull request to one project's migrations folder. Times
 * `--base HEAD` (nothing changed: git, reading every migration file, discovery) and
 * `--base HEAD~1` (the pull request, with the unchanged migrations of its folder as context).
 */
function baseCheckCases(tool, corpus) {
  const repo = path.join(work, 'corpus-repo');
  const gitIn = (...gitArgs) => execFileSync('git', gitArgs, { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com', GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' } });
  execFileSync('cp', ['-rL', `${corpus}/.`, repo]);
  gitIn('init', '--quiet');
  gitIn('add', '-A');
  gitIn('commit', '--quiet', '-m', 'corpus');
  const folder = path.join(repo, 'Cap-go__capgo', 'supabase', 'migrations');
  for (const n of [1, 2, 3, 4, 5]) writeFileSync(path.join(folder, `2099010100000${n}_change_${n}.sql`), generateSql(12, 100 + n));
  gitIn('add', '-A');
  gitIn('commit', '--quiet', '-m', 'pull request');
  const files = execFileSync('git', ['ls-files'], { cwd: repo, encoding: 'utf8' }).split('\n').filter(Boolean).length;
  return [
    { name: `\`check --base HEAD\`: nothing changed (${files.toLocaleString('en-US')} files)`, base: 'HEAD' },
    { name: '`check --base HEAD~1`: 5 migrations added to a folder of 350', base: 'HEAD~1' },
  ].map((c) => {
    const checkTool = { ...tool, args: () => [...tool.args([]), '--base', c.base] };
    process.stderr.write(`bench: ${c.name} ...\n`);
    const times = [];
    run(checkTool, [], repo);
    for (let i = 0; i < Math.max(7, RUNS); i++) times.push(run(checkTool, [], repo).seconds);
    return { name: c.name, seconds: median(times), min: Math.min(...times), max: Math.max(...times), peakKb: peakMemory(checkTool, [], repo) };
  });
}

/** The "Time to verdict" section (bench/verdict.ts) for the bundle in `dist`. */
function timeToVerdict(dist) {
  const out = path.join(work, 'verdict.md');
  execFileSync(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'bench/verdict.ts'), '--runs', String(Math.max(7, RUNS)), '--dist', dist, '--out', out], { stdio: 'inherit' });
  return readFileSync(out, 'utf8');
}

/** The commit the sources are at, with `+changes` when the working tree differs. */
function gitDescribe() {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty=+changes'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown commit';
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const ms = (seconds) => `${(seconds * 1000).toFixed(0)} ms`;
/** Median with the range of the runs. */
const withSpread = (t) => `${ms(t.seconds)} (${(t.min * 1000).toFixed(0)}-${(t.max * 1000).toFixed(0)})`;
const mb = (kb) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
const ratio = (r) => `${(r.tools['migration-guard'].seconds / r.tools.squawk.seconds).toFixed(2)}x`;
const perSecond = (r, tool) => Math.round(r.statements / r.tools[tool].seconds).toLocaleString('en-US');

function summaryLine(r) {
  return `migration-guard ${ms(r.tools['migration-guard'].seconds)}, squawk ${ms(r.tools.squawk.seconds)}, ratio ${ratio(r)}, ${r.statements} statements`;
}

function renderMarkdown(machine, results, baseChecks, verdict) {
  const lines = [
    '# Benchmarks',
    '',
    `migration-guard (bundled CLI, \`node dist/cli.js check --format json FILES...\`${replayNote}) against`,
    "squawk (its native binary, `squawk --reporter json FILES...`), whole processes, same files,",
    `same machine, one run of \`npm run bench\`. Median of ${RUNS} runs after one warm-up run, with the range (min-max) of those runs;`,
    'output goes to /dev/null. Ratio is migration-guard time / squawk time (below 1: we are faster).',
    'Peak memory is the maximum resident set size of one run (`/usr/bin/time`). Statements per',
    'second is the case\'s statements (as migration-guard counts them) divided by the median wall time,',
    'start-up included.',
    '',
    `Machine: ${machine.cpus} CPUs (\`nproc\`), ${machine.cpu}, ${machine.memory} RAM, ${machine.os}; Node ${machine.node}; ${machine.squawk} (squawk-cli ${SQUAWK_VERSION}, linux-x64 binary); migration-guard ${machine.ours}; ${machine.date}.`,
    ...(args.note ? ['', args.note] : []),
  ];
  if (results.length) lines.push(
    '',
    '| case | files | statements | bytes | migration-guard (median) | squawk (median) | ratio ours/squawk | statements/s ours / squawk | peak RSS ours / squawk |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of results) {
    const o = r.tools['migration-guard'];
    const s = r.tools.squawk;
    lines.push(`| ${r.name} | ${r.files.length} | ${r.statements.toLocaleString('en-US')} | ${r.bytes.toLocaleString('en-US')} | ${withSpread(o)} | ${withSpread(s)} | ${ratio(r)} | ${perSecond(r, 'migration-guard')} / ${perSecond(r, 'squawk')} | ${mb(o.peakKb)} / ${mb(s.peakKb)} |`);
  }
  const scaling = results.filter((r) => r.group === 'scaling');
  if (scaling.length === 3) {
    lines.push('', '## Growth with input size', '');
    lines.push('Time and memory for the same generated SQL at 1x, 2x and 4x. Linear growth means the');
    lines.push('2x->4x step costs about twice the 1x->2x step (start-up cost is constant and cancels out).', '');
    lines.push('| tool | 1x | 2x | 4x | (4x-2x)/(2x-1x) time | peak memory 1x / 2x / 4x |', '|---|---:|---:|---:|---:|---:|');
    for (const tool of ['migration-guard', 'squawk']) {
      const [a, b, c] = scaling.map((r) => r.tools[tool]);
      const growth = (c.seconds - b.seconds) / (b.seconds - a.seconds);
      lines.push(`| ${tool} | ${ms(a.seconds)} | ${ms(b.seconds)} | ${ms(c.seconds)} | ${growth.toFixed(2)} (linear: 2.00) | ${[a, b, c].map((t) => mb(t.peakKb)).join(' / ')} |`);
    }
  }
  if (baseChecks.length) {
    lines.push('', '## CLI `check --base` on the corpus as a git repository', '');
    lines.push(`\`node dist/cli.js check --format json --replay off --base REF\` in a git repository of every corpus file (one commit), with a second commit adding the 5-file pull request to Cap-go__capgo/supabase/migrations (bench/run.mjs \`baseCheckCases\`). Median of ${Math.max(7, RUNS)} runs after one warm-up, (min-max); peak RSS of one more run.`, '');
    lines.push('| case | time | peak RSS |', '|---|---:|---:|');
    for (const c of baseChecks) lines.push(`| ${c.name} | ${withSpread(c)} | ${mb(c.peakKb)} |`);
  }
  if (verdict) lines.push('', verdict.trimEnd());
  lines.push(
    '',
    '## How it runs',
    '',
    'Reproduce: `npm run bench` (options: `--runs N`, `--corpus DIR`, `--note TEXT`, `--skip-squawk`, `--skip-verdict`, `--skip-replay`, `--dist DIR` to time another build; the corpus cases need the DEV corpus, see /work/shared/corpus/SOURCES.md).',
    '',
    '- migration-guard: the benchmark bundles the current sources into a temporary `dist/` (scripts/bundle.mjs) and runs',
    '  `node dist/cli.js check --format json FILES...`. The first run fills Node\'s compile cache (dist/cli.js enables it),',
    '  so the measured runs, like repeated runs in CI with a kept temp directory, start from it.',
    `- squawk: squawk-cli ${SQUAWK_VERSION} is not a devDependency: its optional platform packages for other systems are missing`,
    '  from some registry mirrors, which makes `npm ci` reject the lockfile. bench/squawk.mjs installs the pinned version on',
    '  demand into `.cache/squawk` (git-ignored) and the benchmark runs its native binary directly (not through the npm `js/` wrapper).',
    '- Cases: (a) every file of the corpus in one invocation per tool (per repository and all at once), (b) one generated file',
    `  of ${GENERATED_STATEMENTS.toLocaleString('en-US')} statements (bench/generate.mjs, deterministic), (c) a typical pull request of 5 generated`,
    '  migration files, and the 1x/2x/4x growth series. The tools run in the same loop, alternating, so load changes on the',
    '  machine hit both.',
    '- Worst cases: inputs that once took quadratic time or failed in migration-guard (bench/generate.mjs `WORST_CASES`): the',
    '  same column changed 20,000 times, 20,000 tables locked in one transaction, 20,000 ignore comments, and one ALTER TABLE',
    '  with 12,000 sub-commands (more findings than a report lists for one file: src/core/limits.ts).',
    '',
  );
  return lines.join('\n');
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
// The replay stage's own numbers (PGlite start, corpus histories, linear base cost), into
// BENCHMARKS-replay.md: the same as `npm run bench:replay`.
if (!args['skip-replay']) {
  const replay = spawnSync(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'bench/replay.ts'), '--corpus', args.corpus, '--out', path.join(root, 'BENCHMARKS-replay.md')], { stdio: 'inherit' });
  if (replay.status !== 0) process.exitCode = replay.status ?? 1;
}
