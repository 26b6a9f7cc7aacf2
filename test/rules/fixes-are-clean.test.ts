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
import type { Rule, RuleExample } from '../../src/core/rule.js';
import { checkMigrations } from '../../src/engine.js';
import { allRules } from '../../src/rules/index.js';
import { exampleFiles, runExample } from '../rule-tester.js';
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

/**
 * Fixes whose SQL is not (yet) clean as a migration, each with why. `it.fails` keeps them
 * honest: when one becomes clean its test fails until it is removed from this list.
 */
const KNOWN_UNCLEAN: Record<string, string> = {
  'ban-delete-data invalid #0': 'the batched DELETE is meant for a background job, not a migration',
  'ban-delete-data invalid #1': 'the batched DELETE is meant for a background job, not a migration',
  'ban-unbatched-backfill invalid #0': 'the batched UPDATE is meant for a background job, not a migration',
  'ban-unbatched-backfill invalid #1': 'the batched UPDATE is meant for a background job, not a migration',
  'ban-volatile-default invalid #0': 'the batched backfill is meant for a background job, not a migration',
  'ban-volatile-default invalid #1': 'the batched backfill is meant for a background job, not a migration',
  'ban-lossy-down invalid #0': 'the fix is for the down migration; this test runs it as an up migration',
  'ban-lossy-down invalid #1': 'the fix is for the down migration; this test runs it as an up migration',
  'ban-lossy-down invalid #2': 'the fix is for the down migration; this test runs it as an up migration',
  'ban-alter-column-type invalid #2': 'the new column keeps the type asked for (varchar): prefer-text-field then advises text',
  'require-nullable-or-default invalid #0': 'steps 3-4 (NOT NULL) belong to a later release than step 1 (ADD COLUMN), after code that writes the column is deployed; this test applies every step in one change, where ban-not-null-on-new-column rightly flags NOT NULL on a column the same change adds',
  'require-nullable-or-default invalid #1': 'steps 3-4 (NOT NULL) belong to a later release than step 1 (ADD COLUMN), after code that writes the column is deployed; this test applies every step in one change, where ban-not-null-on-new-column rightly flags NOT NULL on a column the same change adds',
  'require-nullable-or-default invalid #2': 'steps 3-4 (NOT NULL) belong to a later release than step 1 (ADD COLUMN), after code that writes the column is deployed; this test applies every step in one change, where ban-not-null-on-new-column rightly flags NOT NULL on a column the same change adds',
  'ban-add-primary-key-using-nullable-index invalid #1': 'the index is built outside the migrations: after the fix its columns are still unknown, so the rule still warns that they may be nullable',
};

// NOTE: replay rules (source: 'replay') suggest no SQL, and replaying their examples starts a database: left out.
const cases = allRules.filter((rule) => rule.source !== 'replay').flatMap((rule) => rule.examples.invalid.map((example, i) => [`${rule.id} invalid #${i}`, rule, example] as const));

describe('following a fix', () => {
  it.each(cases.filter(([name]) => !(name in KNOWN_UNCLEAN)))('%s: its suggested SQL passes every rule', async (_name, rule, example) => {
    await expectCleanFix(rule, example);
  });
  it.fails.each(cases.filter(([name]) => name in KNOWN_UNCLEAN))('%s: its suggested SQL passes every rule (known: see KNOWN_UNCLEAN)', async (_name, rule, example) => {
    await expectCleanFix(rule, example);
  });
});

/** Applies each finding's fix steps as migrations (after the example's history) and expects no finding. */
async function expectCleanFix(rule: Rule, example: RuleExample): Promise<void> {
  const problems: string[] = [];
  for (const finding of await runExample(rule, example)) {
    const steps = fixSqlSteps(finding.fix ?? '');
    if (steps.length === 0) continue;
    // NOTE: with the example's history (what earlier migrations made the tables), as the user's repository has it.
    const history = exampleFiles(example).filter((file) => file.change === 'unchanged');
    const report = await checkMigrations([...history, ...asMigrations(steps)], config);
    for (const f of report.findings.filter((f) => !f.suppression)) problems.push(`${f.ruleId}: ${f.message}\n  after: ${steps.join(' | ')}`);
  }
  expect(problems).toEqual([]);
}

describe('examples/safe', () => {
  it('has no finding at all', async () => {
    const directory = path.join(import.meta.dirname, '../../examples/safe');
    const files = readdirSync(directory).map((name) => ({ path: `examples/safe/${name}`, text: readFileSync(path.join(directory, name), 'utf8'), change: 'added' as const }));
    expect(files.length).toBeGreaterThan(0);
    const report = await checkMigrations(files, config);
    expect(report.findings.map((f) => `${f.file}:${f.span.start.line} ${f.ruleId}: ${f.message}`)).toEqual([]);
  });
});
