import { describe, expect, it } from 'vitest';
import {
  configJsonSchema,
  ConfigError,
  type ConfiguredRule,
  durationMs,
  MAX_POSTGRES_VERSION,
  MIN_POSTGRES_VERSION,
  parseConfigText,
  supportedPostgresVersion,
  validateConfig,
} from '../../src/core/config.js';
import { checkMigrations } from '../../src/engine.js';
import { allRules, findRule } from '../../src/rules/index.js';

/** Two rules as config validation sees them: one ordinary, one whose severity is locked. */
const RULES: ConfiguredRule[] = [
  { id: 'ban-thing', severity: 'warning' },
  { id: 'must-block', severity: 'error', severityLocked: 'it always blocks; fix the file instead.' },
];

describe('rules: in the config', () => {
  it('refuses any other severity, and off, for a rule whose severity is locked, quoting the rule\'s reason', () => {
    for (const setting of ['off', 'warning', 'notice', { severity: 'off' }, { severity: 'warning', options: {} }]) {
      expect(() => validateConfig({ rules: { 'must-block': setting } }, RULES, 'c.yml')).toThrow(ConfigError);
    }
    expect(() => validateConfig({ rules: { 'must-block': 'notice' } }, RULES, 'c.yml')).toThrow('c.yml: key "rules.must-block": cannot be "notice": it always blocks; fix the file instead.');
  });

  it('accepts the locked severity itself, options alone, and any severity for other rules', () => {
    expect(validateConfig({ rules: { 'must-block': 'error' } }, RULES).rules['must-block']).toBe('error');
    expect(validateConfig({ rules: { 'must-block': { options: { x: 1 } } } }, RULES).rules['must-block']).toEqual({ options: { x: 1 } });
    expect(validateConfig({ rules: { 'ban-thing': 'off' } }, RULES).rules['ban-thing']).toBe('off');
  });

  it('names an unknown rule with the closest known id', () => {
    expect(() => validateConfig({ rules: { 'ban-thin': 'off' } }, RULES, 'c.yml')).toThrow('c.yml: key "rules.ban-thin": unknown rule "ban-thin" (did you mean "ban-thing"?)');
  });

  it('parse-error is the registry\'s locked rule: the rule file carries it, the config reads it', () => {
    expect(allRules.filter((rule) => rule.severityLocked !== undefined).map((rule) => rule.id)).toEqual(['parse-error']);
    expect(() => validateConfig({ rules: { 'parse-error': 'warning' } }, allRules)).toThrow(`cannot be "warning": ${findRule('parse-error')!.severityLocked}`);
  });
});

describe('a rule configured below its default severity', () => {
  // NOTE: ban-rename-object is an error rule whose function renames are warnings of their own (ReportDescriptor.severity).
  const migration = (sql: string) => [{ path: 'db/001_init.up.sql', text: 'CREATE TABLE users (id bigint PRIMARY KEY);\n', change: 'unchanged' as const }, { path: 'db/002_x.up.sql', text: sql, change: 'added' as const }];
  const severities = async (sql: string, rules: Record<string, string> = {}) => {
    const report = await checkMigrations(migration(sql), validateConfig({ rules, replay: { mode: 'off' } }, allRules));
    return report.findings.filter((f) => f.ruleId === 'ban-rename-object').map((f) => f.severity);
  };

  it('lowers the findings that carry their own severity too, never above the configured level', async () => {
    const renameFunction = 'ALTER FUNCTION total(int) RENAME TO order_total;\n';
    const renameView = 'ALTER VIEW active_users RENAME TO users_active;\n';
    expect(await severities(renameFunction)).toEqual(['warning']);
    expect(await severities(renameView)).toEqual(['error']);
    expect(await severities(renameFunction, { 'ban-rename-object': 'notice' })).toEqual(['notice']);
    expect(await severities(renameView, { 'ban-rename-object': 'warning' })).toEqual(['warning']);
    // At or above the default, a finding's own lower severity stays.
    expect(await severities(renameFunction, { 'ban-rename-object': 'error' })).toEqual(['warning']);
  });
});

describe('supportedPostgresVersion', () => {
  it('accepts the supported majors, from the oldest to the newest', () => {
    expect(supportedPostgresVersion(String(MIN_POSTGRES_VERSION))).toBe(MIN_POSTGRES_VERSION);
    expect(supportedPostgresVersion('15')).toBe(15);
    expect(supportedPostgresVersion(String(MAX_POSTGRES_VERSION))).toBe(MAX_POSTGRES_VERSION);
  });

  it('refuses other majors, minor versions and text', () => {
    for (const text of [String(MIN_POSTGRES_VERSION - 1), String(MAX_POSTGRES_VERSION + 1), '15.4', 'fifteen', '']) expect(supportedPostgresVersion(text), text).toBeUndefined();
  });
});

describe('config files', () => {
  const refusal = async (text: string) => {
    const error = await parseConfigText(text, RULES, '.migration-guard.yml').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).name).toBe('ConfigError');
    return (error as ConfigError).message;
  };

  it('names the file and the line of a YAML error, and quotes the first line of the parser\'s message', async () => {
    expect(await refusal('postgres-version: 15\nrules: [a\n')).toMatch(/^\.migration-guard\.yml: not valid YAML at line \d+: \S/);
    // The parser's message goes on with the line quoted and a caret, on lines of their own.
    expect(await refusal('a: [\n')).toMatch(/^\.migration-guard\.yml: not valid YAML at line 2: Flow sequence [^\n]* at line 2, column 1:$/);
  });

  it('refuses a file whose aliases expand without limit, with the parser\'s reason and no line', async () => {
    const nine = (item: string) => `[${Array(9).fill(item).join(', ')}]`;
    const bomb = [`a: &a ${nine('x')}`, `b: &b ${nine('*a')}`, `c: &c ${nine('*b')}`, `d: &d ${nine('*c')}`, `e: ${nine('*d')}`].join('\n');
    expect(await refusal(`${bomb}\n`)).toBe('.migration-guard.yml: not valid YAML: Excessive alias count indicates a resource exhaustion attack');
  });

  it('wants a mapping of keys, and takes an empty file as the defaults', async () => {
    expect(await refusal('- postgres-version\n')).toBe('.migration-guard.yml: expected a mapping of keys (e.g. "postgres-version: 15"), got ["postgres-version"]');
    expect(await refusal('15\n')).toBe('.migration-guard.yml: expected a mapping of keys (e.g. "postgres-version: 15"), got 15');
    expect((await parseConfigText('', RULES, 'c.yml'))['postgres-version']).toBe(15);
    expect((await parseConfigText('~\n', RULES, 'c.yml'))['postgres-version']).toBe(15);
  });

  it('names the key and the value it refuses, and the key it does not know', async () => {
    expect(await refusal('postgres-version: "fifteen"\n')).toMatch(/^\.migration-guard\.yml: key "postgres-version": .* \(got "fifteen"\)$/);
    expect(await refusal('postgres-versoin: 15\n')).toMatch(/^\.migration-guard\.yml: key "\(top level\)": unknown key "postgres-versoin".*postgres-version/);
  });

  it('lists every unknown key of a mapping', async () => {
    expect(await refusal('replay:\n  moed: off\n  skipp: []\n')).toBe('.migration-guard.yml: key "replay": unknown key "moed", "skipp"');
  });

  it('names "config" as the source when the caller names none', () => {
    expect(() => validateConfig({ 'fail-on': 'sometimes' }, RULES)).toThrow(/^config: key "fail-on": /);
  });

  it('quotes no value when the key holds none', () => {
    // YAML has no undefined, but a settings object built in code can hold one.
    expect(() => validateConfig({ rules: { 'ban-thing': undefined } }, RULES, 'c.yml')).toThrow(/^c\.yml: key "rules\.ban-thing": Invalid input$/);
  });
});

describe('configJsonSchema', () => {
  it('is a draft-07 schema of what a file may hold: every key optional (each has a default), no other key', () => {
    const schema = configJsonSchema() as { $schema: string; required?: string[]; additionalProperties: boolean; properties: Record<string, { required?: string[] }> };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toBeUndefined();
    expect(schema.properties.approvals?.required).toBeUndefined();
    expect(Object.keys(schema.properties)).toContain('size-thresholds');
  });
});

describe('durationMs', () => {
  it('reads minutes, hours, days and weeks, with decimals and a space', () => {
    expect(durationMs('90m')).toBe(5_400_000);
    expect(durationMs('1.25h')).toBe(4_500_000);
    expect(durationMs('2 d')).toBe(172_800_000);
    expect(durationMs('1w')).toBe(604_800_000);
  });

  it('refuses anything else', () => {
    for (const text of ['x1h', '1hx', '1.xh', '1xh', '1', 'h']) expect(() => durationMs(text), text).toThrow(`invalid duration "${text}"`);
  });
});
