/**
 * The command line of `migration-guard check`: the help text, the options after parsing,
 * and the errors a mistyped command line gets (named, with "did you mean", never Node's
 * raw parser text).
 */
import { parseArgs } from 'node:util';
import { type Config, MAX_POSTGRES_VERSION, MIN_POSTGRES_VERSION } from '../core/config.js';
import { SEVERITIES, type Severity } from '../core/finding.js';
import { didYouMean } from '../core/suggest.js';
import { FORMATS, type Format } from './formats.js';
import { STATS_HELP } from './stats.js';

export const DEFAULT_CONFIG_PATH = '.github/migration-guard.yml';

/** The path given to standard input's SQL when --stdin-filename is not. */
export const DEFAULT_STDIN_FILENAME = 'stdin.sql';

export const HELP = `migration-guard: review PostgreSQL migrations for zero-downtime safety.

Usage:
  migration-guard check [PATHS...] [options]   check migration files or folders
  migration-guard check - [options]            check SQL read from standard input
  migration-guard check --base REF [options]   check migrations changed since the merge base with REF
  migration-guard rules                        list every rule
  migration-guard explain RULE                 show a rule's documentation (also: check --explain RULE)
${STATS_HELP}
Options:
  --base REF                 compare with git: files added/changed since merge-base(REF, HEAD),
                             including uncommitted and untracked files; changes to migrations
                             that exist on REF are flagged (needs REF's history: in CI, fetch
                             it, e.g. actions/checkout with fetch-depth: 0)
  --stdin-filename PATH      the path SQL read with "check -" is checked as (default ${DEFAULT_STDIN_FILENAME});
                             it chooses the migration convention, e.g. db/migrate/x.up.sql
  --format FORMAT            text (default), json, sarif (2.1.0), markdown (the PR comment),
                             github (workflow-command annotations), gitlab (Code Quality report)
  --output FILE              write the report to FILE instead of standard output
  --config FILE              config file (default: ${DEFAULT_CONFIG_PATH} in the working
                             directory, else in the git repository's top level; else the
                             repository's .squawk.toml)
  --rule RULE=LEVEL          set a rule's level: off, notice, warning or error (repeatable;
                             overrides the config file)
  --exclude-rule RULE        turn a rule off (repeatable; same as --rule RULE=off)
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

/** A mistake on the command line: exit 2 with the message and a pointer to --help. */
export class UsageError extends Error {}

/** A rule's level set on the command line. */
export type RuleLevel = 'off' | Severity;

/** Options after parsing argv. */
export interface CheckOptions {
  paths: string[];
  /** `-` was given: check SQL from standard input, as `stdinFilename`. */
  stdin: boolean;
  stdinFilename: string;
  base?: string;
  format: Format;
  output?: string;
  configPath?: string;
  postgresVersion?: number;
  failOn?: Config['fail-on'];
  replay?: Config['replay']['mode'];
  databaseUrl?: string;
  /** --stats-file: the production stats snapshot (docs/production-context.md). */
  statsFile?: string;
  /** --rehearse: run in the --database-url database itself (a production-sized clone). */
  rehearse: boolean;
  /** --rule and --exclude-rule, in command-line order (a later one wins). */
  ruleLevels: Array<[ruleId: string, level: RuleLevel]>;
  color: boolean;
}

const CHECK_OPTIONS = {
  base: { type: 'string' },
  'stdin-filename': { type: 'string' },
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  config: { type: 'string', short: 'c' },
  rule: { type: 'string', multiple: true },
  'exclude-rule': { type: 'string', multiple: true },
  'postgres-version': { type: 'string' },
  'fail-on': { type: 'string' },
  replay: { type: 'string' },
  'database-url': { type: 'string' },
  'stats-file': { type: 'string' },
  rehearse: { type: 'boolean' },
  explain: { type: 'string' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const LEVELS: readonly RuleLevel[] = ['off', ...SEVERITIES];

/**
 * Parses the arguments after `check`. `knownRuleIds` checks --rule and --exclude-rule.
 * @throws UsageError naming the option and what it expects.
 */
export function parseCheckArgs(args: readonly string[], io: { isTTY: boolean; env: Readonly<Record<string, string | undefined>> }, knownRuleIds: readonly string[]): CheckOptions & { explain?: string; help: boolean } {
  const { values, positionals, tokens } = parseOrExplain(args);
  const format = values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`invalid --format "${format}"; expected one of ${FORMATS.join(', ')}${didYouMean(format, FORMATS)}`);
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
  const stdin = positionals.includes('-');
  const paths = positionals.filter((p) => p !== '-');
  if (stdin && values.base !== undefined) throw new UsageError('"check -" reads one file from standard input; it cannot be combined with --base');
  if (values['stdin-filename'] !== undefined && !stdin) throw new UsageError('--stdin-filename names the SQL read from standard input: add "-" to read it, e.g. "migration-guard check - --stdin-filename db/migrate/1_x.sql"');
  if (values.base === undefined && positionals.length === 0 && !values.explain && !values.help) {
    throw new UsageError('check needs PATHS (files or folders), "-" for standard input, or --base REF');
  }
  // NOTE: from the tokens, so that `--exclude-rule a --rule a=error` keeps the order it was typed in.
  const ruleLevels = tokens.flatMap((token): Array<[string, RuleLevel]> => {
    if (token.kind !== 'option' || token.value === undefined) return [];
    if (token.name === 'exclude-rule') return [[knownRule(token.value, '--exclude-rule', knownRuleIds), 'off']];
    if (token.name === 'rule') return [ruleLevel(token.value, knownRuleIds)];
    return [];
  });
  return {
    paths,
    stdin,
    stdinFilename: values['stdin-filename'] ?? DEFAULT_STDIN_FILENAME,
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
    ruleLevels,
    color: !values['no-color'] && io.isTTY && !io.env.NO_COLOR && format === 'text' && values.output === undefined,
    explain: values.explain,
    help: !!values.help,
  };
}

/** node:util parseArgs, with its errors turned into ours. */
function parseOrExplain(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], allowPositionals: true, tokens: true, options: CHECK_OPTIONS });
  } catch (error) {
    throw usageErrorFor(error as Error & { code?: string });
  }
}

/**
 * Node's parseArgs errors (ERR_PARSE_ARGS_*), reworded: which option, and what to do.
 * NOTE: Node names the option in quotes in its message ("Unknown option '--foo'. To
 * specify a positional argument..."); the code says which kind of mistake it is.
 */
function usageErrorFor(error: Error & { code?: string }): UsageError {
  const option = /'(-[^' ]*)/.exec(error.message)?.[1];
  const names = Object.entries(CHECK_OPTIONS).flatMap(([name, spec]) => ['short' in spec ? `-${spec.short}` : [], `--${name}`].flat());
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    const name = option.split('=')[0]!;
    return new UsageError(`unknown option "${name}"${didYouMean(name, names)}`);
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    const name = option.split(' ')[0]!;
    return /argument missing/.test(error.message) ? new UsageError(`option "${name}" needs a value, e.g. ${name} VALUE`) : new UsageError(`option "${name}" takes no value`);
  }
  return new UsageError(error.message.split('\n')[0]!);
}

/** `--rule RULE=LEVEL`, checked. */
function ruleLevel(value: string, knownRuleIds: readonly string[]): [string, RuleLevel] {
  const at = value.lastIndexOf('=');
  if (at === -1) throw new UsageError(`--rule "${value}" needs a level: --rule ${value}=off (or notice, warning, error)`);
  const level = value.slice(at + 1);
  if (!(LEVELS as readonly string[]).includes(level)) {
    // NOTE: ESLint spells its levels "warn" and "error": a prefix is a likely mistake too.
    const prefixed = level === '' ? undefined : LEVELS.find((l) => l.startsWith(level));
    throw new UsageError(`--rule "${value}": level "${level}" is not one of ${LEVELS.join(', ')}${prefixed ? ` (did you mean "${prefixed}"?)` : didYouMean(level, LEVELS)}`);
  }
  return [knownRule(value.slice(0, at), '--rule', knownRuleIds), level as RuleLevel];
}

function knownRule(ruleId: string, option: string, knownRuleIds: readonly string[]): string {
  if (!knownRuleIds.includes(ruleId)) throw new UsageError(`${option}: unknown rule "${ruleId}"${didYouMean(ruleId, knownRuleIds)}; run "migration-guard rules" for the list`);
  return ruleId;
}
