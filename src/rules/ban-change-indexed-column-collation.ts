/**
 * ## What it does
 * Flags `ALTER COLUMN ... TYPE ... COLLATE` on a column that an index, UNIQUE or PRIMARY KEY
 * in the migrations covers.
 *
 * ## Why is this bad?
 * Even when the type stays the same (no table rewrite), every index on the column is rebuilt
 * under ACCESS EXCLUSIVE, and its sort order and uniqueness change: ORDER BY results differ
 * and values that were distinct may now collide.
 */
import type { ColumnDef } from '@pgsql/types';
import { ALTER_TABLE_KINDS, alterTableCommands, nodeAs, stringList } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { derivedName, quoteIdent } from '../core/sql-names.js';
import { tableBefore } from './support/table-facts.js';

export default defineRule({
  id: 'ban-change-indexed-column-collation',
  severity: 'error',
  category: 'locking',
  summary: 'Changing the collation of an indexed column rebuilds its indexes under ACCESS EXCLUSIVE',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ALTER_TABLE_KINDS,
  messages: { indexedCollation: 'Changing the collation of {{table}}.{{column}} to {{collation}} rebuilds every index on it under an ACCESS EXCLUSIVE lock, and changes its sort order.' },
  why: 'An index stores keys in collation order. ALTER COLUMN ... TYPE ... COLLATE rebuilds every index that uses the column while holding ACCESS EXCLUSIVE on the table (reads and writes wait), and queries that relied on the old order or equality (unique keys under a nondeterministic collation) change behaviour.',
  fix: [
    'Build an index with the new collation beside the old one and switch over; change the column\'s collation itself in a maintenance window, if at all. Each step a migration of its own, outside a transaction block (first a leftover of a failed build is dropped):',
    '   DROP INDEX CONCURRENTLY IF EXISTS {{index|ident}};',
    'In the next migration:',
    '   CREATE INDEX CONCURRENTLY {{index|ident}} ON {{table|relation}} ({{column|ident}} COLLATE {{collation}});',
    'Point queries at it (COLLATE {{collation}} in the query), then, in the next migration, drop the old index:',
    '   DROP INDEX CONCURRENTLY IF EXISTS <old index>;',
  ].join('\n'),
  versions: 'All versions; nondeterministic collations from Postgres 12.',
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DATA-TYPE', 'https://www.postgresql.org/docs/current/collation.html'],
  examples: {
    invalid: [
      {
        files: [
          { path: 'migrations/20260101000000_users_email.up.sql', text: 'CREATE INDEX users_email_idx ON users (email);', change: 'unchanged' },
          { path: 'migrations/20260101000001_collation.up.sql', text: 'ALTER TABLE users ALTER COLUMN email TYPE text COLLATE "C";' },
        ],
        why: 'users_email_idx covers email',
        messages: ['Changing the collation of users.email to "C" rebuilds every index on it under an ACCESS EXCLUSIVE lock, and changes its sort order.'],
      },
    ],
    valid: [
      { sql: 'ALTER TABLE users ALTER COLUMN name TYPE text COLLATE "C";', why: 'no index on name in the migrations' },
      { sql: 'ALTER TABLE users ALTER COLUMN email TYPE text;', why: 'no collation change (ban-alter-column-type judges the type)' },
      {
        files: [
          { path: 'migrations/20260101000000_users_email.up.sql', text: 'CREATE INDEX users_email_idx ON users (email);', change: 'unchanged' },
          { path: 'migrations/20260101000001_email_length.up.sql', text: 'ALTER TABLE users ALTER COLUMN email TYPE varchar(320);' },
        ],
        why: 'an indexed column whose type changes without COLLATE keeps its collation (ban-alter-column-type judges the type)',
      },
    ],
  },
  statement({ statement, file, changeSet, isNewTable, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    for (const command of alter.commands) {
      const def = command.subtype === 'AT_AlterColumnType' ? nodeAs<ColumnDef>(command.def, 'ColumnDef') : undefined;
      if (!def?.collClause || !command.name) continue;
      if (!tableBefore(changeSet, file, statement, alter.table).indexedColumns.has(command.name.toLowerCase())) continue;
      report({ messageId: 'indexedCollation', data: { table: alter.table, column: command.name, index: derivedName(alter.table, command.name, 'collate_idx'), collation: stringList(def.collClause.collname).map(quoteIdent).join('.') }, tables: [alter.table] });
    }
  },
});
