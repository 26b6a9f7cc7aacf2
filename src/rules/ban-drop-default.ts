import type { AlterTableCmd } from '@pgsql/types';
import { ALTER_TABLE_KINDS, alterTableCommands, relationKey } from '../core/ast.js';
import type { Statement } from '../core/parse.js';
import { FIX_PHASE_MARKERS } from '../core/fix-phases.js';
import { defineRule } from '../core/rule.js';
import { priorColumn } from './support/breaking-ast.js';
import { laterInTransaction } from './support/transaction.js';

export default defineRule({
  id: 'ban-drop-default',
  severity: 'error',
  category: 'breaking',
  summary: 'Dropping the default of a NOT NULL column breaks inserts from running code',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ALTER_TABLE_KINDS,
  messages: { dropDefault: 'Dropping the default of NOT NULL column {{table}}.{{column}}: inserts from old services that omit {{column}} will fail.' },
  why: 'Services deployed before this migration insert rows without the column and rely on its default; once it is gone those inserts write NULL into a NOT NULL column and fail.',
  fix: [
    '1. Deploy code that always writes {{table}}.{{column}} explicitly.',
    `2. ${FIX_PHASE_MARKERS['later-release']} Once every old instance is gone:`,
    "   SET lock_timeout = '2s';",
    '   -- migration-guard:ignore ban-drop-default reason: every running service writes {{column}} explicitly',
    '   ALTER TABLE {{table|relation}} ALTER COLUMN {{column|ident}} DROP DEFAULT;',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html'],
  examples: {
    invalid: [
      { files: [
        { path: 'migrations/001_init.up.sql', text: "CREATE TABLE users (id bigint, status text NOT NULL DEFAULT 'active');", change: 'unchanged' },
        { path: 'migrations/002_change.up.sql', text: 'ALTER TABLE users ALTER COLUMN status DROP DEFAULT;' },
      ], messageIds: ['dropDefault'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE orders (id bigint, total numeric DEFAULT 0);\nALTER TABLE orders ALTER COLUMN total SET NOT NULL;', change: 'unchanged' },
        { path: 'migrations/002_change.up.sql', text: 'ALTER TABLE orders ALTER total DROP DEFAULT;' },
      ], messageIds: ['dropDefault'] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: "CREATE TABLE users (id bigint, status text NOT NULL DEFAULT 'active', plan text);\nCREATE TABLE orders (id bigint, status text);", change: 'unchanged' },
        { path: 'migrations/002_change.up.sql', text: "BEGIN;\nALTER TABLE users ALTER COLUMN status DROP DEFAULT, ALTER COLUMN plan DROP NOT NULL;\nALTER TABLE orders ALTER COLUMN status SET DEFAULT 'active';\nALTER TABLE users ALTER COLUMN plan SET DEFAULT 'free', ALTER COLUMN status DROP DEFAULT;\nCOMMIT;" },
      ], why: 'NOT NULL is dropped from another column, and the default is set again only on another table or column', messages: [
        'Dropping the default of NOT NULL column users.status: inserts from old services that omit status will fail.',
        'Dropping the default of NOT NULL column users.status: inserts from old services that omit status will fail.',
      ] },
      { files: [
        { path: 'migrations/001_init.up.sql', text: "CREATE TABLE users (id bigint, status text NOT NULL DEFAULT 'active');", change: 'unchanged' },
        { path: 'migrations/002_change.up.sql', text: 'BEGIN;\nALTER TABLE users ALTER COLUMN status DROP DEFAULT;\nALTER TABLE users ALTER COLUMN status TYPE varchar(20);\nCOMMIT;' },
      ], why: 'a later ALTER COLUMN of the same column in the transaction that sets no default', messageIds: ['dropDefault'] },
    ],
    valid: [
      { files: [
        { path: 'migrations/001_init.up.sql', text: "CREATE TABLE users (id bigint, status text NOT NULL DEFAULT 'active');", change: 'unchanged' },
        { path: 'migrations/002_change.up.sql', text: 'ALTER TABLE users DROP COLUMN status;' },
      ], why: 'dropping the column is another rule\'s matter (ban-drop-column), not a dropped default' },
      { files: [
        { path: 'migrations/001_init.up.sql', text: "CREATE TABLE users (id bigint, status text DEFAULT 'active');", change: 'unchanged' },
        { path: 'migrations/002_change.up.sql', text: 'ALTER TABLE users ALTER COLUMN status DROP DEFAULT;' },
      ], why: 'nullable column: old inserts store NULL, as before the default existed' },
      { sql: "CREATE TABLE t (c text NOT NULL DEFAULT '');\nALTER TABLE t ALTER COLUMN c DROP DEFAULT;", why: 'the table is new in this change' },
      { sql: 'ALTER TABLE users ALTER COLUMN status DROP DEFAULT;', why: 'nothing shows the column is NOT NULL' },
      { files: [
        { path: 'migrations/001_init.up.sql', text: "CREATE TABLE users (id bigint, status text NOT NULL DEFAULT 'active');", change: 'unchanged' },
        { path: 'migrations/002_change.up.sql', text: 'ALTER TABLE users ALTER COLUMN status DROP NOT NULL, ALTER COLUMN status DROP DEFAULT;' },
      ], why: 'the same statement drops NOT NULL: old inserts store NULL' },
      { files: [
        { path: 'migrations/001_init.up.sql', text: "CREATE TABLE users (id bigint, status text NOT NULL DEFAULT 'active');", change: 'unchanged' },
        { path: 'migrations/002_change.up.sql', text: "BEGIN;\nALTER TABLE users ALTER COLUMN status DROP DEFAULT;\nALTER TABLE users ALTER COLUMN status TYPE varchar(20);\nALTER TABLE users ALTER COLUMN status SET DEFAULT 'active';\nCOMMIT;" },
      ], why: 'the default is set again in the same transaction (to change the type): other sessions never see the column without one' },
      { files: [
        { path: 'migrations/001_init.up.sql', text: "CREATE TABLE users (id bigint, status text NOT NULL DEFAULT 'active');", change: 'unchanged' },
        { path: 'migrations/002_change.up.sql', text: "BEGIN;\nALTER TABLE users ALTER COLUMN status DROP DEFAULT;\nALTER TABLE users ALTER COLUMN status TYPE varchar(20), ALTER COLUMN status SET DEFAULT 'active';\nCOMMIT;" },
      ], why: 'the same, with the new default set by the ALTER TABLE that changes the type' },
    ],
  },
  statement({ statement, state, isNewTable, changeSet, file, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    for (const command of alter.commands) {
      // NOTE: AT_ColumnDefault without a def is DROP DEFAULT; with one it is SET DEFAULT.
      if (command.subtype !== 'AT_ColumnDefault' || command.def || !command.name) continue;
      if (dropsNotNull(alter.commands, command.name)) continue;
      const column = command.name;
      if (state.inTransaction && laterInTransaction(file.statements, statement.index, (later) => setsDefault(later, alter.table, column))) continue;
      if (priorColumn(changeSet, file, statement, alter.table, command.name)?.notNull) {
        report({ messageId: 'dropDefault', data: { table: alter.table, column: command.name }, tables: [alter.table] });
      }
    }
  },
});

/** Whether the same ALTER TABLE also drops NOT NULL of the column (then old inserts store NULL). */
function dropsNotNull(commands: readonly AlterTableCmd[], column: string): boolean {
  return commands.some((c) => c.subtype === 'AT_DropNotNull' && c.name === column);
}

/** Whether the statement sets a default on the table's column again. */
function setsDefault(statement: Statement, table: string, column: string): boolean {
  const alter = alterTableCommands(statement.node);
  return !!alter && relationKey(alter.table) === relationKey(table) && alter.commands.some((c) => c.subtype === 'AT_ColumnDefault' && !!c.def && c.name === column);
}
