/**
 * Every SQL statement we suggest (fix texts and phase plans) parses with the real parser
 * and names the finding's own objects, spelled as Postgres resolves them: run on every
 * rule's invalid examples and on a variant of each with quoted mixed-case names
 * (`"PromptHistory"`), where an unquoted name would silently name another relation.
 */
import { parseSync } from 'libpg-query';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import type { Rule, RuleExample } from '../../src/core/rule.js';
import { allRules } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';
import { fillPlaceholders, fixSqlSteps, inlineSql, mixedCaseVariant, namesIn, planFiles } from '../support/suggested-sql.js';

/** Names a suggestion may use that are not the statement's: generic ones the fix itself introduces. */
const GENERIC_NAMES = new Set(['id', 'placeholder']);

/** The example as written and, for single-file examples, its quoted mixed-case variant. */
function variants(example: RuleExample): [string, RuleExample][] {
  if (example.sql === undefined || example.files) return [['as written', example]];
  return [
    ['as written', example],
    ['mixed case, quoted', { ...example, sql: mixedCaseVariant(example.sql), messageIds: undefined, messages: undefined }],
  ];
}

/** What each finding suggests: its fix text's SQL steps and its phase plan's files. */
function suggestions(rule: Rule, finding: Finding): string[] {
  return [...fixSqlSteps(finding.fix ?? '').map((step) => step.sql), ...planFiles(rule, finding).map((file) => file.sql)];
}

/**
 * Fails when a suggested name differs only in case from one of the statement's, or is
 * foreign to it and to the example's other migrations (a partition key, say, is named only
 * where the table was created).
 */
function checkNames(suggested: string, statement: string | undefined, history: readonly string[]): string[] {
  if (statement === undefined) return [];
  const own = [...namesIn(statement), ...history];
  return namesIn(fillPlaceholders(suggested))
    .filter((name) => !GENERIC_NAMES.has(name))
    .filter((name) => !own.includes(name) && !own.some((base) => name.startsWith(`${base}_`) || name.startsWith(`${base}.`)))
    .map((name) => `"${name}" is not a name of the statement (${own.map((n) => `"${n}"`).join(', ')})`);
}

// NOTE: replay rules (source: 'replay') suggest no SQL, and replaying their examples starts a database: left out.
const cases = allRules.filter((rule) => rule.source !== 'replay').flatMap((rule) =>
  rule.examples.invalid.flatMap((example, i) => variants(example).map(([variant, run]) => [`${rule.id} invalid #${i} (${variant})`, rule, run] as const)),
);

describe('suggested SQL', () => {
  it.each(cases)('%s: parses and names the finding\'s objects', async (_name, rule, example) => {
    const findings = await runExample(rule, example);
    // NOTE: an example's other files may hold SQL that does not parse on purpose (that is what some rules flag).
    const history = (example.files ?? []).flatMap((file) => {
      try {
        return namesIn(file.text);
      } catch {
        return [];
      }
    });
    const problems: string[] = [];
    for (const finding of findings) {
      for (const line of inlineSql(finding.fix ?? '')) problems.push(`SQL outside an indented line: ${line}`);
      for (const sql of suggestions(rule, finding)) {
        try {
          parseSync(fillPlaceholders(sql));
        } catch (error) {
          problems.push(`does not parse: ${sql}\n  ${(error as Error).message}`);
          continue;
        }
        problems.push(...checkNames(sql, finding.statement, history).map((p) => `${p}\n  in: ${sql}`));
      }
    }
    expect(problems).toEqual([]);
  });

  it('the mixed-case variant really quotes names (so the test above can catch a lost quote)', () => {
    expect(mixedCaseVariant('CREATE INDEX prompt_idx ON prompt_history (user_id);')).toBe('CREATE INDEX "Prompt_idx" ON "Prompt_history" ("User_id");');
  });

  it('catches an unquoted mixed-case name', () => {
    expect(checkNames('CREATE INDEX CONCURRENTLY PromptHistory_userid_idx ON PromptHistory (userid);', 'CREATE INDEX "PromptHistory_userid_idx" ON "PromptHistory" (userid);', [])).not.toEqual([]);
    expect(checkNames('CREATE INDEX CONCURRENTLY "PromptHistory_userid_idx" ON "PromptHistory" (userid);', 'CREATE INDEX "PromptHistory_userid_idx" ON "PromptHistory" (userid);', [])).toEqual([]);
  });
});
