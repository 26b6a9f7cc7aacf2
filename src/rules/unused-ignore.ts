import { defineRule } from '../core/rule.js';
import { unknownRules } from '../core/suppressions.js';
// NOTE: the registry imports this rule; the rule reads the registry's ids only when it
// runs (after every module has loaded), so the import cycle is harmless.
import { ruleIds } from './index.js';

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
    unknownRule: 'This {{kind}} comment names "{{name}}", which is not a rule{{suggestion}}, so it suppresses nothing for it; correct the rule id (see "migration-guard rules").',
  },
  why: 'An ignore comment that matches no finding is noise at best (a misspelled rule id, a comment on the wrong line) and a trap at worst: it stays in place and hides a real finding once the statement changes.',
  fix: 'Remove the comment, or correct it: the rule id must match the finding\'s rule (see the rule list), and a statement-level ignore must come directly before the statement (or at the end of its first line):\n  -- migration-guard:{{kind}} <rule-id> reason: ...',
  afterSuppressions: true,
  references: ['https://github.com/migration-guard/migration-guard#suppressing-a-finding', 'https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-COMMENTS'],
  examples: {
    invalid: [
      {
        sql: '-- migration-guard:ignore ban-drop-column reason: phase 3 of the email rename\nALTER TABLE users ADD COLUMN phone text;',
        why: 'nothing to suppress: the statement drops no column',
        messageIds: ['unused'],
      },
      {
        sql: '-- migration-guard:ignore-file require-lock-timeout reason: maintenance window\nCREATE TABLE phones (id bigint);',
        messages: ['This ignore-file comment for require-lock-timeout suppressed nothing in this file; check the rule id, or remove it.'],
      },
      {
        sql: '-- migration-guard:ignore ban-drop-colum reason: phase 3 of the email rename\nALTER TABLE users DROP COLUMN email;',
        why: 'a misspelled rule id is named as such, with the closest rule, and ban-drop-column still reports the statement',
        messageIds: ['unknownRule'],
      },
      {
        sql: '-- migration-guard:ignore ban-drop-colum ban-rename-column reason: phase 3 of the email rename\nALTER TABLE users ADD COLUMN phone text;',
        why: 'the misspelled id is named, and the comment as a whole still suppressed nothing',
        messages: [
          'This ignore comment names "ban-drop-colum", which is not a rule (did you mean "ban-drop-column"?), so it suppresses nothing for it; correct the rule id (see "migration-guard rules").',
          'This ignore comment for ban-drop-colum ban-rename-column suppressed nothing; check the rule id and that it sits right above the statement, or remove it.',
        ],
      },
    ],
    valid: [
      { sql: 'ALTER TABLE users ADD COLUMN phone text;', why: 'no ignore comment' },
      { sql: '-- migration-guard:ignore ban-drop-column\nALTER TABLE users ADD COLUMN phone text;', why: 'without a reason this is require-ignore-reason\'s finding' },
    ],
  },
  file({ file, report }) {
    for (const ignore of file.ignores) {
      const kind = `${ignore.syntax === 'squawk' ? 'squawk-' : ''}${ignore.scope === 'file' ? 'ignore-file' : 'ignore'}`;
      const unknown = unknownRules(ignore, ruleIds);
      for (const { name, suggestion } of unknown) {
        report({ messageId: 'unknownRule', data: { kind, name, suggestion }, span: file.lines.span(ignore.startOffset, ignore.endOffset), tables: [], lock: null });
      }
      // NOTE: a comment that names only unknown rules was reported above, once per name.
      if (ignore.reason === '' || ignore.used > 0 || (unknown.length > 0 && unknown.length === ignore.rules.length)) continue;
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
