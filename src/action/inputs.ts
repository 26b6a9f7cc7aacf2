/**
 * The action's inputs (action.yml), read once into one typed object. Errors quote the bad
 * value and the expected form, as actions/checkout does.
 */
import { MAX_POSTGRES_VERSION, MIN_POSTGRES_VERSION, supportedPostgresVersion, type Config } from '../core/config.js';

/** Everything the action was configured with in the workflow. */
export interface ActionInputs {
  token: string;
  /** Config file path in the repository (read from the base branch, see config.ts). */
  configPath: string;
  /** Migration globs that replace the config's `paths`; empty: use the config. */
  paths: string[];
  postgresVersion?: number;
  replay?: 'pglite' | 'off';
  databaseUrl?: string;
  /** The base-schema cache directory (relative to the workspace) that the workflow keeps with actions/cache; unset: no cache. */
  replayCacheDir?: string;
  failOn?: Config['fail-on'];
  comment?: Config['comment'];
  /** Where to write a SARIF 2.1.0 file for code scanning; unset: none. */
  sarifFile?: string;
  /** `workflow_run` only: the JSON report downloaded from the pull_request run (untrusted). */
  reportFile?: string;
  /** The login the token acts as: only comments by it are the bot's own. */
  botLogin: string;
}

/** A bad input value, named and quoted. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export const DEFAULT_BOT_LOGIN = 'github-actions[bot]';

/** Reads the inputs through `getInput` (core.getInput: trimmed, '' when unset). */
export function parseInputs(getInput: (name: string) => string): ActionInputs {
  const token = getInput('github-token');
  if (!token) throw new InputError('Input "github-token" is empty; expected a token, e.g. "${{ github.token }}" (the default).');
  const oneOf = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
    const value = getInput(name);
    if (value === '') return undefined;
    if (!(allowed as readonly string[]).includes(value)) throw new InputError(`Input "${name}" is "${value}"; expected one of: ${allowed.join(', ')}.`);
    return value as T;
  };
  const optional = (name: string) => getInput(name) || undefined;
  let postgresVersion: number | undefined;
  const version = getInput('postgres-version');
  if (version !== '') {
    postgresVersion = supportedPostgresVersion(version);
    if (postgresVersion === undefined) {
      throw new InputError(`Input "postgres-version" is "${version}"; expected a major version from ${MIN_POSTGRES_VERSION} to ${MAX_POSTGRES_VERSION}, e.g. "15".`);
    }
  }
  return {
    token,
    configPath: getInput('config') || '.github/migration-guard.yml',
    paths: getInput('paths')
      .split(/[\n,]/)
      .map((p) => p.trim())
      .filter(Boolean),
    postgresVersion,
    replay: oneOf('replay', ['pglite', 'off'] as const),
    databaseUrl: optional('database-url'),
    replayCacheDir: optional('replay-cache-dir'),
    failOn: oneOf('fail-on', ['error', 'warning', 'never'] as const),
    comment: oneOf('comment', ['always', 'on-findings', 'off'] as const),
    sarifFile: optional('sarif-file'),
    reportFile: optional('report-file'),
    botLogin: getInput('bot-login') || DEFAULT_BOT_LOGIN,
  };
}

/** The config with the workflow's inputs applied on top (inputs win). */
export function applyInputs(config: Config, inputs: ActionInputs): Config {
  return {
    ...config,
    paths: inputs.paths.length ? inputs.paths : config.paths,
    'postgres-version': inputs.postgresVersion ?? config['postgres-version'],
    'fail-on': inputs.failOn ?? config['fail-on'],
    comment: inputs.comment ?? config.comment,
    replay: { ...config.replay, mode: inputs.replay ?? config.replay.mode },
  };
}
