/**
 * The configuration file (`.github/migration-guard.yml`), validated once into one typed
 * object. Errors name the key, quote the bad value and say what is expected.
 */
import * as z from './zod.js';
import { CONVENTION_IDS } from './migration.js';
import { SEVERITIES } from './finding.js';
import { didYouMean } from './suggest.js';
import { sizeThresholdsSchema } from './production-context.js';
import type { RuleMeta } from './rule.js';

export const MIN_POSTGRES_VERSION = 10;
export const MAX_POSTGRES_VERSION = 18;

/**
 * The Postgres major version `text` names (e.g. "15"), when it is a supported one; the one
 * check behind --postgres-version and the action's postgres-version input.
 */
export function supportedPostgresVersion(text: string): number | undefined {
  const version = Number(text);
  return Number.isInteger(version) && version >= MIN_POSTGRES_VERSION && version <= MAX_POSTGRES_VERSION ? version : undefined;
}
export const DEFAULT_POSTGRES_VERSION = 15;

/** The seed's pre-deployment checklist: ticked by an authorised reviewer when a PR blocks. */
export const DEFAULT_CHECKLIST = [
  'Tested on staging with production-sized data',
  'Rollback plan reviewed (down migration or restore steps)',
  'Backup taken or point-in-time recovery confirmed',
  'Monitoring ready (locks, error rate, replication lag)',
  'Team notified of the maintenance window',
];

/** The seed's post-deployment checklist: a follow-up comment when a PR with migrations merges. */
export const DEFAULT_POST_DEPLOYMENT_CHECKLIST = [
  'Watch lock waits and long-running queries while the migration runs',
  'Error rate and latency back to their usual level after deploy',
  'Replication lag back to normal',
  'Keep the pre-migration backup for 7 days',
  'Schedule the contract (cleanup) migration once every old service is gone',
];

const severityOrOff = z.enum(['off', ...SEVERITIES]);
const ruleSetting = z.union([
  severityOrOff,
  z.strictObject({
    severity: z.optional(severityOrOff),
    options: z.optional(z.record(z.string(), z.unknown())),
  }),
]);
const duration = z.string().check(z.regex(/^\d+(\.\d+)?\s*(m|h|d|w)$/, 'a duration such as "24h", "14d" or "90m"'));
const permission = z.enum(['read', 'triage', 'write', 'maintain', 'admin']);
const names = (fallback: string[]) => z._default(z.array(z.string().check(z.minLength(1))), fallback);

const configSchema = z.strictObject({
  'postgres-version': z._default(z.int().check(z.minimum(MIN_POSTGRES_VERSION), z.maximum(MAX_POSTGRES_VERSION)), DEFAULT_POSTGRES_VERSION),
  'fail-on': z._default(z.enum(['error', 'warning', 'never']), 'error'),
  convention: z._default(z.enum(['auto', ...CONVENTION_IDS]), 'auto'),
  paths: names([]),
  exclude: names([]),
  rules: z._default(z.record(z.string(), ruleSetting), {}),
  // Honour squawk's `-- squawk-ignore` comments, its rule names mapped to ours (core/squawk.ts).
  'squawk-ignores': z._default(z.boolean(), false),
  checklist: names(DEFAULT_CHECKLIST),
  comment: z._default(z.enum(['always', 'on-findings', 'off']), 'on-findings'),
  approvals: z.prefault(
    z.strictObject({
      permission: z._default(permission, 'maintain'),
      users: z._default(z.array(z.string()), []),
      teams: z._default(z.array(z.string()), []),
      'allow-author': z._default(z.boolean(), false),
    }),
    {},
  ),
  'contract-wait': z.prefault(z.strictObject({ column: z._default(duration, '24h'), table: z._default(duration, '14d') }), {}),
  'post-deployment': z.prefault(
    z.strictObject({
      comment: z._default(z.boolean(), true),
      checklist: names(DEFAULT_POST_DEPLOYMENT_CHECKLIST),
    }),
    {},
  ),
  'code-paths': names([]),
  replay: z.prefault(
    z.strictObject({
      mode: z._default(z.enum(['pglite', 'off']), 'pglite'),
      'schema-file': z.optional(z.string()),
      skip: z._default(z.array(z.string()), []),
    }),
    {},
  ),
  /** A stats snapshot (`migration-guard stats`) to judge findings by the tables they hit. */
  'stats-file': z.optional(z.string().check(z.minLength(1))),
  'size-thresholds': sizeThresholdsSchema,
});

/** The validated configuration. Every key has a default, so `{}` is a valid file. */
export type Config = z.output<typeof configSchema>;

/** A configuration problem, with the file and key it is about. */
export class ConfigError extends Error {
  constructor(
    /** What is wrong, without the file name. */
    readonly detail: string,
    readonly source: string,
  ) {
    super(`${source}: ${detail}`);
    this.name = 'ConfigError';
  }
}

/** The defaults, as used when there is no config file. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}

/** What validating a config needs to know of each rule (the registry's rules have it). */
export type ConfiguredRule = Pick<RuleMeta<string>, 'id' | 'severity' | 'severityLocked'>;

/**
 * Validates a parsed config object. `knownRules` checks the keys of `rules:` and the
 * severities of rules whose severity is locked.
 * @param source names the file in error messages.
 */
export function validateConfig(raw: unknown, knownRules: readonly ConfiguredRule[], source = 'config'): Config {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path.join('.') || '(top level)';
    const value = issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k as string], raw);
    const detail =
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}${didYouMean(issue.keys[0]!, Object.keys(configSchema.shape))}`
        : `${issue.message}${value === undefined ? '' : ` (got ${JSON.stringify(value)})`}`;
    throw new ConfigError(`key "${key}": ${detail}`, source);
  }
  for (const [ruleId, setting] of Object.entries(result.data.rules)) {
    const rule = knownRules.find((known) => known.id === ruleId);
    if (!rule) {
      const ids = knownRules.map((known) => known.id);
      throw new ConfigError(`key "rules.${ruleId}": unknown rule "${ruleId}"${didYouMean(ruleId, ids)}. Run "migration-guard rules" for the list.`, source);
    }
    const severity = typeof setting === 'string' ? setting : setting.severity;
    if (rule.severityLocked !== undefined && severity !== undefined && severity !== rule.severity) {
      throw new ConfigError(`key "rules.${ruleId}": cannot be "${severity}": ${rule.severityLocked}`, source);
    }
  }
  return result.data;
}

/** Parses and validates the text of a YAML (or JSON) config file. */
export async function parseConfigText(text: string, knownRules: readonly ConfiguredRule[], source: string): Promise<Config> {
  // NOTE: the YAML parser loads only when there is a config file (about 8 ms of start-up).
  const { parse: parseYaml, YAMLParseError } = await import('yaml');
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    throw new ConfigError(`not valid YAML${where}: ${(error as Error).message.split('\n')[0]}`, source);
  }
  // NOTE: an empty file parses to null, which passes (typeof null is 'object'): the defaults.
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`expected a mapping of keys (e.g. "postgres-version: 15"), got ${JSON.stringify(raw)}`, source);
  }
  return validateConfig(raw, knownRules, source);
}

/** The JSON Schema of the config file, for editor completion (published as schema/config.schema.json). */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input', target: 'draft-7' });
}

/** Converts a duration such as "24h" to milliseconds. */
export function durationMs(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(m|h|d|w)$/.exec(value);
  if (!match) throw new Error(`invalid duration ${JSON.stringify(value)}`);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as 'm' | 'h' | 'd' | 'w'];
  return Number(match[1]) * unit;
}
