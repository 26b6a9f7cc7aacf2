import type { RenameStmt, TransactionStmt, ViewStmt } from '@pgsql/types';
import { nodeAs, relationKey, relationName } from '../core/ast.js';
import type { Statement } from '../core/parse.js';
import { FIX_PHASE_MARKERS } from '../core/fix-phases.js';
import { defineRule } from '../core/rule.js';
import { renamedRelation } from '../core/sql-names.js';
import { renameTablePlan } from './support/phase-plans.js';

export default defineRule({
  id: 'ban-rename-table',
  severity: 'error',
  category: 'breaking',
  summary: 'Renaming a table breaks running code that uses the old name',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ['RenameStmt'],
  messages: { renameTable: 'Renaming table {{table}} to {{newName}} breaks services that still query {{table}}.' },
  why: 'Code deployed before this migration names the old table; its queries fail as soon as the rename commits.',
  fix: [
    'Expand and contract:',
    `1. ${FIX_PHASE_MARKERS.migration} Rename and leave a compatibility view in the same transaction, so old code keeps working:`,
    "   SET lock_timeout = '2s';",
    '   BEGIN;',
    '   ALTER TABLE {{table|relation}} RENAME TO {{newName|ident}};',
    '   CREATE VIEW {{table|relation}} AS SELECT * FROM {{newTable|relation}};',
    '   COMMIT;',
    '(Or create {{newName}}, write to both and backfill.)',
    '2. Deploy code that uses {{newName}} only.',
    `3. ${FIX_PHASE_MARKERS['later-release']} Once every old instance is gone:`,
    "   SET lock_timeout = '2s';",
    '   -- migration-guard:ignore ban-drop-object reason: no running service uses the view {{table}} (contract step, after the wait)',
    '   DROP VIEW {{table|relation}};',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html', 'https://github.com/ankane/strong_migrations#renaming-a-table'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE users RENAME TO accounts;', messageIds: ['renameTable'] },
      { sql: 'ALTER TABLE IF EXISTS billing.invoice RENAME TO invoices;', messageIds: ['renameTable'] },
      { sql: 'ALTER TABLE users RENAME TO accounts;\nCOMMIT;\nCREATE VIEW users AS SELECT * FROM accounts;', why: 'the view comes after the commit: old code fails in between', messageIds: ['renameTable'] },
      {
        sql: "BEGIN;\nALTER TABLE users RENAME TO accounts;\nCREATE VIEW active_accounts AS SELECT * FROM accounts WHERE status = 'active';\nCOMMIT;",
        why: 'a view follows, but under another name: nothing answers to users',
        messageIds: ['renameTable'],
      },
      {
        files: [{ path: 'db/migration/V2__rename_users.sql', text: 'ALTER TABLE users RENAME TO accounts;\nCREATE INDEX accounts_email_idx ON accounts (email);' }],
        why: 'a Flyway script runs in one transaction, but nothing in it keeps the old name working',
        messageIds: ['renameTable'],
      },
    ],
    valid: [
      { sql: 'CREATE TABLE acount (id bigint);\nALTER TABLE acount RENAME TO account;', why: 'the table is new in this change' },
      { sql: 'ALTER INDEX users_email_idx RENAME TO users_email_key;', why: 'index names are not used by queries' },
      { sql: 'BEGIN;\nALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;\nCOMMIT;', why: 'the documented alternative: a view keeps the old name working for old code' },
      {
        sql: 'BEGIN;\nALTER TABLE users RENAME TO accounts;\nSAVEPOINT before_view;\nCREATE VIEW users AS SELECT * FROM accounts;\nCOMMIT;',
        why: 'a savepoint does not end the transaction: the view still commits with the rename',
      },
      {
        files: [{ path: 'db/migration/V2__rename_users.sql', text: 'ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;' }],
        why: 'Flyway runs the script in one transaction: the view is there when the rename commits',
      },
    ],
  },
  phasePlan: (details, writer) => renameTablePlan(writer, String(details.table), String(details.newName)),
  statement({ statement, state, file, isNewTable, report }) {
    const rename = nodeAs<RenameStmt>(statement.node, 'RenameStmt');
    if (rename?.renameType !== 'OBJECT_TABLE') return;
    const table = relationName(rename.relation);
    if (isNewTable(table)) return;
    if (state.inTransaction && compatibilityViewFollows(file.statements, statement, rename.relation?.relname ?? '')) return;
    report({ messageId: 'renameTable', data: { table, newName: rename.newname ?? '?', newTable: renamedRelation(table, rename.newname ?? '?') }, tables: [table] });
  },
});

/**
 * Whether a later statement of the same transaction creates a view with the old name, the
 * documented way to keep old code working across the rename.
 */
function compatibilityViewFollows(statements: readonly Statement[], rename: Statement, oldName: string): boolean {
  for (let i = statements.indexOf(rename) + 1; i < statements.length; i++) {
    const later = statements[i]!;
    const transaction = nodeAs<TransactionStmt>(later.node, 'TransactionStmt');
    if (transaction && transaction.kind !== 'TRANS_STMT_SAVEPOINT') return false;
    const view = nodeAs<ViewStmt>(later.node, 'ViewStmt');
    if (view?.view?.relname && relationKey(view.view.relname) === relationKey(oldName)) return true;
  }
  return false;
}
