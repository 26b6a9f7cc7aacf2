/**
 * Following our own advice must not earn a new warning: every rule's suggested SQL (each
 * step of its fix text, on every invalid example), applied as migrations in order, passes
 * every rule; and examples/safe, the corrected migrations we ship, has no finding at all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import type { InputFile } from '../../src/core/migration.js';
import { checkMigrations } from '../../src/engine.js';
import { allRules } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';
import { fillPlaceholders, fixSqlSteps } from '../support/suggested-sql.js';

const config = defaultConfig();

/** The steps as golang-migrate migrations in order, each with a down file that documents itself. */
function asMigrations(steps: string[]): InputFile[] {
  return steps.flatMap((sql, i) => {
    const version = `2026020100000${i}`;
    return [
      { path: `migrations/${version}_fix.up.sql`, text: `${fillPlaceholders(sql)}\n`, change: 'added' as const },
      { path: `migrations/${version}_fix.down.sql`, text: '-- This test checks the up migration only: its rollback is out of scope here.\n', change: 'added' as const },
    ];
  });
}

const cases = allRules.flatMap((rule) => rule.examples.invalid.map((example, i) => [`${rule.id} invalid #${i}`, rule, example] as const));

describe('following a fix', () => {
  it.each(cases)('%s: its suggested SQL passes every rule', async (_name, rule, example) => {
    const problems: string[] = [];
    for (const finding of await runExample(rule, example)) {
      const steps = fixSqlSteps(finding.fix ?? '');
      if (steps.length === 0) continue;
      const report = await checkMigrations(asMigrations(steps), config);
      for (const f of report.findings.filter((f) => !f.suppression)) problems.push(`${f.ruleId}: ${f.message}\n  after: ${steps.join(' | ')}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('examples/safe', () => {
  it('has no finding at all', async () => {
    const directory = path.join(import.meta.dirname, '../../examples/safe');
    const files = readdirSync(directory).map((name) => ({ path: `examples/safe/${name}`, text: readFileSync(path.join(directory, name), 'utf8'), change: 'added' as const }));
    expect(files.length).toBeGreaterThan(0);
    const report = await checkMigrations(files, config);
    expect(report.findings.map((f) => `${f.file}:${f.span.start.line} ${f.ruleId}: ${f.message}`)).toEqual([]);
  });
});
