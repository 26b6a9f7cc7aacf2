import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'unused-ignore',
  severity: 'warning',
  category: 'process',
  summary: 'Ignore comments that suppress nothing should be removed or corrected',
  lock: null,
  rewrites: false,
  messages: {
    unused: 'This {{kind}} comment for {{rules}} suppressed nothing; check the rule id and that it sits right above the statement, or remove it.',
    unusedFile: 'This {{kind}} comment for {{rules}} suppressed nothing in this file; check the rule id, or remove it.',
  },
  why: 'An ignore comment that matches no finding is noise at best (a misspelled rule id, a comment on the wrong line) and a trap at worst: it stays in place and hides a real finding once the statement changes.',
  fix: 'Remove the comment, or correct it: the rule id must match the finding\'s rule (see the rule list), and a statement-level ignore must come directly before the statement (or at the end of its first line):\n  -- migration-guard:{{kind}} <rule-id> reason: ...',
  afterSuppressions: true,
  references: ['https://github.com/migration-guard/migration-guard#suppressing-a-finding', 'https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-COMMENTS'],
  examples: {
    invalid: [
      {
        sql: '-- migration-guard:ignore ban-drop-colum reason: phase 3 of the email rename\nALTER TABLE users ADD COLUMN phone text;',
        why: 'misspelled rule id, and nothing to suppress',
        messageIds: ['unused'],
      },
      { sql: '-- migration-guard:ignore-file require-lock-timeout reason: maintenance window\nCREATE TABLE phones (id bigint);', messageIds: ['unusedFile'] },
    ],
    valid: [
      { sql: 'ALTER TABLE users ADD COLUMN phone text;', why: 'no ignore comment' },
      { sql: '-- migration-guard:ignore ban-drop-column\nALTER TABLE users ADD COLUMN phone text;', why: 'without a reason this is require-ignore-reason\'s finding' },
    ],
  },
  file({ file, report }) {
    for (const ignore of file.ignores) {
      if (ignore.reason === '' || ignore.used > 0) continue;
      const kind = ignore.scope === 'file' ? 'ignore-file' : 'ignore';
      report({
        messageId: ignore.scope === 'file' ? 'unusedFile' : 'unused',
        data: { kind, rules: ignore.rules.length > 0 ? ignore.rules.join(' ') : '<no rule id>' },
        span: file.lines.span(ignore.startOffset, ignore.endOffset),
        tables: [],
        lock: null,
      });
    }
  },
});
