import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfiguredRule, validateConfig } from '../../src/core/config.js';
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
