/**
 * The pipeline, once, for every entry point (the CLI's `check`, with and without --base;
 * the action's pull request, comment and merge-group runs):
 *
 *   inputs -> files -> config -> facts -> parse -> replay (a stage) -> rules ->
 *   suppressions -> per-file caps -> verdict -> advice
 *
 * The caller says where the files come from (the working tree, git, the GitHub API) and
 * hands in the config it loaded with readConfig; everything after that is computed here,
 * each step once. See ARCHITECTURE.md.
 */
import picomatch from 'picomatch';
import { type Scope, underReview } from './core/analyze.js';
import { type Config, ConfigError, defaultConfig, parseConfigText, validateConfig } from './core/config.js';
import { type InputFile, isChanged } from './core/migration.js';
import type { Report } from './core/report.js';
import { adviseStrategy, type StrategyAdvice } from './core/strategy.js';
import { DEFAULT_MIGRATION_GLOBS } from './conventions/index.js';
import { checkMigrations } from './engine.js';
import { gatherHistoryFacts } from './history/gather.js';
import { prepareParser } from './parser/parse-pool.js';
import { openingReplayStage, type ReplaySettings, startReplayEarly } from './replay/index.js';
import { SQUAWK_RULES, fromSquawkRules } from './core/squawk.js';
import { didYouMean } from './core/suggest.js';
import { allRules, ruleIds } from './rules/index.js';
import { withStats } from './stats/context.js';

/** The migration files of one check, and where their git history is when there is one. */
export interface GatheredInputs {
  /** Changed files (added, modified, deleted) and unchanged ones as context, in any order. */
  files: InputFile[];
  /**
   * A git checkout with the base commit (the merge base): history and code facts for the
   * expand/contract rules come from it. Absent: those rules stay quiet.
   */
  history?: { root: string; baseCommit: string; headRevision?: string };
}

export interface CheckRequest {
  config: Config;
  /**
   * Reads the inputs; calls `onRead` for each changed file as it is read, so the parser's
   * worker threads start while the rest is still being read.
   */
  gather: (onRead: (file: InputFile) => void) => Promise<GatheredInputs>;
  /** Which migrations are new (docs/scope.md): `change` for --base and the action, `each-file` for `check PATHS`. */
  scope: Scope;
  replay: ReplaySettings;
  /** The production stats snapshot (`stats-file:` or --stats-file), read by the caller: findings are judged by the tables they hit (docs/production-context.md). */
  stats?: { path: string; text: string };
  /** Writes a line to the log (the action's), e.g. about the parser's workers. */
  log?: (line: string) => void;
}

export interface CheckResult {
  report: Report;
  /** The inputs as gathered (the action binds approvals to the changed ones). */
  files: InputFile[];
  advice: StrategyAdvice;
}

/** Runs the whole pipeline. */
export async function check(request: CheckRequest): Promise<CheckResult> {
  // NOTE: started first: the parser compiles on background threads while the inputs are read.
  const parser = prepareParser(request.log);
  const { files, history } = await request.gather((file) => {
    if (!isChanged(file.change)) return;
    parser.reading(file.text.length);
    // NOTE: a migration added or modified almost always has statements to replay.
    startReplayEarly(request.replay);
  });
  const { config } = request;
  // NOTE: nothing under review: no rule reads the facts (core/analyze.ts), which cost git commands.
  const facts = history && underReview(files) ? await gatherHistoryFacts(files, config, { ...history, now: new Date() }) : undefined;
  const replay = openingReplayStage(config, request.replay);
  const checked = await checkMigrations(files, config, {
    ...(facts ? { facts } : {}),
    ...(replay ? { replay } : {}),
    parseAhead: await parser.ready,
    scope: request.scope,
  });
  const report = request.stats ? withStats(checked, config, request.stats) : checked;
  return { report, files, advice: adviseStrategy(report, config, allRules) };
}

/**
 * The config from a config file's text (undefined: no file, the defaults), for the CLI (a
 * file on disk) and the action (the file on the base commit, `where`).
 */
export async function readConfig(text: string | undefined, configPath: string, where?: string): Promise<Config> {
  if (text === undefined) return defaultConfig();
  return sayingWhere(parseConfigText(text, allRules, configPath), configPath, where);
}

/** `reading`, its ConfigError naming `where` the file was read (e.g. the base commit) when given. */
async function sayingWhere<T>(reading: Promise<T>, configPath: string, where: string | undefined): Promise<T> {
  try {
    return await reading;
  } catch (error) {
    if (error instanceof ConfigError && where) throw new ConfigError(`${error.detail} (${where})`, configPath);
    throw error;
  }
}

/** Which paths are migrations under the config (`paths`, or the conventions' defaults, minus `exclude`). */
export function migrationMatcher(config: Config): (p: string) => boolean {
  const isMigration = picomatch(config.paths.length ? config.paths : DEFAULT_MIGRATION_GLOBS, { dot: true });
  const excluded = config.exclude.length ? picomatch(config.exclude, { dot: true }) : () => false;
  return (p) => isMigration(p) && !excluded(p);
}

/**
 * squawk's config file (https://squawkhq.com/docs/cli), read as ours when a repository has no
 * migration-guard config: by the CLI (found by walking up from the working directory, as
 * squawk does) and by the action (at the repository's top level on the base commit).
 */
export const SQUAWK_CONFIG_FILE = '.squawk.toml';

/**
 * Our config from a .squawk.toml's text, with notes on what was not carried over:
 * `excluded_rules` turns the mapped rules off (core/squawk.ts), `pg_version` sets
 * postgres-version, `assume_in_transaction` is checked and explained, and squawk's ignore
 * comments are honoured (squawk-ignores: true).
 */
export function configFromSquawk(text: string, source: string, where?: string): Promise<{ config: Config; notes: string[] }> {
  return sayingWhere(squawkConfig(text, source), source, where);
}

async function squawkConfig(text: string, source: string): Promise<{ config: Config; notes: string[] }> {
  // NOTE: smol-toml (TOML 1.0, maintained, no dependencies) loads only when there is a file.
  const { parse, TomlError } = await import('smol-toml');
  let raw: Record<string, unknown>;
  try {
    raw = parse(text);
  } catch (error) {
    const where = error instanceof TomlError ? ` at line ${error.line}` : '';
    throw new ConfigError(`not valid TOML${where}: ${(error as Error).message.split('\n')[0]}`, source);
  }
  const notes: string[] = [];
  const rules: Record<string, 'off'> = {};
  const excluded = raw.excluded_rules;
  if (excluded !== undefined) {
    if (!Array.isArray(excluded) || excluded.some((name) => typeof name !== 'string')) throw new ConfigError(`key "excluded_rules": expected a list of squawk rule names (got ${JSON.stringify(excluded)})`, source);
    for (const name of excluded as string[]) {
      const ours = fromSquawkRules([name]).filter((id) => ruleIds.includes(id));
      if (ours.length === 0) notes.push(`${source}: excluded_rules: "${name}" has no migration-guard equivalent; nothing turned off for it${didYouMean(name, Object.keys(SQUAWK_RULES))}`);
      for (const id of ours) rules[id] = 'off';
    }
  }
  // NOTE: a repository configured for squawk has squawk's ignore comments in its migrations.
  const settings: Record<string, unknown> = { rules, 'squawk-ignores': true };
  if (raw.pg_version !== undefined) {
    // squawk writes it as a version string, e.g. "13.0"
    const major = /^(\d+)(\.\d+)*$/.exec(String(raw.pg_version).trim());
    if (!major) throw new ConfigError(`key "pg_version": expected a PostgreSQL version such as "15.0" (got ${JSON.stringify(raw.pg_version)})`, source);
    settings['postgres-version'] = Number(major[1]);
  }
  const assume = raw.assume_in_transaction;
  if (assume !== undefined && typeof assume !== 'boolean') throw new ConfigError(`key "assume_in_transaction": expected true or false (got ${JSON.stringify(assume)})`, source);
  if (assume === true) {
    notes.push(`${source}: assume_in_transaction: migration-guard knows from each migration tool whether it runs a file in a transaction (see docs/conventions.md), so this setting is not needed; set "convention:" in ${'.github/migration-guard.yml'} if detection picks the wrong tool`);
  }
  return { config: validateConfig(settings, allRules, source), notes };
}
