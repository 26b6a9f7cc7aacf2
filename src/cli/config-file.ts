/**
 * Finding and loading the CLI's configuration: `--config FILE`, else
 * `.github/migration-guard.yml` in the working directory, else in the git repository's top
 * level (so `check` run from `db/` still uses the repository's config), else squawk's
 * `.squawk.toml` from the working directory up (as squawk looks for it), else the defaults.
 * Command-line options (--postgres-version, --fail-on, --replay, --rule, --exclude-rule)
 * override the file.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { configFromSquawk, readConfig, SQUAWK_CONFIG_FILE } from '../check.js';
import { type Config, ConfigError, defaultConfig, validateConfig } from '../core/config.js';
import { git } from '../workspace/git.js';
import { allRules } from '../rules/index.js';
import { type CheckOptions, DEFAULT_CONFIG_PATH } from './args.js';

/** The configuration a check runs with, and where it came from. */
export interface LoadedConfig {
  config: Config;
  /** The file read (as given or found), or DEFAULT_CONFIG_PATH when none was. */
  source: string;
  /** The folder relative paths in the config (replay.schema-file) are read from. */
  baseDir: string;
  /** What the user should know about how the file was read (printed on standard error). */
  notes: string[];
}

export async function loadConfig(options: CheckOptions, cwd: string): Promise<LoadedConfig> {
  const found = options.configPath !== undefined ? await readGiven(options.configPath, cwd) : await findConfig(cwd);
  const loaded = found ?? { config: defaultConfig(), source: DEFAULT_CONFIG_PATH, baseDir: cwd, notes: [] };
  return { ...loaded, config: withCommandLine(loaded.config, options) };
}

async function readGiven(configPath: string, cwd: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, configPath), 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the config file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); pass an existing file to --config`, configPath);
  }
  if (path.basename(configPath) === SQUAWK_CONFIG_FILE) return { ...(await configFromSquawk(text, configPath)), source: configPath, baseDir: cwd };
  return { config: await readConfig(text, configPath), source: configPath, baseDir: cwd, notes: [] };
}

/**
 * Our config file in the working directory or the repository's top level, else the first
 * .squawk.toml from the working directory up to the top level.
 */
async function findConfig(cwd: string): Promise<LoadedConfig | undefined> {
  const top = await git(cwd, ['rev-parse', '--show-toplevel']).then(
    (out) => out.trim(),
    () => undefined,
  );
  for (const dir of top && path.resolve(top) !== path.resolve(cwd) ? [cwd, top] : [cwd]) {
    const file = path.join(dir, DEFAULT_CONFIG_PATH);
    const text = await readIfPresent(file);
    if (text === undefined) continue;
    const source = path.relative(cwd, file) || DEFAULT_CONFIG_PATH;
    return { config: await readConfig(text, source), source, baseDir: dir, notes: [] };
  }
  for (const dir of squawkSearchFolders(cwd, top)) {
    const file = path.join(dir, SQUAWK_CONFIG_FILE);
    const text = await readIfPresent(file);
    if (text === undefined) continue;
    const source = path.relative(cwd, file) || SQUAWK_CONFIG_FILE;
    return { ...(await configFromSquawk(text, source)), source, baseDir: dir };
  }
  return undefined;
}

/** The file's text, or undefined when it does not exist; other read errors are config errors. */
async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigError(`cannot read the config file (${code ?? (error as Error).message})`, file);
  }
}

/** The command line's settings over the file's; --rule levels validated like the file's `rules:`. */
function withCommandLine(config: Config, options: CheckOptions): Config {
  const rules = { ...config.rules };
  for (const [ruleId, level] of options.ruleLevels) {
    const current = rules[ruleId];
    rules[ruleId] = typeof current === 'object' ? { ...current, severity: level } : level;
  }
  const merged = {
    ...config,
    'postgres-version': options.postgresVersion ?? config['postgres-version'],
    'fail-on': options.failOn ?? config['fail-on'],
    replay: { ...config.replay, mode: options.replay ?? config.replay.mode },
    rules,
  };
  // NOTE: validated again so that a level the file could not set (parse-error off) is refused here too.
  return options.ruleLevels.length > 0 ? validateConfig(merged, allRules, 'command line (--rule, --exclude-rule)') : merged;
}

/** The folders searched for .squawk.toml: `cwd` and its parents, up to `top` (or the file system root). */
export function squawkSearchFolders(cwd: string, top: string | undefined): string[] {
  const folders: string[] = [];
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    folders.push(dir);
    if ((top !== undefined && dir === path.resolve(top)) || path.dirname(dir) === dir) return folders;
  }
}
