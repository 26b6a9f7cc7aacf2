// PR simulation over the DEV corpus: `npm run simulate-prs -- [--corpus DIR] [--out DIR] [--replay]`.
//
// For each repository folder of the corpus it builds a git repository in a temporary folder
// and commits the migrations one unit at a time (an up/down pair, a migration directory, a
// sqitch change), in the order the tool runs them. Each commit is then checked as a pull
// request on top of the ones before it, exactly as a user's CI would:
// `migration-guard check --base HEAD~1 --format json` with the bundled CLI (dist/cli.js).
//
// It writes a Markdown table (PRs, blocked PRs, PRs with nothing checked, blocking findings per
// rule, time) to stdout and every blocking finding as one JSON line to
// <out>/blocking-findings.jsonl, the raw material for judging findings by hand (CORPUS.md),
// and every finding of any severity to <out>/all-findings.jsonl (the noise budget per rule).
//
// NOTE: the order of units is the natural order of their version key, which is how every
// tool in the corpus orders (diesel compares versions with the dashes removed, Flyway
// compares dotted/underscored numbers numerically; sqitch without its plan falls back to
// name order, as migration-guard itself does). It deliberately does not reuse the engine's
// own ordering: the simulation is a check on the engine, not a copy of it.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: path.join(root, '../shared/corpus') },
    out: { type: 'string', default: path.join(root, '.cache/simulate-prs') },
    replay: { type: 'boolean', default: false },
    repo: { type: 'string', multiple: true },
    jobs: { type: 'string', default: '2' },
  },
});
const corpus = path.resolve(values.corpus);
const cli = path.join(root, 'dist/cli.js');
const clock = path.join(import.meta.dirname, 'simulate-prs-clock.mjs');
mkdirSync(values.out, { recursive: true });

/** Every file below `dir`, relative to it. */
function walk(dir, prefix = '') {
  return readdirSync(path.join(dir, prefix)).flatMap((name) => {
    const rel = path.join(prefix, name);
    return statSync(path.join(dir, rel)).isDirectory() ? walk(dir, rel) : [rel];
  });
}

/** The unit a file belongs to: files of one migration are committed together. */
function unitKey(rel) {
  const base = path.basename(rel);
  const dir = path.dirname(rel);
  // diesel, sourcegraph, prisma: one directory per migration
  if (/^(up|down|migration|metadata)\.(sql|toml|yaml)$/.test(base)) return dir;
  // sqitch: deploy/x.sql, revert/x.sql, verify/x.sql
  const sqitch = /^(.*)\/(deploy|revert|verify)\/(.+)\.sql$/.exec(rel);
  if (sqitch) return `${sqitch[1]}/*/${sqitch[3]}`;
  // golang-migrate pairs; Flyway V/U pairs with their `.sql.conf` (a repeatable R__ script is
  // its own unit, keyed by its name: it has no version)
  if (/^R__/.test(base)) return path.join(dir, base.replace(/\.sql(\.conf)?$/, ''));
  return path.join(dir, base.replace(/\.(up|down)\.sql$/, '').replace(/^[VU](\d)/, 'V$1').replace(/__.*$/, ''));
}

/** Natural order of the version part, with diesel's dashes removed; Flyway runs repeatable
 * R__ scripts after every versioned one (https://documentation.red-gate.com/fd/repeatable-migrations-273973335.html). */
function versionOf(key) {
  if (/^R__/.test(path.basename(key))) return `\uffff${path.basename(key)}`;
  return path.basename(key).replace(/^(\d{4})-(\d{2})-(\d{2})-(\d{6})(-\d{4})?/, (_m, a, b, c, d, e) => `${a}${b}${c}${d}${(e ?? '').slice(1)}`);
}
/** The time a timestamped version names (YYYYMMDDhhmmss...), if it names one. */
function versionTime(key) {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(versionOf(key));
  if (!m) return undefined;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(t) || +m[1] < 2000 ? undefined : t;
}
const collator = new Intl.Collator('en', { numeric: true });

function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function check(cwd, time) {
  const args = ['--import', clock, cli, 'check', '--base', 'HEAD~1', '--format', 'json'];
  if (!values.replay) args.push('--replay', 'off');
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MG_SIMULATED_NOW: String(time) } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err, ms: performance.now() - started }));
  });
}

const repos = readdirSync(corpus)
  .filter((name) => statSync(path.join(corpus, name)).isDirectory())
  .filter((name) => !values.repo || values.repo.some((r) => name.includes(r)))
  .sort();
const rows = [];
const perRule = new Map();
const blockingLog = [];
/** Every finding of every PR, any severity: the noise budget per rule (CORPUS.md). */
const findingsLog = [];
for (const repo of repos) {
  const source = path.join(corpus, repo);
  const units = new Map();
  for (const rel of walk(source)) {
    // NOTE: the sidecars that change how a migration runs travel with it: diesel's
    // metadata.toml, sourcegraph's metadata.yaml, Flyway's .sql.conf, drizzle's journal.
    if (!/\.(sql|toml|yaml|conf|json)$/.test(rel)) continue;
    const key = unitKey(rel);
    units.set(key, [...(units.get(key) ?? []), rel]);
  }
  const ordered = [...units.keys()].sort((a, b) => collator.compare(versionOf(a), versionOf(b)) || collator.compare(a, b));
  // One worktree per job: each checks the commits assigned to it.
  const work = mkdtempSync(path.join(tmpdir(), `mg-sim-${repo}-`));
  const repoDir = path.join(work, 'repo');
  mkdirSync(repoDir);
  git(repoDir, 'init', '-q', '-b', 'main');
  git(repoDir, 'config', 'user.email', 'sim@example.invalid');
  git(repoDir, 'config', 'user.name', 'simulation');
  writeFileSync(path.join(repoDir, 'README.md'), `${repo}\n`);
  git(repoDir, 'add', '-A');
  git(repoDir, 'commit', '-q', '-m', 'base');
  const commits = [];
  let previous = Date.UTC(2020, 0, 1);
  for (const key of ordered) {
    // NOTE: contract-too-early reads commit times, so each commit gets the time its version
    // names (timestamped versions), or a day after the previous one otherwise; each check
    // runs with the clock set to its own commit's time (see clock.mjs), as if the PR were
    // opened right after the commit.
    previous = Math.max(previous + 1000, versionTime(key) ?? previous + 86_400_000);
    const date = new Date(previous).toISOString();
    for (const rel of units.get(key)) {
      mkdirSync(path.join(repoDir, path.dirname(rel)), { recursive: true });
      cpSync(path.join(source, rel), path.join(repoDir, rel));
    }
    git(repoDir, 'add', '-A');
    execFileSync('git', ['commit', '-q', '-m', key], { cwd: repoDir, env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
    commits.push({ key, sha: git(repoDir, 'rev-parse', 'HEAD').trim(), time: previous });
  }
  const jobs = Math.max(1, Number(values.jobs));
  const trees = [];
  for (let j = 0; j < jobs; j++) {
    const tree = path.join(work, `wt${j}`);
    git(repoDir, 'worktree', 'add', '-q', '--detach', tree, 'HEAD');
    trees.push(tree);
  }
  const results = new Array(commits.length);
  let next = 0;
  await Promise.all(
    trees.map(async (tree) => {
      while (next < commits.length) {
        const index = next++;
        git(tree, 'checkout', '-q', '--detach', commits[index].sha);
        results[index] = await check(tree, commits[index].time);
      }
    }),
  );
  let blocked = 0;
  let nothingChecked = 0;
  let errors = 0;
  let findings = 0;
  let ms = 0;
  const repoRules = new Map();
  results.forEach((result, index) => {
    ms += result.ms;
    let report;
    try {
      report = JSON.parse(result.out);
    } catch {
      errors++;
      // NOTE: the whole stderr is kept (a failed run's cause is often above its last lines).
      blockingLog.push({ repo, pr: commits[index].key, error: `exit ${result.code}`, stderr: result.err });
      if (errors === 1) console.error(`${repo} ${commits[index].key}: exit ${result.code}\n${result.err}`);
      return;
    }
    if (report.files.length === 0) nothingChecked++;
    if (report.verdict === 'blocked') blocked++;
    for (const f of report.findings) {
      findingsLog.push({ repo, pr: commits[index].key, rule: f.rule, severity: f.severity, blocking: f.blocking, file: f.file, line: f.line, message: f.message });
      if (!f.blocking) continue;
      findings++;
      repoRules.set(f.rule, (repoRules.get(f.rule) ?? 0) + 1);
      perRule.set(f.rule, (perRule.get(f.rule) ?? 0) + 1);
      blockingLog.push({ repo, pr: commits[index].key, rule: f.rule, file: f.file, line: f.line, message: f.message, statement: (f.statement ?? '').slice(0, 400) });
    }
  });
  rows.push({ repo, prs: commits.length, blocked, nothingChecked, errors, findings, ms, repoRules });
  rmSync(work, { recursive: true, force: true });
  console.error(`${repo}: ${commits.length} PRs, ${blocked} blocked, ${nothingChecked} with nothing checked, ${errors} errors, ${findings} blocking findings, ${(ms / 1000).toFixed(1)} s`);
}

const lines = [];
lines.push(`PR simulation over ${corpus} (${values.replay ? 'replay on' : 'replay off'}), one PR per migration unit, checked with \`check --base HEAD~1\`:\n`);
lines.push('| repository | PRs | blocked | nothing checked | errors | blocking findings | time (s) |');
lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) lines.push(`| ${r.repo} | ${r.prs} | ${r.blocked} | ${r.nothingChecked} | ${r.errors} | ${r.findings} | ${(r.ms / 1000).toFixed(1)} |`);
const total = (k) => rows.reduce((n, r) => n + r[k], 0);
lines.push(`| total | ${total('prs')} | ${total('blocked')} | ${total('nothingChecked')} | ${total('errors')} | ${total('findings')} | ${(total('ms') / 1000).toFixed(1)} |`);
lines.push('\nBlocking findings per rule:\n');
lines.push(`| rule | total | ${rows.map((r) => r.repo.split('__')[1]).join(' | ')} |`);
lines.push(`| --- | ---: | ${rows.map(() => '---:').join(' | ')} |`);
for (const [rule, n] of [...perRule].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
  lines.push(`| ${rule} | ${n} | ${rows.map((r) => r.repoRules.get(rule) ?? 0).join(' | ')} |`);
}
const table = lines.join('\n');
writeFileSync(path.join(values.out, 'all-findings.jsonl'), findingsLog.map((x) => JSON.stringify(x)).join('\n') + '\n');
writeFileSync(path.join(values.out, 'blocking-findings.jsonl'), blockingLog.map((x) => JSON.stringify(x)).join('\n') + '\n');
writeFileSync(path.join(values.out, 'summary.md'), table + '\n');
console.log(table);
