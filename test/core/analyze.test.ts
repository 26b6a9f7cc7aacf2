/**
 * The engine's contract with rules (src/core/analyze.ts): a rule that crashes or breaks
 * its metadata becomes a blocking internalError finding on that statement or file, and the
 * other rules' findings are kept.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.js';
import { defaultConfig } from '../../src/core/config.js';
import { defineRule, type Rule } from '../../src/core/rule.js';
import { discoverMigrations } from '../../src/conventions/index.js';
import { allRules } from '../../src/rules/index.js';

const meta = {
  severity: 'error' as const,
  category: 'process' as const,
  summary: 'a rule made for this test',
  lock: null,
  rewrites: false,
  why: 'it exists to check how the engine treats rules',
  references: ['https://example.invalid'],
  examples: { valid: [], invalid: [] },
};

const crashesOnDrop = defineRule({
  ...meta,
  id: 'test-crashes-on-drop',
  messages: { never: 'never reported' },
  statementKinds: ['DropStmt'],
  statement() {
    throw new Error('boom');
  },
});

const unknownMessage = defineRule({
  ...meta,
  id: 'test-unknown-message',
  messages: { known: 'known' },
  file({ report }) {
    report({ messageId: 'other' as 'known' });
  },
});

const banDropTable = allRules.find((r) => r.id === 'ban-drop-table')!;

async function findings(rules: Rule[]) {
  const files = [{ path: 'migrations/20260101000000_drop.up.sql', text: 'CREATE INDEX CONCURRENTLY a_idx ON a (x);\nDROP TABLE users;\n', change: 'added' as const }];
  return (await analyze({ files, config: defaultConfig(), rules, discover: discoverMigrations })).findings;
}

describe('rules that break', () => {
  it('a crash in a statement hook becomes an error on that statement; other rules still report', async () => {
    const result = await findings([banDropTable, crashesOnDrop]);
    const crash = result.find((f) => f.ruleId === 'test-crashes-on-drop')!;
    expect(crash).toMatchObject({ messageId: 'internalError', severity: 'error', statement: 'DROP TABLE users' });
    expect(crash.message).toContain('Internal error in rule test-crashes-on-drop: boom');
    expect(result.filter((f) => f.ruleId === 'test-crashes-on-drop')).toHaveLength(1); // only the DROP statement
    expect(result.some((f) => f.ruleId === 'ban-drop-table' && f.statement === 'DROP TABLE users')).toBe(true);
  });

  it('a report with an unknown message id becomes an error on the file', async () => {
    const result = await findings([unknownMessage]);
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ ruleId: 'test-unknown-message', messageId: 'internalError', file: 'migrations/20260101000000_drop.up.sql' });
    expect(result[0]!.message).toContain('reported unknown messageId "other"');
  });
});
