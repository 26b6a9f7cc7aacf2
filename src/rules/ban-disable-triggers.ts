/**
 * ## What it does
 * Flags `ALTER TABLE ... DISABLE TRIGGER ALL` (error) and `DISABLE TRIGGER USER` (warning).
 *
 * ## Why is this bad?
 * ALL also disables the internal triggers that enforce foreign keys: while disabled, rows
 * that break referential integrity go in silently, and they stay after re-enabling. USER
 * disables every user trigger (auditing, denormalised counters) for all sessions, not just
 * the migration's.
 */
import { ALTER_TABLE_KINDS, alterTableCommands, relationKey } from '../core/ast.js';
import type { Statement } from '../core/parse.js';
import { defineRule } from '../core/rule.js';
import { statementLock } from '../core/statement-locks.js';
import { laterInTransaction } from './support/transaction.js';

export default defineRule({
  id: 'ban-disable-triggers',
  severity: 'error',
  category: 'breaking',
  summary: 'DISABLE TRIGGER ALL turns off foreign-key enforcement (and USER every user trigger) for all sessions',
  lock: 'SHARE ROW EXCLUSIVE',
  rewrites: false,
  statementKinds: ALTER_TABLE_KINDS,
  messages: {
    all: 'DISABLE TRIGGER ALL on {{table}} also disables the foreign-key triggers: until re-enabled, every session can write rows that break referential integrity.',
    user: 'DISABLE TRIGGER USER on {{table}} disables every user trigger for every session, not only this migration.',
  },
  why: 'Triggers are disabled for the table, not the session: application writes made while they are off skip auditing and derived data, and with ALL skip foreign-key checks; re-enabling does not re-check those rows. Disabling also takes SHARE ROW EXCLUSIVE, blocking writes while it waits.',
  fix: [
    'Disable only the one trigger you mean, by name (and enable it again when the data change is done):',
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{table|relation}} DISABLE TRIGGER <name>;',
    'or, to skip triggers only in the migration\'s own session (superuser), inside its transaction:',
    '   SET LOCAL session_replication_role = replica;',
  ].join('\n'),
  versions: 'All versions.',
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-DISABLE-ENABLE-TRIGGER', 'https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-SESSION-REPLICATION-ROLE'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE orders DISABLE TRIGGER ALL;', messageIds: ['all'] },
      { sql: 'ALTER TABLE orders DISABLE TRIGGER USER;', messageIds: ['user'] },
      { sql: 'ALTER TABLE orders DISABLE TRIGGER USER, ALTER COLUMN total SET DEFAULT 0;', why: 'among other changes to the table', messageIds: ['user'] },
      {
        sql: 'BEGIN;\nALTER TABLE orders DISABLE TRIGGER ALL;\nALTER TABLE order_lines ENABLE TRIGGER ALL;\nALTER TABLE orders ENABLE TRIGGER orders_audit;\nCOMMIT;',
        why: 'what is enabled again is another table\'s triggers, and one trigger of this one',
        messageIds: ['all'],
      },
      {
        files: [{ path: 'db/migrations/20260101000000_fix.sql', text: '-- migrate:up transaction:false\nALTER TABLE orders DISABLE TRIGGER ALL;\nUPDATE orders SET total = 0;\nALTER TABLE orders ENABLE TRIGGER ALL;\n-- migrate:down\n' }],
        why: 'without a transaction other sessions write while the triggers are off',
        messageIds: ['all'],
      },
    ],
    valid: [
      { sql: 'ALTER TABLE orders DISABLE TRIGGER orders_audit;', why: 'one named trigger, on purpose' },
      { sql: 'ALTER TABLE orders ENABLE TRIGGER ALL;', why: 're-enabling' },
      {
        sql: 'BEGIN;\nALTER TABLE orders DISABLE TRIGGER ALL;\nUPDATE orders SET total = 0;\nALTER TABLE orders ENABLE TRIGGER ALL;\nCOMMIT;',
        why: 're-enabled in the same transaction: other sessions never see the triggers disabled',
      },
      { sql: 'BEGIN;\nALTER TABLE orders DISABLE TRIGGER USER;\nUPDATE orders SET total = 0;\nALTER TABLE orders ENABLE TRIGGER USER;\nCOMMIT;', why: 'the same for USER' },
      {
        sql: 'BEGIN;\nALTER TABLE orders DISABLE TRIGGER ALL;\nUPDATE orders SET total = 0;\nALTER TABLE orders ENABLE TRIGGER ALL, ALTER COLUMN total SET NOT NULL;\nCOMMIT;',
        why: 're-enabled by an ALTER TABLE that also changes something else',
      },
    ],
  },
  statement({ statement, state, file, isNewTable, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    const table = alter.table;
    // NOTE: the look-ahead only for a statement that disables triggers: for every ALTER TABLE it would be quadratic in a long transaction.
    if (!alter.commands.some((c) => c.subtype === 'AT_DisableTrigAll' || c.subtype === 'AT_DisableTrigUser')) return;
    if (state.inTransaction && laterInTransaction(file.statements, statement.index, (later) => enablesTriggers(later, table))) return;
    // NOTE: an ALTER TABLE takes the strongest lock of its sub-commands (AlterTableGetLockLevel):
    // with `ALTER COLUMN ... SET DEFAULT` beside it, ACCESS EXCLUSIVE, not SHARE ROW EXCLUSIVE.
    const lock = statementLock(statement.node).lock?.mode;
    for (const command of alter.commands) {
      if (command.subtype === 'AT_DisableTrigAll') report({ messageId: 'all', data: { table: alter.table }, tables: [alter.table], lock });
      if (command.subtype === 'AT_DisableTrigUser') report({ messageId: 'user', data: { table: alter.table }, tables: [alter.table], severity: 'warning', lock });
    }
  },
});

/** Whether the statement re-enables every trigger (ALL or USER) of the table. */
function enablesTriggers(statement: Statement, table: string): boolean {
  const alter = alterTableCommands(statement.node);
  return !!alter && relationKey(alter.table) === relationKey(table) && alter.commands.some((c) => c.subtype === 'AT_EnableTrigAll' || c.subtype === 'AT_EnableTrigUser');
}
