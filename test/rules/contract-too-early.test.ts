/**
 * contract-too-early beyond its examples: how the age of the expand step is worded at the
 * unit boundaries, what a shallow clone reports instead of a verdict, and the details a
 * finding carries for its phase plan.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import type { HistoryFacts } from '../../src/core/history-facts.js';
import { checkMigrations } from '../../src/engine.js';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('contract-too-early')!;
const NOW = '2026-11-25T12:00:00Z';
const HOUR = 3_600_000;

/** The `age` a drop of users.email reports when its expand step landed `ms` before now. */
async function ageAfter(ms: number): Promise<string> {
  const landedAt = new Date(Date.parse(NOW) - ms).toISOString();
  const findings = await runExample(rule, {
    sql: 'ALTER TABLE users DROP COLUMN email;',
    facts: { now: NOW, expand: { 'users.email': { source: 'migration', path: 'migrations/001_add_email_address.up.sql', commit: '4f2c1e9', landedAt } } },
    // NOTE: a long wait, so that every age below is still too early.
    options: { column: '30d' },
  });
  expect(findings.map((f) => f.messageId)).toEqual(['tooEarly']);
  return String(findings[0]!.details.age);
}

describe('the age of the expand step', () => {
  it('is in minutes below an hour', async () => {
    expect(await ageAfter(59 * 60_000 + 59_000)).toBe('59m');
  });
  it('is in hours from one hour', async () => {
    expect(await ageAfter(HOUR)).toBe('1h');
  });
  it('is in hours up to 47', async () => {
    expect(await ageAfter(47 * HOUR + 59 * 60_000)).toBe('47h');
  });
  it('is in days and hours from 48 hours', async () => {
    expect(await ageAfter(48 * HOUR)).toBe('2d 0h');
    expect(await ageAfter(5 * 24 * HOUR + 7 * HOUR + 30 * 60_000)).toBe('5d 7h');
  });
});

/** Facts of a clone whose history may lack the expand step. */
function factsOf(history: HistoryFacts['history']): HistoryFacts {
  return { now: new Date(NOW), history, expandEvidence: () => undefined, codeReferences: () => [] };
}

async function contractFindings(sql: string, facts: HistoryFacts) {
  const report = await checkMigrations([{ path: 'migrations/20261125120000_drop_email.up.sql', text: sql, change: 'added' }], defaultConfig(), { facts });
  return report.findings.filter((f) => f.ruleId === rule.id);
}

describe('without evidence of the expand step', () => {
  it('in a shallow clone: a notice that says to fetch the full history, and how', async () => {
    const [finding, ...others] = await contractFindings('ALTER TABLE users DROP COLUMN email;', factsOf('shallow'));
    expect(others).toEqual([]);
    expect(finding!.messageId).toBe('shallowHistory');
    expect(finding!.severity).toBe('notice');
    expect(finding!.message).toBe('Cannot tell when the expand step for column users.email landed: the git history is shallow. Fetch full history (actions/checkout with fetch-depth: 0).');
    expect(finding!.fix).toBe('In the workflow, check out with full history:\n  - uses: actions/checkout@v5\n    with:\n      fetch-depth: 0');
  });

  it('with the full history (or none at all): nothing to wait for', async () => {
    expect(await contractFindings('ALTER TABLE users DROP COLUMN email;', factsOf('complete'))).toEqual([]);
    expect(await contractFindings('ALTER TABLE users DROP COLUMN email;', factsOf('none'))).toEqual([]);
  });
});

describe('the details a finding carries for its phase plan', () => {
  const facts = (target: string) => ({ now: NOW, expand: { [target]: { source: 'code' as const, path: 'app/audit.go', commit: '9a7b3d1', landedAt: '2026-11-25T10:00:00Z' } } });

  it('a table target has no column and no new name', async () => {
    const [finding] = await runExample(rule, { sql: 'DROP TABLE audit_log;', facts: facts('audit_log') });
    expect(Object.keys(finding!.details)).not.toContain('column');
    expect(Object.keys(finding!.details)).not.toContain('newName');
    expect(finding!.details).toMatchObject({ table: 'audit_log', operation: 'drop', what: 'table audit_log', verb: 'dropped' });
  });

  it('a renamed column has its table, column and new name', async () => {
    const [finding] = await runExample(rule, { sql: 'ALTER TABLE users RENAME COLUMN email TO email_address;', facts: facts('users.email') });
    expect(finding!.details).toMatchObject({ table: 'users', operation: 'rename', column: 'email', newName: 'email_address', what: 'column users.email', verb: 'renamed' });
  });
});
