/**
 * ## What it does
 * Flags a down migration (file or section) that drops a table or column its up migration
 * created.
 *
 * ## Why is this bad?
 * Between the deploy and the rollback, running code writes into the new table or column.
 * Rolling back with `DROP` deletes those rows or values for good; the rollback loses data
 * that exists nowhere else.
 */
import type { ColumnDef, CreateStmt, Node } from '@pgsql/types';
import { alterTableCommands, nodeAs, relationKey, relationName } from '../core/ast.js';
import type { Statement } from '../core/parse.js';
import { defineRule } from '../core/rule.js';
import { statementLock } from '../core/statement-locks.js';

export default defineRule({
  id: 'ban-lossy-down',
  severity: 'warning',
  category: 'rollback',
  summary: 'A down migration that drops what its up created loses the data written in between',
  lock: null,
  rewrites: false,
  messages: {
    dropTable: 'Rolling back drops table {{table}}, created by {{up}}: every row written to {{table}} since the deploy is lost.',
    dropColumn: 'Rolling back drops column {{table}}.{{column}}, added by {{up}}: every value written to {{table}}.{{column}} since the deploy is lost.',
  },
  why: 'Once the up migration is deployed, the application writes into the new table or column. A rollback that drops it deletes that data permanently; restoring it means a point-in-time recovery of the whole database.',
  fix: [
    'Keep the data when rolling back: in the down migration, rename {{table}} (or its column) instead of dropping it,',
    'or copy the data first (CREATE TABLE {{table}}_backup AS SELECT ...). Drop the kept data in a later migration.',
    'If losing the data is acceptable, say so with an ignore comment and a reason.',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-droptable.html', 'https://www.postgresql.org/docs/current/sql-altertable.html', 'https://github.com/golang-migrate/migrate/blob/master/MIGRATIONS.md'],
  examples: {
    invalid: [
      {
        files: [
          { path: 'migrations/001_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;' },
          { path: 'migrations/001_phone.down.sql', text: 'ALTER TABLE users DROP COLUMN phone;' },
        ],
        why: 'phone numbers entered after the deploy are deleted by the rollback',
        messageIds: ['dropColumn'],
      },
      {
        files: [{ path: 'db/migrations/20240101_audit.sql', text: '-- migrate:up\nCREATE TABLE audit_events (id bigint, body text);\n-- migrate:down\nDROP TABLE audit_events;\n' }],
        why: 'dbmate down section drops the table the up section created',
        messageIds: ['dropTable'],
      },
    ],
    valid: [
      {
        files: [
          { path: 'migrations/001_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;' },
          { path: 'migrations/001_phone.down.sql', text: 'ALTER TABLE users RENAME COLUMN phone TO phone_rolled_back;' },
        ],
        why: 'the rollback keeps the values under another name',
      },
      {
        files: [
          { path: 'migrations/002_idx.up.sql', text: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);' },
          { path: 'migrations/002_idx.down.sql', text: 'DROP INDEX CONCURRENTLY users_email_idx;' },
        ],
        why: 'an index holds no data of its own',
      },
    ],
  },
  file({ file, changeSet, report }) {
    const { migration } = file;
    let up: readonly Statement[];
    let down: readonly Statement[];
    let downPath: string;
    if (migration.role === 'up-down') {
      up = file.statements.filter((s) => s.section === 'up');
      down = file.statements.filter((s) => s.section === 'down');
      downPath = migration.path;
    } else if (migration.role === 'up' && migration.partner) {
      const partner = changeSet.byPath(migration.partner);
      if (!partner || partner.input.change === 'deleted') return;
      up = file.statements;
      down = partner.statements;
      downPath = partner.migration.path;
    } else {
      return;
    }
    const createdTables = new Set<string>();
    const addedColumns = new Set<string>();
    for (const statement of up) {
      const create = nodeAs<CreateStmt>(statement.node, 'CreateStmt');
      if (create) createdTables.add(relationKey(relationName(create.relation)));
      const alter = alterTableCommands(statement.node);
      for (const command of alter?.commands ?? []) {
        const column = command.subtype === 'AT_AddColumn' ? nodeAs<ColumnDef>(command.def as Node | undefined, 'ColumnDef')?.colname : undefined;
        if (alter && column) addedColumns.add(`${relationKey(alter.table)}.${column.toLowerCase()}`);
      }
    }
    if (createdTables.size === 0 && addedColumns.size === 0) return;
    for (const statement of down) {
      if (statement.kind === 'DropStmt' && (statement.node as { DropStmt: { removeType?: string } }).DropStmt.removeType === 'OBJECT_TABLE') {
        for (const table of statementLock(statement.node).tables) {
          if (createdTables.has(relationKey(table))) report({ messageId: 'dropTable', data: { table, up: migration.path }, fix: keepTableFix(table), statement, file: downPath, tables: [table], lock: 'ACCESS EXCLUSIVE' });
        }
        continue;
      }
      const alter = alterTableCommands(statement.node);
      if (!alter || createdTables.has(relationKey(alter.table))) continue;
      for (const command of alter.commands) {
        if (command.subtype !== 'AT_DropColumn' || !command.name) continue;
        if (addedColumns.has(`${relationKey(alter.table)}.${command.name.toLowerCase()}`)) {
          report({ messageId: 'dropColumn', data: { table: alter.table, column: command.name, up: migration.path }, fix: keepColumnFix(alter.table, command.name), statement, file: downPath, tables: [alter.table], lock: 'ACCESS EXCLUSIVE' });
        }
      }
    }
  },
});

function keepTableFix(table: string): string {
  return [
    'Keep the rows when rolling back: in the down migration, rename instead of dropping:',
    `   ALTER TABLE ${table} RENAME TO ${table}_rolled_back;`,
    `Drop ${table}_rolled_back in a later migration, once nothing needs its rows.`,
    'If losing the rows is acceptable, say so with an ignore comment and a reason.',
  ].join('\n');
}

function keepColumnFix(table: string, column: string): string {
  return [
    'Keep the values when rolling back: in the down migration, rename instead of dropping:',
    `   ALTER TABLE ${table} RENAME COLUMN ${column} TO ${column}_rolled_back;`,
    `   ALTER TABLE ${table} ALTER COLUMN ${column}_rolled_back DROP NOT NULL;`,
    `Drop ${table}.${column}_rolled_back in a later migration, once nothing needs its values.`,
    'If losing the values is acceptable, say so with an ignore comment and a reason.',
  ].join('\n');
}
