import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfiguredRule, validateConfig } from '../../src/core/config.js';
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
