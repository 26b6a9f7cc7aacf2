import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'parse-error',
  severity: 'error',
  category: 'process',
  summary: 'SQL that PostgreSQL cannot parse blocks (fail closed): it cannot be checked',
  lock: null,
  rewrites: false,
  severityLocked: 'SQL that does not parse is never checked, so it always blocks. Fix the file, or exclude it with "exclude:" if it is not a migration.',
  sections: ['up', 'down'],
  messages: {
    syntaxError: 'PostgreSQL cannot parse this: {{message}}. Fix the SQL (or, if it is not plain SQL, exclude the file in the config).',
    metaCommand: '{{message}}',
    limit: 'Not checked: {{message}}.',
    dynamicSql: 'Not checked: {{message}}',
    convention: '{{message}}',
  },
  why: 'A statement the parser rejects would also fail at deploy time, and it cannot be checked for locks or breaking changes, so it is never passed silently.',
  references: ['https://www.postgresql.org/docs/current/sql-syntax.html'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE users ADD COLUMN;', messageIds: ['syntaxError'] },
      { sql: 'SELECT 1;\nSELEC 2;\nSELECT 3;', why: 'the other statements are still analyzed', messageIds: ['syntaxError'] },
      {
        sql: '\\set ON_ERROR_STOP on\nSELECT 1;',
        why: 'a psql meta-command is skipped, with a notice',
        messages: ['psql meta-command \\set is not SQL; it was skipped (statements that use its variables will not parse).'],
      },
      {
        sql: "DO $$BEGIN EXECUTE 'DROP TABLE ' || quote_ident(current_setting('app.t')); END$$;",
        why: 'SQL built at run time cannot be checked: a warning',
        messages: [
          "Not checked: EXECUTE in this DO block runs SQL built at run time ('DROP TABLE ' || quote_ident(current_setting('app.t'))), which migration-guard cannot see. Review that SQL by hand, or write it as a plain statement so that it is checked.",
        ],
      },
    ],
    valid: [{ sql: 'ALTER TABLE users ADD COLUMN nickname text;' }, { sql: '-- only a comment\n', why: 'an empty file has nothing to parse' }],
  },
  file({ file, report }) {
    for (const issue of file.issues) {
      if (issue.kind === 'syntax-error') report({ messageId: 'syntaxError', data: { message: issue.message }, span: issue.span, tables: [] });
      else if (issue.kind === 'limit') report({ messageId: 'limit', data: { message: issue.message }, span: issue.span, tables: [] });
      else if (issue.kind === 'dynamic-sql') report({ messageId: 'dynamicSql', data: { message: issue.message }, span: issue.span, tables: [], severity: 'warning' });
      else if (issue.kind === 'convention') report({ messageId: 'convention', data: { message: issue.message }, span: issue.span, tables: [], severity: issue.severity ?? 'warning' });
      else report({ messageId: 'metaCommand', data: { message: issue.message }, span: issue.span, tables: [], severity: 'notice' });
    }
  },
});
