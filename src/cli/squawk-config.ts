/**
 * A squawk configuration (`.squawk.toml`, https://squawkhq.com/docs/cli) read as ours when a
 * repository has no migration-guard config: `excluded_rules` turns the mapped rules off
 * (core/squawk.ts), `pg_version` sets postgres-version, `assume_in_transaction` is checked
 * and explained, and squawk's ignore comments are honoured (squawk-ignores: true). Squawk finds the file by walking up from the working directory; so does
 * this, up to the repository's top level.
 */
import path from 'node:path';
import { type Config, ConfigError, validateConfig } from '../core/config.js';
import { SQUAWK_RULES, fromSquawkRules } from '../core/squawk.js';
import { didYouMean } from '../core/suggest.js';
import { allRules, ruleIds } from '../rules/index.js';

export const SQUAWK_CONFIG_FILE = '.squawk.toml';

/** The folders searched for .squawk.toml: `cwd` and its parents, up to `top` (or the file system root). */
export function squawkSearchFolders(cwd: string, top: string | undefined): string[] {
  const folders: string[] = [];
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    folders.push(dir);
    if ((top !== undefined && dir === path.resolve(top)) || path.dirname(dir) === dir) return folders;
  }
}

/** Our config from a .squawk.toml's text, with notes on what was not carried over. */
export async function configFromSquawk(text: string, source: string): Promise<{ config: Config; notes: string[] }> {
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
