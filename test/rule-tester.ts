/**
 * Runs a rule's examples (as ESLint's RuleTester does): valid examples must produce no
 * finding of the rule, invalid ones at least one, with the expected message ids. Only the
 * rule under test runs, so other rules' findings never interfere. Rules whose findings
 * come from replay get their examples replayed on PGlite.
 */
import { afterAll } from 'vitest';
import { analyze } from '../src/core/analyze.js';
import { validateConfig } from '../src/core/config.js';
import { staticFacts } from '../src/core/history-facts.js';
import type { Finding } from '../src/core/finding.js';
import type { InputFile } from '../src/core/migration.js';
import type { Rule, RuleExample } from '../src/core/rule.js';
import { discoverMigrations } from '../src/conventions/index.js';
import type { ReplayDatabase } from '../src/replay/interface.js';
import { openPglite } from '../src/replay/pglite.js';
import { replayStage } from '../src/replay/replay.js';
import { allRules } from '../src/rules/index.js';

/** One PGlite for the examples of replay rules (source: 'replay'), started on first use. */
let replayDatabase: Promise<ReplayDatabase> | undefined;
afterAll(async () => {
  await (await replayDatabase)?.close();
});

/** Where a `sql:` example is placed: a golang-migrate up file. */
export const EXAMPLE_PATH = 'migrations/20260101000000_example.up.sql';

export function exampleFiles(example: RuleExample): InputFile[] {
  if (example.files) return example.files.map((f) => ({ path: f.path, text: f.text, change: f.change ?? 'added', baseText: f.baseText }));
  return [{ path: EXAMPLE_PATH, text: example.sql ?? '', change: 'added' }];
}

/** The findings of `rule` (and only that rule) on an example. */
export async function runExample(rule: Rule, example: RuleExample): Promise<Finding[]> {
  const config = validateConfig(
    {
      'postgres-version': example.postgresVersion ?? 15,
      rules: example.options ? { [rule.id]: { options: example.options } } : {},
    },
    allRules,
  );
  const facts = example.facts ? staticFacts(example.facts) : undefined;
  const files = exampleFiles(example);
  if (rule.source === 'replay') replayDatabase ??= openPglite();
  const replay = rule.source === 'replay' ? replayStage(config, { database: await replayDatabase! }) : undefined;
  const report = await analyze({ files, config, rules: [rule], discover: discoverMigrations, facts, ...(replay ? { replay } : {}) });
  return report.findings.filter((f) => f.ruleId === rule.id && !f.suppression);
}

/** A readable description of an example for test names and failure messages. */
export function describeExample(example: RuleExample): string {
  const text = example.sql ?? example.files?.map((f) => `${f.path}: ${f.text}`).join(' | ') ?? '';
  return text.replace(/\s+/g, ' ').slice(0, 100);
}
