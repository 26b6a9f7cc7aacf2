/**
 * Ignore comments end to end, through the real engine and registry: what an inline ignore
 * covers, ignore-file, `all`, the mandatory reason, and the effect on the verdict.
 */
import { describe, expect, it } from 'vitest';
import { type Config, defaultConfig } from '../src/core/config.js';
import type { Finding } from '../src/core/finding.js';
import type { InputFile } from '../src/core/migration.js';
import { checkMigrations } from '../src/engine.js';
import { ruleIds } from '../src/rules/index.js';

const UP = 'migrations/20260101000000_contract.up.sql';
const DOWN = 'migrations/20260101000000_contract.down.sql';

/** Only the rules these tests are about, so other rules' findings never interfere. */
function onlyRules(...enabled: string[]): Config {
  const config = defaultConfig();
  config.rules = Object.fromEntries(ruleIds.map((id) => [id, enabled.includes(id) ? 'error' : 'off']));
  return config;
}

function files(up: string): InputFile[] {
  return [
    { path: UP, text: up, change: 'added' },
    { path: DOWN, text: 'ALTER TABLE users ADD COLUMN email text;\nALTER TABLE users ADD COLUMN phone text;\n', change: 'added' },
  ];
}

async function check(up: string, config = onlyRules('ban-drop-column', 'require-ignore-reason', 'unused-ignore')) {
  return checkMigrations(files(up), config);
}

const of = (findings: Finding[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId);
const lines = (findings: Finding[]) => findings.map((f) => f.span.start.line);

describe('ignore comments', () => {
  it('an inline ignore covers exactly the next statement', async () => {
    const report = await check(
      [
        '-- migration-guard:ignore ban-drop-column reason: phase 3 of the email rename (#123)',
        'ALTER TABLE users DROP COLUMN email;',
        'ALTER TABLE users DROP COLUMN phone;',
      ].join('\n'),
    );
    const drops = of(report.findings, 'ban-drop-column');
    expect(lines(drops)).toEqual([2, 3]);
    expect(drops[0]!.suppression).toEqual({ kind: 'inline', reason: 'phase 3 of the email rename (#123)', line: 1 });
    expect(drops[1]!.suppression).toBeUndefined();
    expect(report.verdict).toBe('blocked');
    expect(lines(report.blocking)).toEqual([3]);
  });

  it('an inline ignore covers a multi-line statement, and not one after a blank line and another statement', async () => {
    const report = await check(
      [
        'ALTER TABLE users DROP COLUMN phone;',
        '-- migration-guard:ignore ban-drop-column reason: email moved to accounts',
        'ALTER TABLE users',
        '  DROP COLUMN email;',
      ].join('\n'),
    );
    const drops = of(report.findings, 'ban-drop-column');
    expect(drops.map((f) => [f.span.start.line, !!f.suppression])).toEqual([
      [1, false],
      [3, true],
    ]);
  });

  it('a trailing comment on the statement line covers that statement only', async () => {
    const report = await check(
      ['ALTER TABLE users DROP COLUMN email; -- migration-guard:ignore ban-drop-column reason: unused since v2', 'ALTER TABLE users DROP COLUMN phone;'].join('\n'),
    );
    const drops = of(report.findings, 'ban-drop-column');
    expect(drops.map((f) => [f.span.start.line, f.suppression?.kind])).toEqual([
      [1, 'inline'],
      [2, undefined],
    ]);
  });

  it('ignore-file covers every statement of the file', async () => {
    const report = await check(
      ['-- migration-guard:ignore-file ban-drop-column reason: contract phase, code shipped in #120', 'ALTER TABLE users DROP COLUMN email;', 'ALTER TABLE users DROP COLUMN phone;'].join('\n'),
    );
    const drops = of(report.findings, 'ban-drop-column');
    expect(drops).toHaveLength(2);
    expect(drops.every((f) => f.suppression?.kind === 'file' && f.suppression.line === 1)).toBe(true);
    expect(report.verdict).toBe('pass');
    expect(of(report.findings, 'unused-ignore')).toEqual([]);
  });

  it('an ignore for another rule does not suppress', async () => {
    const report = await check(['-- migration-guard:ignore require-lock-timeout reason: maintenance window', 'ALTER TABLE users DROP COLUMN email;'].join('\n'));
    expect(of(report.findings, 'ban-drop-column')[0]!.suppression).toBeUndefined();
    expect(report.verdict).toBe('blocked');
    expect(of(report.findings, 'unused-ignore').map((f) => f.messageId)).toEqual(['unused']);
  });

  it('`all` suppresses the findings of every rule on the covered statement', async () => {
    const config = onlyRules('ban-drop-column', 'require-lock-timeout', 'require-ignore-reason', 'unused-ignore');
    const report = await check(['-- migration-guard:ignore all reason: table is unused, maintenance window', 'ALTER TABLE users DROP COLUMN email;'].join('\n'), config);
    const covered = report.findings.filter((f) => f.span.start.line === 2);
    expect(new Set(covered.map((f) => f.ruleId))).toEqual(new Set(['ban-drop-column', 'require-lock-timeout']));
    expect(covered.every((f) => f.suppression?.kind === 'inline')).toBe(true);
    expect(report.verdict).toBe('pass');
  });

  it('an ignore without a reason suppresses nothing and is reported by require-ignore-reason', async () => {
    const report = await check(['-- migration-guard:ignore ban-drop-column', 'ALTER TABLE users DROP COLUMN email;'].join('\n'));
    expect(of(report.findings, 'ban-drop-column')[0]!.suppression).toBeUndefined();
    const missing = of(report.findings, 'require-ignore-reason');
    expect(missing.map((f) => [f.messageId, f.span.start.line, f.suppression])).toEqual([['missingReason', 1, undefined]]);
    expect(of(report.findings, 'unused-ignore')).toEqual([]);
    expect(report.verdict).toBe('blocked');
    expect(report.blocking.map((f) => f.ruleId).sort()).toEqual(['ban-drop-column', 'require-ignore-reason']);
  });

  it('an ignore-file without a reason suppresses nothing either', async () => {
    const report = await check(['-- migration-guard:ignore-file all reason:', 'ALTER TABLE users DROP COLUMN email;'].join('\n'));
    expect(of(report.findings, 'ban-drop-column')[0]!.suppression).toBeUndefined();
    expect(of(report.findings, 'require-ignore-reason')).toHaveLength(1);
  });

  it('the ignore rules themselves cannot be suppressed', async () => {
    const report = await check(['-- migration-guard:ignore-file all reason: everything is fine', '-- migration-guard:ignore ban-drop-column', 'ALTER TABLE users DROP COLUMN email;'].join('\n'));
    const missing = of(report.findings, 'require-ignore-reason');
    expect(missing).toHaveLength(1);
    expect(missing[0]!.suppression).toBeUndefined();
    expect(of(report.findings, 'ban-drop-column')[0]!.suppression?.kind).toBe('file');
    expect(report.verdict).toBe('blocked');
  });

  it('suppressed findings stay in the report but do not block the verdict', async () => {
    const report = await check(['-- migration-guard:ignore ban-drop-column reason: phase 3 (#123)', 'ALTER TABLE users DROP COLUMN email;'].join('\n'));
    const drops = of(report.findings, 'ban-drop-column');
    expect(drops).toHaveLength(1);
    expect(drops[0]!.suppression).toMatchObject({ kind: 'inline', line: 1 });
    expect(report.blocking).toEqual([]);
    expect(report.verdict).toBe('pass');
  });
});
