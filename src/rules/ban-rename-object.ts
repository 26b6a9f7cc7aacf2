/**
 * ## What it does
 * Flags `ALTER VIEW / MATERIALIZED VIEW / SEQUENCE / FOREIGN TABLE / TYPE / DOMAIN / FUNCTION /
 * PROCEDURE ... RENAME TO` of an object the change did not create.
 *
 * ## Why is this bad?
 * Code deployed before the migration names the object by its old name: its queries fail as
 * soon as the rename commits.
 */
import { defineRule } from '../core/rule.js';
import { hiddenFromRunningCode, renamedCodeObject } from './support/named-objects.js';

export default defineRule({
  id: 'ban-rename-object',
  severity: 'error',
  category: 'breaking',
  summary: 'Renaming a view, sequence, type or function breaks running code that uses the old name',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ['RenameStmt'],
  messages: { renameObject: 'Renaming {{kind}} {{name}} to {{newName}} breaks code that still uses {{name}}.' },
  why: 'Code deployed before this migration names the object by its old name; its queries (selects, calls, casts, nextval) fail with "does not exist" as soon as the rename commits. Views and sequences are locked ACCESS EXCLUSIVE for the rename. A function or procedure is reported as a warning: a trigger function or an internal helper, which no client calls, cannot be told apart from an API function without the schema; so is a sequence, which column defaults follow by OID.',
  fix: [
    'Expand and contract: keep {{name}} working while old code runs. In the same transaction as the rename, re-create {{name}}',
    '(a view over the renamed view, a function that calls {{newName}}), or create {{newName}} beside {{name}} instead of renaming;',
    'deploy code that uses {{newName}}; then drop {{name}} once no old instance runs.',
  ].join('\n'),
  versions: 'All versions.',
  references: ['https://www.postgresql.org/docs/current/sql-alterview.html', 'https://www.postgresql.org/docs/current/sql-alterfunction.html', 'https://www.postgresql.org/docs/current/sql-altertype.html', 'https://www.postgresql.org/docs/current/sql-altersequence.html'],
  examples: {
    invalid: [
      { sql: 'ALTER VIEW active_users RENAME TO current_users;', messageIds: ['renameObject'] },
      { sql: 'ALTER FUNCTION normalize_email(text) RENAME TO canonical_email;', messageIds: ['renameObject'] },
      { sql: 'ALTER TYPE order_status RENAME TO order_state;', messageIds: ['renameObject'] },
      { sql: 'ALTER SEQUENCE invoice_number_seq RENAME TO invoice_no_seq;', messageIds: ['renameObject'] },
    ],
    valid: [
      { sql: 'CREATE VIEW recent_order AS SELECT 1 AS id;\nALTER VIEW recent_order RENAME TO recent_orders;', why: 'the view is new in this migration' },
      { sql: "BEGIN;\nALTER TYPE order_status RENAME TO order_status_old;\nCREATE TYPE order_status AS ENUM ('new', 'paid');\nCOMMIT;", why: 'the old name is re-created in the same transaction' },
      { sql: 'ALTER TABLE users RENAME TO accounts;', why: 'another rule (ban-rename-table)' },
    ],
  },
  statement(context) {
    const renamed = renamedCodeObject(context.statement.node);
    if (!renamed) return;
    const { kind, name, newName } = renamed;
    // NOTE: an old name re-created before the commit (a bridge, or a replaced enum) keeps old code working.
    if (hiddenFromRunningCode(context, kind.space, name)) return;
    const data = { kind: kind.word, name, newName };
    // NOTE: a warning for a sequence: column defaults refer to it by OID, so only code that names it
    // (nextval('...')) breaks; and for routines: without the schema a trigger function or an
    // internal helper (which no client calls) looks like an API function.
    if (kind.word === 'sequence') context.report({ messageId: 'renameObject', data, tables: [name], severity: 'warning' });
    else if (kind.space === 'relation') context.report({ messageId: 'renameObject', data, tables: [name] });
    else if (kind.space === 'routine') context.report({ messageId: 'renameObject', data, lock: null, severity: 'warning' });
    else context.report({ messageId: 'renameObject', data, lock: null });
  },
});
