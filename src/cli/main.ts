/**
 * The CLI: `migration-guard check [PATHS...] [--base REF] [--format ...]`. Parses argv
 * once into typed options, reads files through src/local, runs the engine, renders.
 * Exit codes: 0 pass, 1 blocked, 2 usage or configuration error.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import picomatch from 'picomatch';
import { check as runCheck, type GatheredInputs, migrationMatcher, readConfig } from '../check.js';
import { ConfigError, type Config, MAX_POSTGRES_VERSION, MIN_POSTGRES_VERSION, supportedPostgresVersion } from '../core/config.js';
import type { InputFile } from '../core/migration.js';
import type { Report } from '../core/report.js';
import { conventions } from '../conventions/index.js';
import { VERSION } from '../version.js';
import { changedSince } from '../local/git.js';
import { collectPaths, isCandidate, type ReadProblem } from '../local/workspace.js';
import { findRule } from '../rules/index.js';
import { renderRuleList, renderRuleExplanation } from './explain.js';
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

Options:
  --base REF                 compare with git: files added/changed since merge-base(REF, HEAD),
                             including uncommitted and untracked files; changes to migrations
                             that exist on REF are flagged
  --format FORMAT            text (default), compact (one line per finding), json, sarif (2.1.0), markdown (the PR comment),
                             github (workflow-command annotations)
  --output FILE              write the report to FILE instead of standard output
  --config FILE              config file (default: ${DEFAULT_CONFIG_PATH} when present)
  --postgres-version N       target Postgres major version, ${MIN_POSTGRES_VERSION}-${MAX_POSTGRES_VERSION} (default 15)
  --fail-on LEVEL            error (default), warning or never: which findings block
  --replay MODE              pglite (default) replays the migrations on PostgreSQL in process
                             and records locks, rewrites and the down round trip; off skips it
  --database-url URL         replay on this PostgreSQL server instead of PGlite (needs CREATEDB:
                             replay works in a scratch database it drops afterwards)
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
  throw new UsageError(`unknown command "${command}"; expected check, rules or explain`);
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
    postgresVersion = supportedPostgresVersion(values['postgres-version']);
    if (postgresVersion === undefined) {
      throw new UsageError(`invalid --postgres-version "${values['postgres-version']}"; expected a major version from ${MIN_POSTGRES_VERSION} to ${MAX_POSTGRES_VERSION}, e.g. 15`);
    }
  }
  const failOn = values['fail-on'];
  if (failOn !== undefined && !['error', 'warning', 'never'].includes(failOn)) throw new UsageError(`invalid --fail-on "${failOn}"; expected error, warning or never`);
  const replay = values.replay;
  if (replay !== undefined && replay !== 'pglite' && replay !== 'off') throw new UsageError(`invalid --replay "${replay}"; expected pglite or off`);
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
  const config = await loadConfig(options, io.cwd);
  const { report, files, advice } = await runCheck({
    config,
    gather: (onRead) => readInputs(options, config, io, onRead),
    // NOTE: with --base the change is the pull request; without, every file is judged
    // with the files before it as applied history (docs/scope.md).
    scope: options.base === undefined ? 'each-file' : 'change',
    replay: {
      // NOTE: a database URL asks for replay (on that server) unless --replay off says otherwise.
      mode: options.replay === undefined && options.databaseUrl ? 'pglite' : config.replay.mode,
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      ...(await readSchemaFile(config, io.cwd, options.configPath ?? DEFAULT_CONFIG_PATH).then((schemaFile) => (schemaFile ? { schemaFile } : {}))),
    },
  });
  // NOTE: nothing checked is never a pass (docs/scope.md): paths that hold no migration are
  // a usage error; --base with no changed migration passes, and says so.
  if (report.files.length === 0) {
    const looked = `looked for .sql files of the conventions ${config.convention === 'auto' ? conventions.map((c) => c.id).join(', ') : config.convention}${config.paths.length ? ` under the configured paths ${config.paths.join(', ')}` : ''}`;
    if (options.base === undefined) throw new UsageError(`no migration files in ${options.paths.join(', ')} (${looked})`);
    if (files.length === 0) throw new UsageError(`no migration files in the repository${options.paths.length ? ` under ${options.paths.join(', ')}` : ''}, changed or not (${looked})`);
    if (!files.some((f) => f.change !== 'unchanged')) io.stderr(`migration-guard: no migration file changed since ${options.base}; nothing to check.\n`);
  }
  const rendered = renderReport(report, options.format, {
    color: options.color,
    sources: new Map(files.map((f) => [f.path, f.text])),
    advice,
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
  try {
    return { path: file, text: await readFile(path.resolve(cwd, file), 'utf8') };
  } catch (error) {
    throw new ConfigError(`key "replay.schema-file": cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, configPath);
  }
}

export function exitCode(report: Report): number {
  return report.verdict === 'pass' ? EXIT.pass : EXIT.blocked;
}

async function loadConfig(options: CheckOptions, cwd: string): Promise<Config> {
  const configPath = options.configPath ?? DEFAULT_CONFIG_PATH;
  let text: string | undefined;
  try {
    text = await readFile(path.resolve(cwd, configPath), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (options.configPath !== undefined || code !== 'ENOENT') {
      throw new ConfigError(`cannot read the config file (${code ?? (error as Error).message}); pass an existing file to --config`, configPath);
    }
  }
  const config = await readConfig(text, configPath);
  return {
    ...config,
    'postgres-version': options.postgresVersion ?? config['postgres-version'],
    'fail-on': options.failOn ?? config['fail-on'],
    replay: { ...config.replay, mode: options.replay ?? config.replay.mode },
  };
}

/** The inputs of a check: the changed files since --base (with git history), or the files under PATHS. */
async function readInputs(options: CheckOptions, config: Config, io: CliIo, onRead: (file: InputFile) => void): Promise<GatheredInputs> {
  const gathered = await gatherInputs(options, config, io.cwd, onRead);
  for (const problem of gathered.problems) {
    io.stderr(`migration-guard: ${problem.path}: ${problem.message}\n`);
    // NOTE: a migration file that could not be read (a link out of the repository, a loop,
    // no permission) must not pass unseen: it becomes a blocking parse-error on the file.
    if (isCandidate(problem.path)) gathered.files.push({ path: problem.path, text: '', change: 'added', unread: `not checked: ${problem.message}; replace it with a readable file, or exclude it in the config if it is not a migration` });
  }
  return gathered;
}

async function gatherInputs(options: CheckOptions, config: Config, cwd: string, onRead: (file: InputFile) => void): Promise<GatheredInputs & { problems: ReadProblem[] }> {
  if (options.base !== undefined) {
    const scope = options.paths.length ? picomatch(options.paths.map((p) => `${p.replace(/\/$/, '')}{,/**}`), { dot: true }) : () => true;
    const isMigration = migrationMatcher(config);
    const changed = await changedSince(options.base, cwd, (p) => isMigration(p) && scope(p));
    for (const file of changed.files) onRead(file);
    // NOTE: only --base mode has a base commit whose history and code can be searched.
    return { files: changed.files, problems: changed.problems, history: { root: changed.root, baseCommit: changed.mergeBase } };
  }
  // NOTE: a path that does not exist is a usage error that names it, never an empty pass.
  const missing = options.paths.filter((p) => !existsSync(path.resolve(cwd, p)));
  if (missing.length > 0) throw new UsageError(`${missing.map((p) => `"${p}"`).join(', ')}: no such file or directory`);
  return collectPaths(options.paths, cwd, config.exclude, onRead);
}
