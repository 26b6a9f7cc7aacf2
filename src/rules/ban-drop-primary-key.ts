/**
 * ## What it does
 * Flags `ALTER TABLE ... DROP CONSTRAINT` that drops the table's primary key (named in the
 * migrations, or Postgres's default `<table>_pkey`), and `DROP COLUMN` of one of its columns
 * (Postgres drops the key with the column).
 *
 * ## Why is this bad?
 * The primary key is the table's replica identity: without it, logical replication (and
 * CDC tools built on it) cannot apply UPDATE and DELETE, and on a published table those
 * statements fail. Code and ORMs that look rows up by it slow down or break.
 */
import { ALTER_TABLE_KINDS, alterTableCommands } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { addsPrimaryKey } from './support/locking-ast.js';
import { laterInTransaction } from './support/transaction.js';
import { primaryKeyDroppedBy } from './support/table-facts.js';

export default defineRule({
  id: 'ban-drop-primary-key',
  severity: 'error',
  category: 'breaking',
  summary: 'Dropping a primary key breaks replication of UPDATE/DELETE and code that relies on it',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ALTER_TABLE_KINDS,
  messages: {
    dropPrimaryKey: 'Dropping {{constraint}}, the primary key of {{table}}, removes its replica identity: UPDATE and DELETE on a published table fail, and lookups by key scan.',
    dropKeyColumn: 'Dropping column {{column}} of {{table}} drops its primary key {{constraint}} with it, and so its replica identity: UPDATE and DELETE on a published table fail, and lookups by key scan.',
  },
  why: 'Logical replication identifies rows by the replica identity, which defaults to the primary key. Without one, UPDATE and DELETE on a table in a publication raise an error; subscribers and CDC pipelines stall. Foreign keys that reference the key must be dropped with it (CASCADE), and code and ORMs that address rows by it misbehave.',
  fix: 'Add the replacement key first (CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX, in one transaction with this drop), or set REPLICA IDENTITY USING INDEX on a unique NOT NULL index before dropping.',
  versions: 'All versions; logical replication from Postgres 10.',
  references: ['https://www.postgresql.org/docs/current/logical-replication-publication.html', 'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-REPLICA-IDENTITY'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE users DROP CONSTRAINT users_pkey;', why: 'the default name of the primary key', messageIds: ['dropPrimaryKey'] },
      {
        files: [{ path: 'db/migrations/20260101000000_users_key.sql', text: '-- migrate:up transaction:false\nALTER TABLE users DROP CONSTRAINT users_pkey;\nALTER TABLE users ADD PRIMARY KEY (id);\n-- migrate:down\n' }],
        why: 'replaced by the next statement, but without a transaction the table has no key in between',
        messageIds: ['dropPrimaryKey'],
      },
      {
        files: [
          { path: 'migrations/20260101000000_accounts.up.sql', text: 'CREATE TABLE accounts (id bigint, CONSTRAINT accounts_pk PRIMARY KEY (id));', change: 'unchanged' },
          { path: 'migrations/20260101000001_drop.up.sql', text: 'ALTER TABLE accounts DROP CONSTRAINT accounts_pk;' },
        ],
        why: 'the history names the primary key',
        messageIds: ['dropPrimaryKey'],
      },
      {
        files: [
          { path: 'migrations/20260101000000_accounts.up.sql', text: 'CREATE TABLE accounts (id bigint, region text, PRIMARY KEY (id, region));', change: 'unchanged' },
          { path: 'migrations/20260101000001_drop.up.sql', text: 'ALTER TABLE accounts DROP COLUMN region;' },
        ],
        why: 'a column of the key: Postgres drops the key with it',
        messageIds: ['dropKeyColumn'],
      },
    ],
    valid: [
      { sql: 'ALTER TABLE users DROP CONSTRAINT users_email_key;', why: 'not the primary key' },
      { sql: 'BEGIN;\nALTER TABLE users DROP CONSTRAINT users_pkey;\nALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_new_idx;\nCOMMIT;', why: 'replaced in the same transaction' },
    ],
  },
  statement({ statement, file, state, changeSet, isNewTable, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    const replaced = addsPrimaryKey(statement, alter.table);
    const replacedLater = () => replaced || (state.inTransaction && laterInTransaction(file.statements, statement.index, (later) => addsPrimaryKey(later, alter.table)));
    for (const command of alter.commands) {
      const dropped = primaryKeyDroppedBy(changeSet, file, statement, alter.table, command);
      if (!dropped || replacedLater()) continue;
      if (dropped.column) report({ messageId: 'dropKeyColumn', data: { table: alter.table, column: dropped.column, constraint: dropped.constraint }, tables: [alter.table] });
      else report({ messageId: 'dropPrimaryKey', data: { table: alter.table, constraint: dropped.constraint }, tables: [alter.table] });
    }
  },
});

