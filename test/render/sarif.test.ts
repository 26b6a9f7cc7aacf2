// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html): result
// levels (3.27.10: "error", "warning", "note"), 1-based regions whose endColumn is the column
// after the region (3.30.8), in-source suppressions (3.35), and the rule metadata GitHub code
// scanning shows (shortDescription, fullDescription, help, helpUri, defaultConfiguration).
import { describe, expect, it } from 'vitest';
import { findingKey } from '../../src/core/finding.js';
import { lockInfo } from '../../src/core/locks.js';
import type { Rule } from '../../src/core/rule.js';
import { renderSarif, SARIF_SCHEMA, toSarif } from '../../src/render/sarif.js';
import { allRules } from '../../src/rules/index.js';
import { findingOf, reportOf } from '../support/findings.js';

const ruleWhere = (test: (rule: Rule) => boolean) => {
  const rule = allRules.find(test);
  if (!rule) throw new Error('no rule in the registry fits this test');
  return rule;
};

describe('SARIF results', () => {
  const multiLine = { startOffset: 0, endOffset: 90, start: { line: 2, column: 1 }, end: { line: 4, column: 12 } };

  it('map error, warning and notice to the levels error, warning and note', () => {
    const log = toSarif(reportOf([findingOf({ severity: 'error' }), findingOf({ severity: 'warning' }), findingOf({ severity: 'notice' })]), { rules: allRules, toolVersion: '1.0.0' });
    expect(log.runs[0]!.results!.map((r) => r.level)).toEqual(['error', 'warning', 'note']);
  });

  it('locate the finding with an exclusive end column, carry the safe alternative, a stable fingerprint and the ignore reason', () => {
    const finding = findingOf({ span: multiLine, fix: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;', statement: 'ALTER TABLE users DROP COLUMN email', suppression: { kind: 'inline', reason: 'column unused since v3', line: 1 } });
    const result = toSarif(reportOf([finding]), { rules: allRules, toolVersion: '1.0.0' }).runs[0]!.results![0]!;
    expect(result).toEqual({
      ruleId: 'ban-drop-column',
      ruleIndex: allRules.findIndex((r) => r.id === 'ban-drop-column'),
      level: 'error',
      message: { text: 'Dropping column "email" breaks running code\n\nSafe alternative:\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'db/001_drop.sql' }, region: { startLine: 2, startColumn: 1, endLine: 4, endColumn: 13 } } }],
      partialFingerprints: { 'migrationGuard/v1': findingKey(finding) },
      suppressions: [{ kind: 'inSource', justification: 'column unused since v3' }],
    });
  });

  it('leave out ruleIndex for a rule the list does not hold, and suppressions when nothing suppresses', () => {
    const result = toSarif(reportOf([findingOf()]), { rules: [], toolVersion: '1.0.0' }).runs[0]!.results![0]!;
    expect(result.message).toEqual({ text: 'Dropping column "email" breaks running code' });
    expect('ruleIndex' in result).toBe(false);
    expect('suppressions' in result).toBe(false);
  });
});

describe('SARIF rules and log', () => {
  it("describe each rule: summary, why, help with the safe alternative, docs link, default level, category and lock", () => {
    const withFix = ruleWhere((rule) => Boolean(rule.fix) && Boolean(rule.lock) && rule.severity === 'error');
    const withoutFix = ruleWhere((rule) => !rule.fix && !rule.lock);
    const warning = ruleWhere((rule) => rule.severity === 'warning');
    const notice = ruleWhere((rule) => rule.severity === 'notice');
    const log = toSarif(reportOf([]), { rules: [withFix, withoutFix, warning, notice], toolVersion: '9.9.9' });
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe(SARIF_SCHEMA);
    const driver = log.runs[0]!.tool.driver;
    expect(driver).toMatchObject({ name: 'migration-guard', version: '9.9.9', informationUri: 'https://github.com/migration-guard/migration-guard' });
    expect(driver.rules![0]).toEqual({
      id: withFix.id,
      name: withFix.id,
      shortDescription: { text: withFix.summary },
      fullDescription: { text: withFix.why },
      helpUri: `https://github.com/migration-guard/migration-guard/blob/main/docs/rules/${withFix.id}.md`,
      help: { text: `${withFix.why}\n\nSafe alternative:\n${withFix.fix}` },
      defaultConfiguration: { level: 'error' },
      properties: { category: withFix.category, lock: withFix.lock },
    });
    expect(driver.rules![1]).toMatchObject({ help: { text: withoutFix.why }, properties: { category: withoutFix.category } });
    expect('lock' in driver.rules![1]!.properties!).toBe(false);
    expect(driver.rules![2]!.defaultConfiguration).toEqual({ level: 'warning' });
    expect(driver.rules![3]!.defaultConfiguration).toEqual({ level: 'note' });
  });

  it('renders as indented JSON ending in a newline', () => {
    const report = reportOf([findingOf({ lock: lockInfo('ACCESS EXCLUSIVE') })]);
    const text = renderSarif(report, { rules: allRules, toolVersion: '1.0.0' });
    expect(text).toBe(`${JSON.stringify(toSarif(report, { rules: allRules, toolVersion: '1.0.0' }), null, 2)}\n`);
  });
});
