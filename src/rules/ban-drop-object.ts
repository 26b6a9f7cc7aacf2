/**
 * ## What it does
 * Flags `DROP VIEW / MATERIALIZED VIEW / SEQUENCE / FOREIGN TABLE / TYPE / DOMAIN / FUNCTION /
 * PROCEDURE` of an object the change did not create.
 *
 * ## Why is this bad?
 * Code deployed before the migration still selects from the view, calls the function, casts
 * to the type or takes values from the sequence: those queries fail once the drop commits.
 */
import type { DropStmt } from '@pgsql/types';
import { nodeAs } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { CODE_OBJECT_KINDS, hiddenFromRunningCode, objectName } from './support/named-objects.js';

export default defineRule({
  id: 'ban-drop-object',
  severity: 'error',
  category: 'breaking',
  summary: 'Dropping a view, sequence, type or function breaks running code that still uses it',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ['DropStmt'],
  messages: { dropObject: 'Dropping {{kind}} {{name}} breaks code that still uses it.' },
  why: 'Code deployed before this migration (and other views, functions and triggers) still use the object: their queries fail with "does not exist" as soon as the drop commits. Views and sequences are locked ACCESS EXCLUSIVE for the drop. A function or procedure is reported as a warning: a trigger function or an internal helper, which no client calls, cannot be told apart from an API function without the schema.',
  fix: [
    'Contract in phases: deploy code that no longer uses {{name}}, wait until no old instance runs, then drop it in a migration of its own',
    '(with a migration-guard:ignore comment that says so). To change a view or function, re-create it in the same transaction as the drop',
    '(or use CREATE OR REPLACE), so no query ever sees it missing.',
  ].join('\n'),
  versions: 'All versions.',
  references: ['https://www.postgresql.org/docs/current/sql-dropview.html', 'https://www.postgresql.org/docs/current/sql-dropfunction.html', 'https://www.postgresql.org/docs/current/sql-droptype.html', 'https://www.postgresql.org/docs/current/sql-dropsequence.html'],
  examples: {
    invalid: [
      { sql: 'DROP VIEW active_users;', messageIds: ['dropObject'] },
      { sql: 'DROP MATERIALIZED VIEW IF EXISTS daily_totals;', why: 'IF EXISTS does not make it safe', messageIds: ['dropObject'] },
      { sql: 'DROP FUNCTION normalize_email(text);', messageIds: ['dropObject'] },
      { sql: 'DROP TYPE order_status, invoice_status;', messageIds: ['dropObject', 'dropObject'] },
      { sql: 'DROP SEQUENCE invoice_number_seq;', messageIds: ['dropObject'] },
      { sql: 'DROP VIEW active_users;\nCOMMIT;\nCREATE VIEW active_users AS SELECT 1 AS id;', why: 'the view is re-created after the commit: queries fail in between', messageIds: ['dropObject'] },
      {
        files: [
          { path: 'migrations/001_helper.up.sql', text: "CREATE OR REPLACE FUNCTION normalize_email(text) RETURNS text LANGUAGE sql AS 'SELECT lower($1)';" },
          { path: 'migrations/002_drop_helper.up.sql', text: 'DROP FUNCTION normalize_email(text);' },
        ],
        why: 'CREATE OR REPLACE in an earlier file may have replaced a function running code uses',
        messageIds: ['dropObject'],
      },
    ],
    valid: [
      { sql: 'CREATE VIEW recent_orders AS SELECT 1 AS id;\nDROP VIEW recent_orders;', why: 'the view is new in this migration' },
      { sql: 'BEGIN;\nDROP VIEW active_users;\nCREATE VIEW active_users AS SELECT 1 AS id;\nCOMMIT;', why: 'dropped and re-created in one transaction: no query sees it missing' },
      {
        files: [{ path: 'migrations/000002_active_users.up.sql', text: 'DROP VIEW active_users;\nCREATE VIEW active_users AS SELECT 1 AS id;' }, { path: 'migrations/000002_active_users.down.sql', text: 'SELECT 1;' }],
        why: 'golang-migrate sends the file as one query: Postgres runs its statements as one implicit transaction',
      },
      { sql: "BEGIN;\nALTER TYPE order_status RENAME TO order_status_old;\nCREATE TYPE order_status AS ENUM ('new', 'paid');\nDROP TYPE order_status_old;\nCOMMIT;", why: 'the dropped name came from a rename in this migration' },
      { sql: 'DROP TABLE users;', why: 'another rule (ban-drop-table)' },
      { sql: 'CREATE SEQUENCE ticket_seq;\nCREATE TYPE pair AS (a int, b int);\nDROP SEQUENCE ticket_seq;\nDROP TYPE pair;', why: 'a sequence and a composite type new in this migration' },
      {
        sql: 'BEGIN;\nALTER VIEW reporting.daily RENAME TO daily_old;\nCREATE VIEW reporting.daily AS SELECT 1 AS id;\nDROP VIEW reporting.daily_old;\nCOMMIT;',
        why: 'the dropped name came from a rename in this migration, in the schema of the renamed view',
      },
      {
        files: [
          { path: 'migrations/001_helper.up.sql', text: "CREATE FUNCTION slugify(text) RETURNS text LANGUAGE sql AS 'SELECT lower($1)';" },
          { path: 'migrations/002_drop_helper.up.sql', text: 'DROP FUNCTION slugify(text);' },
        ],
        why: 'an earlier file of the same change created the function: no running code knows it',
      },
    ],
  },
  statement(context) {
    const { statement, report } = context;
    const drop = nodeAs<DropStmt>(statement.node, 'DropStmt');
    const kind = CODE_OBJECT_KINDS[drop?.removeType ?? ''];
    if (!drop || !kind) return;
    for (const name of (drop.objects ?? []).map(objectName)) {
      if (hiddenFromRunningCode(context, kind.space, name)) continue;
      const data = { kind: kind.word, name };
      if (kind.space === 'relation') report({ messageId: 'dropObject', data, tables: [name] });
      // NOTE: a warning for routines: without the schema a trigger function or an internal helper (which no
      // client calls) looks like an API function, and dropping those is routine cleanup.
      else if (kind.space === 'routine') report({ messageId: 'dropObject', data, lock: null, severity: 'warning' });
      else report({ messageId: 'dropObject', data, lock: null });
    }
  },
});
