import { relationKey } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { statementLock } from '../core/statement-locks.js';
import { tablesCreatedBy, upAndDown } from './support/up-down.js';

const DATA_CHANGES: Record<string, 'update' | 'delete' | 'truncate'> = { UpdateStmt: 'update', DeleteStmt: 'delete', TruncateStmt: 'truncate' };

export default defineRule({
  id: 'ban-irreversible-data-migration',
  severity: 'warning',
  category: 'rollback',
  summary: 'UPDATE, DELETE or TRUNCATE in an up migration whose down migration does not restore the table',
  lock: null,
  rewrites: false,
  messages: {
    update: 'UPDATE {{table}} overwrites values, but the down migration {{down}} never touches {{table}}: a rollback cannot restore the old values.',
    delete: 'DELETE FROM {{table}} removes rows, but the down migration {{down}} never touches {{table}}: a rollback cannot bring them back.',
    truncate: 'TRUNCATE {{table}} removes every row, but the down migration {{down}} never touches {{table}}: a rollback cannot bring them back.',
  },
  why: 'The down migration is the rollback plan. It can recreate columns and indexes, but data that the up migration overwrote or deleted is gone unless the up saved it somewhere and the down puts it back.',
  fix: [
    'Make the data change reversible:',
    '1. In the up migration, save what is changed first, e.g. CREATE TABLE {{backup|relation}} AS SELECT * FROM {{table|relation}} WHERE <rows changed>;',
    '2. In the down migration ({{down}}), restore {{table}} from {{backup}}.',
    'If the change is truly irreversible, say so in the down migration and suppress this finding with a reason.',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-update.html', 'https://www.postgresql.org/docs/current/sql-delete.html', 'https://www.postgresql.org/docs/current/sql-truncate.html'],
  examples: {
    invalid: [
      {
        files: [
          { path: 'migrations/001_status.up.sql', text: "ALTER TABLE invoices ADD COLUMN closed_at timestamptz;\nUPDATE orders SET status = 'closed' WHERE status = 'done';" },
          { path: 'migrations/001_status.down.sql', text: 'ALTER TABLE invoices DROP COLUMN closed_at;' },
        ],
        why: 'the rollback leaves every "done" order as "closed"',
        messages: ['UPDATE orders overwrites values, but the down migration migrations/001_status.down.sql never touches orders: a rollback cannot restore the old values.'],
      },
      {
        files: [{ path: 'db/migrations/20240101_cleanup.sql', text: '-- migrate:up\nDELETE FROM sessions;\n-- migrate:down\nSELECT 1;\n' }],
        messages: ['DELETE FROM sessions removes rows, but the down migration (the down section of db/migrations/20240101_cleanup.sql) never touches sessions: a rollback cannot bring them back.'],
      },
    ],
    valid: [
      {
        files: [
          { path: 'migrations/001_status.up.sql', text: "CREATE TABLE orders_status_backup AS SELECT id, status FROM orders;\nUPDATE orders SET status = 'closed' WHERE status = 'done';" },
          { path: 'migrations/001_status.down.sql', text: 'UPDATE orders o SET status = b.status FROM orders_status_backup b WHERE b.id = o.id;\nDROP TABLE orders_status_backup;' },
        ],
        why: 'the down migration restores the old values',
      },
      {
        files: [
          { path: 'migrations/002_seed.up.sql', text: "CREATE TABLE plans (id bigint, name text);\nINSERT INTO plans VALUES (1, 'free');\nUPDATE plans SET name = 'basic';" },
          { path: 'migrations/002_seed.down.sql', text: 'DROP TABLE plans;' },
        ],
        why: 'the table is created by the same migration, so the down removes it with its data',
      },
      {
        files: [
          { path: 'migrations/003_seed.up.sql', text: "CREATE TABLE tiers (id bigint, name text);\nINSERT INTO tiers VALUES (1, 'free');\nUPDATE tiers SET name = 'basic';" },
          { path: 'migrations/003_seed.down.sql', text: 'SELECT 1;' },
        ],
        why: 'the rows the up changes are the ones it created: none existed before it',
      },
    ],
  },
  file({ file, changeSet, report }) {
    const halves = upAndDown(file, changeSet);
    if (!halves) return;
    const { up, down, downName } = halves;
    const touchedByDown = new Set(down.flatMap((s) => [...statementLock(s.node).tables, ...tablesCreatedBy(s)]).map(relationKey));
    const created = new Set<string>();
    for (const statement of up) {
      for (const name of tablesCreatedBy(statement)) created.add(relationKey(name));
      const kind = DATA_CHANGES[statement.kind];
      if (!kind) continue;
      for (const table of statementLock(statement.node).tables) {
        const key = relationKey(table);
        if (created.has(key) || touchedByDown.has(key)) continue;
        report({ messageId: kind, data: { table, backup: `${table}_backup`, down: downName }, statement, tables: [table] });
      }
    }
  },
});
