/**
 * The CLI: `migration-guard check [PATHS...] [--base REF] [--format ...]`. Parses argv
 * once into typed options, reads files through src/workspace, runs the engine, renders.
 * Exit codes: 0 pass, 1 blocked, 2 usage or configuration error.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { check as runCheck, type GatheredInputs, migrationMatcher } from '../check.js';
import { ConfigError, type Config } from '../core/config.js';
import type { InputFile } from '../core/migration.js';
import type { Report } from '../core/report.js';
import { conventions } from '../conventions/index.js';
import { VERSION } from '../version.js';
import { changedSince } from '../workspace/git.js';
import { collectPaths, isCandidate, type ReadProblem } from '../workspace/files.js';
import { findRule, ruleIds } from '../rules/index.js';
import { renderRuleList, renderRuleExplanation } from './explain.js';
import { renderReport } from './formats.js';
import { type CheckOptions, HELP, parseCheckArgs, UsageError } from './args.js';
import { loadConfig } from './config-file.js';
import { checkOutputWritable, explainGitFailure, stdinInput, writeOutput } from './io-helpers.js';
import { didYouMean } from '../core/suggest.js';
import { statsCommand } from './stats.js';

/** What the CLI needs from the outside world (real process in index.ts, captured in tests). */
export interface CliIo {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  /** All of standard input (read only for `check -`; absent where there is none). */
  readStdin?: () => Promise<Uint8Array>;
  env: Readonly<Record<string, string | undefined>>;
}

export const EXIT = { pass: 0, blocked: 1, usage: 2 } as const;

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
  if (!rule) throw new UsageError(`unknown rule "${ruleId}"${didYouMean(ruleId, ruleIds)}; run "migration-guard rules" for the list`);
  io.stdout(renderRuleExplanation(rule));
  return EXIT.pass;
}

async function check(args: readonly string[], io: CliIo): Promise<number> {
  const options = parseCheckArgs(args, io, ruleIds);
  if (options.help) {
    io.stdout(HELP);
    return EXIT.pass;
  }
  if (options.explain !== undefined) return explain(options.explain, io);
  if (options.output !== undefined) await checkOutputWritable(options.output, io.cwd);
  const { config, source: configSource, baseDir, notes } = await loadConfig(options, io.cwd);
  for (const note of notes) io.stderr(`migration-guard: ${note}\n`);
  const statsPath = options.statsFile ?? config['stats-file'];
  // NOTE: read before the check, so a missing file fails at once.
  const stats = statsPath === undefined ? undefined : { path: statsPath, text: await readConfiguredFile(statsPath, options.statsFile ? undefined : 'stats-file', options.statsFile ? io.cwd : baseDir, configSource) };
  const { report, files, advice } = await runCheck({
    config,
    gather: (onRead) => readInputs(options, config, io, onRead),
    // NOTE: with --base the change is the pull request; without, every file is judged
    // with the files before it as applied history (docs/scope.md).
    scope: options.base === undefined ? 'each-file' : 'change',
    ...(stats ? { stats } : {}),
    replay: {
      // NOTE: a database URL asks for replay (on that server) unless --replay off says otherwise.
      mode: options.replay === undefined && options.databaseUrl ? 'pglite' : config.replay.mode,
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      rehearse: options.rehearse,
      ...(await readSchemaFile(config, baseDir, configSource).then((schemaFile) => (schemaFile ? { schemaFile } : {}))),
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
  if (options.output !== undefined) await writeOutput(options.output, io.cwd, rendered);
  else for (const piece of rendered) io.stdout(piece);
  return exitCode(report);
}

/** The configured `replay.schema-file`, relative to `baseDir` (the working directory, or the repository root whose config was found). */
async function readSchemaFile(config: Config, baseDir: string, configPath: string): Promise<{ path: string; text: string } | undefined> {
  const file = config.replay['schema-file'];
  if (file === undefined || config.replay.mode === 'off') return undefined;
  return { path: file, text: await readConfiguredFile(file, 'replay.schema-file', baseDir, configPath) };
}

/** A file named by a config key (or, with `key` undefined, by an option), relative to `dir`. */
async function readConfiguredFile(file: string, key: string | undefined, dir: string, configPath: string): Promise<string> {
  try {
    return await readFile(path.resolve(dir, file), 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    if (key === undefined) throw new UsageError(`cannot read ${file} (${reason})`);
    throw new ConfigError(`key "${key}": cannot read ${file} (${reason})`, configPath);
  }
}

export function exitCode(report: Report): number {
  return report.verdict === 'pass' ? EXIT.pass : EXIT.blocked;
}

/** The inputs of a check: the changed files since --base (with git history), the files under PATHS, and standard input for `check -`. */
async function readInputs(options: CheckOptions, config: Config, io: CliIo, onRead: (file: InputFile) => void): Promise<GatheredInputs> {
  const gathered = await gatherInputs(options, config, io.cwd, onRead).catch(async (error: unknown) => {
    throw await explainGitFailure(error, options.base ?? '', io.cwd);
  });
  if (options.stdin) {
    if (!io.readStdin) throw new UsageError('"check -" needs standard input, and there is none here');
    const file = stdinInput(await io.readStdin(), options.stdinFilename);
    gathered.files.push(file);
    onRead(file);
  }
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
