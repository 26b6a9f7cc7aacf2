// Rule pages built from metadata (src/render/rule-docs.ts). The committed pages of the real
// rules are compared in test/generated.test.ts; these cases cover the metadata shapes the
// registry may not hold at a given time.
import { describe, expect, it } from 'vitest';
import { fillTemplate, type Rule } from '../../src/core/rule.js';
import { genericTemplate, ruleDocPage, ruleTable } from '../../src/render/rule-docs.js';

const rule = (overrides: Partial<Rule>): Rule =>
  ({ id: 'some-rule', summary: 'Does a thing', severity: 'warning', category: 'process', why: 'Because.', references: [], examples: { invalid: [], valid: [] }, ...overrides }) as unknown as Rule;

describe('genericTemplate', () => {
  it('shows every placeholder fillTemplate accepts as <name>, blanks and a format included', () => {
    const template = 'ALTER TABLE {{table|relation}} DROP {{ column }}, {{ index | ident }};';
    expect(genericTemplate(template)).toBe('ALTER TABLE <table> DROP <column>, <index>;');
    expect(fillTemplate(template, { table: 't', column: 'c', index: 'i' })).toBe('ALTER TABLE t DROP c, i;');
  });
});

describe('ruleDocPage', () => {
  it('examples: several files with their change, why and Postgres version; no safe alternative or references when there are none', () => {
    const page = ruleDocPage(
      rule({
        examples: {
          invalid: [{ files: [{ path: 'db/001.sql', text: 'SELECT 1;\n\n' }, { path: 'db/002.sql', text: 'SELECT 2;', change: 'unchanged' }, { path: 'db/003.sql', text: 'SELECT 3;', change: 'added' }], why: 'out of order', postgresVersion: 11 }],
          valid: [{ sql: 'SELECT 4;\n' }, {}],
        },
      } as Partial<Rule>),
    );
    expect(page).toContain('| warning | Process | n/a | no | all |');
    expect(page).not.toContain('## Safe alternative');
    expect(page).not.toContain('## References');
    expect(page).toContain(['### Flagged', '', 'out of order; Postgres 11:', '', '```sql', '-- db/001.sql', 'SELECT 1;', '', '-- db/002.sql (unchanged)', 'SELECT 2;', '', '-- db/003.sql', 'SELECT 3;', '```', ''].join('\n'));
    expect(page).toContain(['### Passes', '', '```sql', 'SELECT 4;', '```', '', '```sql', '', '```', ''].join('\n'));
  });

  it('examples: the messages an invalid example states, each quoted after its SQL', () => {
    const page = ruleDocPage(rule({ examples: { invalid: [{ sql: 'SELECT 1;', messages: ['First.', 'Second.'] }], valid: [] } } as Partial<Rule>));
    expect(page).toContain(['### Flagged', '', '```sql', 'SELECT 1;', '```', '', '> First.', '', '> Second.', ''].join('\n'));
  });

  it('the table row: severity, category title, lock, rewrite and versions; then the safe alternative and references', () => {
    const page = ruleDocPage(rule({ severity: 'error', category: 'locking', lock: 'ACCESS EXCLUSIVE', rewrites: true, versions: '< 11', fix: 'SET {{ x|ident }};', references: ['https://example.test/a'] } as Partial<Rule>));
    expect(page).toContain('| error | Locks and rewrites | ACCESS EXCLUSIVE | yes | < 11 |');
    expect(page).toContain('## Safe alternative\n\n```\nSET <x>;\n```\n');
    expect(page).toContain('## References\n\n- <https://example.test/a>\n');
    expect(page).toContain('-- migration-guard:ignore some-rule reason: <why this is safe here>');
  });
});

describe('a whole rule page', () => {
  it('in order: generated-file note, title, summary, facts table, why, safe alternative, examples, how to suppress, references', () => {
    const page = ruleDocPage(rule({ fix: 'SELECT {{x}};', references: ['https://example.test/r'], examples: { invalid: [{ sql: 'SELECT 1;' }], valid: [{ sql: 'SELECT 2;' }] } } as Partial<Rule>));
    expect(page).toBe(
      [
        '<!-- Generated from src/rules/some-rule.ts by "npm run generate". Do not edit. -->',
        '# some-rule',
        '',
        'Does a thing.',
        '',
        '| severity | category | lock taken | rewrites table | Postgres versions |',
        '| --- | --- | --- | --- | --- |',
        '| warning | Process | n/a | no | all |',
        '',
        '## Why is this bad?',
        '',
        'Because.',
        '',
        '## Safe alternative',
        '',
        '```',
        'SELECT <x>;',
        '```',
        '',
        '## Examples',
        '',
        '### Flagged',
        '',
        '```sql\nSELECT 1;\n```',
        '',
        '### Passes',
        '',
        '```sql\nSELECT 2;\n```',
        '',
        '## Suppressing',
        '',
        'On the line before the statement, with a reason:',
        '',
        '```sql',
        '-- migration-guard:ignore some-rule reason: <why this is safe here>',
        '```',
        '',
        '## References',
        '',
        '- <https://example.test/r>',
        '',
      ].join('\n'),
    );
  });
});

describe('ruleTable', () => {
  it('one row per rule, a | in a summary escaped', () => {
    expect(ruleTable([rule({ summary: 'A | B', category: 'breaking' }), rule({ id: 'other', severity: 'notice', category: 'advice', lock: 'SHARE' } as Partial<Rule>)])).toBe(
      ['| rule | severity | category | lock | summary |', '| --- | --- | --- | --- | --- |', '| [`some-rule`](docs/rules/some-rule.md) | warning | Breaks running code |  | A \\| B |', '| [`other`](docs/rules/other.md) | notice | Types and robustness | SHARE | Does a thing |'].join('\n'),
    );
  });
});
