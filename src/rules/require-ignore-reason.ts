import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'require-ignore-reason',
  severity: 'error',
  category: 'process',
  summary: 'Ignore comments must give a reason, or they suppress nothing',
  lock: null,
  rewrites: false,
  messages: {
    missingReason: 'This {{kind}} comment for {{rules}} has no reason, so it suppresses nothing: add "reason: <why this is safe>".',
  },
  why: 'Suppressing a finding says the dangerous statement is safe in this case. The reason is what a reviewer checks and what the next reader needs; an ignore without one is not applied, and the findings it meant to hide still count.',
  fix: 'Add the reason at the end of the comment:\n  -- migration-guard:{{kind}} {{rules}} reason: <why this is safe, e.g. the table is empty / phase 3 of #123>',
  afterSuppressions: true,
  references: ['https://github.com/migration-guard/migration-guard#suppressing-a-finding', 'https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-COMMENTS'],
  examples: {
    invalid: [
      { sql: '-- migration-guard:ignore ban-drop-column\nALTER TABLE users DROP COLUMN email;', messageIds: ['missingReason'] },
      { sql: '-- migration-guard:ignore-file require-lock-timeout reason:\nALTER TABLE users ADD COLUMN phone text;', why: 'an empty reason is no reason', messageIds: ['missingReason'] },
    ],
    valid: [
      { sql: '-- migration-guard:ignore ban-drop-column reason: phase 3 of the email rename (#123)\nALTER TABLE users DROP COLUMN email;' },
      { sql: 'ALTER TABLE users ADD COLUMN phone text;', why: 'no ignore comment' },
    ],
  },
  file({ file, report }) {
    for (const ignore of file.ignores) {
      if (ignore.reason !== '') continue;
      const kind = ignore.scope === 'file' ? 'ignore-file' : 'ignore';
      report({
        messageId: 'missingReason',
        data: { kind, rules: ignore.rules.length > 0 ? ignore.rules.join(' ') : '<rule-id>' },
        span: file.lines.span(ignore.startOffset, ignore.endOffset),
        tables: [],
        lock: null,
      });
    }
  },
});
