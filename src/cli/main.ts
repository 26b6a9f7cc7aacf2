/**
 * The CLI: `migration-guard check [PATHS...] [--base REF] [--format ...]`. Parses argv
 * once into typed options, reads files through src/local, runs the engine, renders.
 * Exit codes: 0 pass, 1 blocked, 2 usage or configuration error.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import picomatch from 'picomatch';
import { ConfigError, type Config, defaultConfig, MAX_POSTGRES_VERSION, MIN_POSTGRES_VERSION, parseConfigText } from '../core/config.js';
import { type InputFile, isChanged } from '../core/migration.js';
import type { Report } from '../core/report.js';
import { adviseStrategy } from '../core/strategy.js';
import { DEFAULT_MIGRATION_GLOBS } from '../conventions/index.js';
import { checkMigrations } from '../engine.js';
import { prepareParser } from '../local/parse-pool.js';
import { VERSION } from '../version.js';
import { gatherFacts } from '../local/facts.js';
import { withReplay } from '../replay/index.js';
import { changedSince } from '../local/git.js';
import { collectPaths, isCandidate, type ReadProblem } from '../local/workspace.js';
import { findRule, ruleIds } from '../rules/index.js';
import { renderRuleList, renderRuleExplanation } from './explain.js';
import { STATS_HELP, statsCommand } from './stats.js';
import { withStats } from '../stats/context.js';
import { FORMATS, type Format, renderReport } from './formats.js';

/** What the CLI needs from the outside world (real process in index.ts, captured in tests). */
export interface CliIo {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

export const EXIT = { pass: 0, blocked: 1, usage: 2 } as const;

export const DEFAULT_CONFIG_PATH = '.github/migration-guard.yml';

const HELP = `migration-guard: review PostgreSQL migrations for zero-downtime safety.

Usage:
  migration-guard check [PATHS...] [options]   check migration files or folders
  migration-guard check --base REF [options]   check migrations changed since the merge base with REF
  migration-guard rules                        list every rule
  migration-guard explain RULE                 show a rule's documentation (also: check --explain RULE)
${STATS_HELP}
Options:
  --base REF                 compare with git: files added/changed since merge-base(REF, HEAD),
                             including uncommitted and untracked files; changes to migrations
                             that exist on REF are flagged
  --format FORMAT            text (default), json, sarif (2.1.0), markdown (the PR comment),
                             github (workflow-command annotations)
  --output FILE              write the report to FILE instead of standard output
  --config FILE              config file (default: ${DEFAULT_CONFIG_PATH} when present)
  --postgres-version N       target Postgres major version, ${MIN_POSTGRES_VERSION}-${MAX_POSTGRES_VERSION} (default 15)
  --fail-on LEVEL            error (default), warning or never: which findings block
  --replay MODE              pglite (default) replays the migrations on PostgreSQL in process
                             and records locks, rewrites and the down round trip; off skips it
  --database-url URL         replay on this PostgreSQL server instead of PGlite (needs CREATEDB:
                             replay works in a scratch database it drops afterwards)
  --rehearse                 with --database-url: run the new migrations in that database itself
                             (a disposable production-sized clone: it is changed) and report each
                             statement's duration, lock time and size change
  --stats-file FILE          judge findings by the size and traffic of the tables they hit, from
                             a snapshot by "migration-guard stats" (also: stats-file in the config)
  --explain RULE             print a rule's documentation and exit
  --no-color                 no colours in text output (also: NO_COLOR=1)
  -h, --help                 this help
  -v, --version              print the version

Exit codes: 0 pass, 1 blocked, 2 usage or configuration error.
Ignore a finding with a reason, on the line before the statement:
  -- migration-guard:ignore ban-drop-column reason: phase 3 of the email rename (#123)
`;

/** Options after parsing argv. */
export interface CheckOptions {
  paths: string[];
  base?: string;
  format: Format;
  output?: string;
  configPath?: string;
  postgresVersion?: number;
  failOn?: Config['fail-on'];
  replay?: Config['replay']['mode'];
  databaseUrl?: string;
  statsFile?: string;
  rehearse: boolean;
  color: boolean;
}

class UsageError extends Error {}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr(`migration-guard: ${error.message}\n`);
      if (error instanceof UsageError) io.stderr('Run "migration-guard --help" for usage.\n');
      return EXIT.usage;
    }
    io.stderr(`migration-guard: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.stdout(HELP);
    return command === undefined ? EXIT.usage : EXIT.pass;
  }
  if (command === '-v' || command === '--version') {
    io.stdout(`${VERSION}\n`);
    return EXIT.pass;
  }
  if (command === 'rules') {
    io.stdout(renderRuleList());
    return EXIT.pass;
  }
  if (command === 'explain') return explain(rest[0], io);
  if (command === 'check') return check(rest, io);
  if (command === 'stats' || command === 'calibrate') return statsCommand(command, rest, io);
  throw new UsageError(`unknown command "${command}"; expected check, rules, explain, stats or calibrate`);
}


function explain(ruleId: string | undefined, io: CliIo): number {
  if (!ruleId) throw new UsageError('explain needs a rule id, e.g. "migration-guard explain ban-drop-column"');
  const rule = findRule(ruleId);
  if (!rule) throw new UsageError(`unknown rule "${ruleId}"; run "migration-guard rules" for the list`);
  io.stdout(renderRuleExplanation(rule));
  return EXIT.pass;
}

export function parseCheckArgs(args: readonly string[], io: Pick<CliIo, 'isTTY' | 'env'>): CheckOptions & { explain?: string; help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        base: { type: 'string' },
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        config: { type: 'string', short: 'c' },
        'postgres-version': { type: 'string' },
        'fail-on': { type: 'string' },
        replay: { type: 'string' },
        'database-url': { type: 'string' },
        'stats-file': { type: 'string' },
        rehearse: { type: 'boolean' },
        explain: { type: 'string' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const format = values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`invalid --format "${format}"; expected one of ${FORMATS.join(', ')}`);
  let postgresVersion: number | undefined;
  if (values['postgres-version'] !== undefined) {
    postgresVersion = Number(values['postgres-version']);
    if (!Number.isInteger(postgresVersion) || postgresVersion < MIN_POSTGRES_VERSION || postgresVersion > MAX_POSTGRES_VERSION) {
      throw new UsageError(`invalid --postgres-version "${values['postgres-version']}"; expected a major version from ${MIN_POSTGRES_VERSION} to ${MAX_POSTGRES_VERSION}, e.g. 15`);
    }
  }
  const failOn = values['fail-on'];
  if (failOn !== undefined && !['error', 'warning', 'never'].includes(failOn)) throw new UsageError(`invalid --fail-on "${failOn}"; expected error, warning or never`);
  const replay = values.replay;
  if (replay !== undefined && replay !== 'pglite' && replay !== 'off') throw new UsageError(`invalid --replay "${replay}"; expected pglite or off`);
  if (values.rehearse && !values['database-url']) throw new UsageError('--rehearse needs --database-url URL: the clone to rehearse on');
  if (values.base === undefined && positionals.length === 0 && !values.explain && !values.help) {
    throw new UsageError('check needs PATHS (files or folders) or --base REF');
  }
  return {
    paths: positionals,
    base: values.base,
    format: format as Format,
    output: values.output,
    configPath: values.config,
    postgresVersion,
    failOn: failOn as Config['fail-on'] | undefined,
    replay,
    databaseUrl: values['database-url'],
    statsFile: values['stats-file'],
    rehearse: !!values.rehearse,
    color: !values['no-color'] && io.isTTY && !io.env.NO_COLOR && format === 'text' && values.output === undefined,
    explain: values.explain,
    help: !!values.help,
  };
}

async function check(args: readonly string[], io: CliIo): Promise<number> {
  const options = parseCheckArgs(args, io);
  if (options.help) {
    io.stdout(HELP);
    return EXIT.pass;
  }
  if (options.explain !== undefined) return explain(options.explain, io);
  // NOTE: started first: the parser compiles on background threads while the files are read.
  const parser = prepareParser();
  const config = await loadConfig(options, io.cwd);
  const { files, problems, git } = await readInputs(options, config, io.cwd, (file) => parser.reading(file.text.length));
  for (const problem of problems) {
    io.stderr(`migration-guard: ${problem.path}: ${problem.message}\n`);
    // NOTE: a migration file that could not be read (a link out of the repository, a loop,
    // no permission) must not pass unseen: it becomes a blocking parse-error on the file.
    if (isCandidate(problem.path)) files.push({ path: problem.path, text: '', change: 'added', unread: `not checked: ${problem.message}; replace it with a readable file, or exclude it in the config if it is not a migration` });
  }
  // NOTE: only --base mode has a base branch whose history and code can be searched.
  const facts = git ? await gatherFacts(files, config, { root: git.root, baseCommit: git.mergeBase, now: new Date() }) : undefined;
  const statsPath = options.statsFile ?? config['stats-file'];
  // NOTE: read before replay, so a missing file fails at once.
  const statsText = statsPath === undefined ? undefined : await readConfiguredFile(statsPath, options.statsFile ? undefined : 'stats-file', io.cwd, options.configPath ?? DEFAULT_CONFIG_PATH);
  const replayed = await withReplay(await checkMigrations(files, config, facts, await parser.ready), files, config, {
    // NOTE: a database URL asks for replay (on that server) unless --replay off says otherwise.
    mode: options.replay === undefined && options.databaseUrl ? 'pglite' : config.replay.mode,
    databaseUrl: options.databaseUrl,
    rehearse: options.rehearse,
    schemaFile: await readSchemaFile(config, io.cwd, options.configPath ?? DEFAULT_CONFIG_PATH),
  });
  const report = statsPath === undefined || statsText === undefined ? replayed : withStats(replayed, config, { path: statsPath, text: statsText });
  const rendered = renderReport(report, options.format, {
    color: options.color,
    sources: new Map(files.map((f) => [f.path, f.text])),
    advice: adviseStrategy(report, config),
    version: VERSION,
  });
  if (options.output) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.resolve(io.cwd, options.output), rendered);
  } else for (const piece of rendered) io.stdout(piece);
  return exitCode(report);
}

/** The configured `replay.schema-file`, relative to the working directory. */
async function readSchemaFile(config: Config, cwd: string, configPath: string): Promise<{ path: string; text: string } | undefined> {
  const file = config.replay['schema-file'];
  if (file === undefined || config.replay.mode === 'off') return undefined;
  return { path: file, text: await readConfiguredFile(file, 'replay.schema-file', cwd, configPath) };
}

/** A file named by a config key (or, with `key` undefined, by an option), relative to the working directory. */
async function readConfiguredFile(file: string, key: string | undefined, cwd: string, configPath: string): Promise<string> {
  try {
    return await readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    if (key === undefined) throw new UsageError(`cannot read ${file} (${reason})`);
    throw new ConfigError(`key "${key}": cannot read ${file} (${reason})`, configPath);
  }
}

export function exitCode(report: Report): number {
  return report.verdict === 'pass' ? EXIT.pass : EXIT.blocked;
}

async function loadConfig(options: CheckOptions, cwd: string): Promise<Config> {
  const configPath = options.configPath ?? DEFAULT_CONFIG_PATH;
  let config = defaultConfig();
  try {
    const text = await readFile(path.resolve(cwd, configPath), 'utf8');
    config = await parseConfigText(text, ruleIds, configPath);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (options.configPath !== undefined || code !== 'ENOENT') {
      throw new ConfigError(`cannot read the config file (${code ?? (error as Error).message}); pass an existing file to --config`, configPath);
    }
  }
  return {
    ...config,
    'postgres-version': options.postgresVersion ?? config['postgres-version'],
    'fail-on': options.failOn ?? config['fail-on'],
    replay: { ...config.replay, mode: options.replay ?? config.replay.mode },
  };
}

async function readInputs(
  options: CheckOptions,
  config: Config,
  cwd: string,
  onRead: (file: InputFile) => void,
): Promise<{ files: InputFile[]; problems: ReadProblem[]; git?: { root: string; mergeBase: string } }> {
  const excluded = config.exclude.length ? picomatch(config.exclude, { dot: true }) : () => false;
  if (options.base !== undefined) {
    const globs = config.paths.length ? config.paths : DEFAULT_MIGRATION_GLOBS;
    const isMigration = picomatch(globs, { dot: true });
    const scope = options.paths.length ? picomatch(options.paths.map((p) => `${p.replace(/\/$/, '')}{,/**}`), { dot: true }) : () => true;
    const changed = await changedSince(options.base, cwd, (p) => isMigration(p) && scope(p) && !excluded(p));
    for (const file of changed.files) if (isChanged(file.change)) onRead(file);
    return { files: changed.files, problems: changed.problems, git: { root: changed.root, mergeBase: changed.mergeBase } };
  }
  return collectPaths(options.paths, cwd, config.exclude, onRead);
}
