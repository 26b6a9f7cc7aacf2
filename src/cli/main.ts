/**
 * The CLI: `migration-guard check [PATHS...] [--base REF] [--format ...]`. Parses argv
 * once into typed options, reads files through src/local, runs the engine, renders.
 * Exit codes: 0 pass, 1 blocked, 2 usage or configuration error.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { ConfigError, type Config } from '../core/config.js';
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
import { renderReport } from './formats.js';
import { type CheckOptions, HELP, parseCheckArgs, UsageError } from './args.js';
import { loadConfig } from './config-file.js';
import { checkOutputWritable, explainGitFailure, stdinInput, writeOutput } from './io-helpers.js';
import { didYouMean } from '../core/suggest.js';

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
  throw new UsageError(`unknown command "${command}"; expected check, rules or explain`);
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
  // NOTE: started first: the parser compiles on background threads while the files are read.
  const parser = prepareParser();
  if (options.output !== undefined) await checkOutputWritable(options.output, io.cwd);
  const { config, source: configSource, baseDir, notes } = await loadConfig(options, io.cwd);
  for (const note of notes) io.stderr(`migration-guard: ${note}\n`);
  const { files, problems, git } = await readInputs(options, config, io.cwd, (file) => parser.reading(file.text.length)).catch(async (error: unknown) => {
    throw await explainGitFailure(error, options.base ?? '', io.cwd);
  });
  if (options.stdin) {
    if (!io.readStdin) throw new UsageError('"check -" needs standard input, and there is none here');
    const file = stdinInput(await io.readStdin(), options.stdinFilename);
    files.push(file);
    parser.reading(file.text.length);
  }
  for (const problem of problems) {
    io.stderr(`migration-guard: ${problem.path}: ${problem.message}\n`);
    // NOTE: a migration file that could not be read (a link out of the repository, a loop,
    // no permission) must not pass unseen: it becomes a blocking parse-error on the file.
    if (isCandidate(problem.path)) files.push({ path: problem.path, text: '', change: 'added', unread: `not checked: ${problem.message}; replace it with a readable file, or exclude it in the config if it is not a migration` });
  }
  // NOTE: only --base mode has a base branch whose history and code can be searched.
  const facts = git ? await gatherFacts(files, config, { root: git.root, baseCommit: git.mergeBase, now: new Date() }) : undefined;
  const report = await withReplay(await checkMigrations(files, config, facts, await parser.ready), files, config, {
    // NOTE: a database URL asks for replay (on that server) unless --replay off says otherwise.
    mode: options.replay === undefined && options.databaseUrl ? 'pglite' : config.replay.mode,
    databaseUrl: options.databaseUrl,
    schemaFile: await readSchemaFile(config, baseDir, configSource),
  });
  const rendered = renderReport(report, options.format, {
    color: options.color,
    sources: new Map(files.map((f) => [f.path, f.text])),
    advice: adviseStrategy(report, config),
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
  try {
    return { path: file, text: await readFile(path.resolve(baseDir, file), 'utf8') };
  } catch (error) {
    throw new ConfigError(`key "replay.schema-file": cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, configPath);
  }
}

export function exitCode(report: Report): number {
  return report.verdict === 'pass' ? EXIT.pass : EXIT.blocked;
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
