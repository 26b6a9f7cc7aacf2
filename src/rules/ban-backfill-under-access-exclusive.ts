/**
 * ## What it does
 * Flags `UPDATE`, `DELETE`, `MERGE` or `INSERT ... SELECT` on an existing table that an
 * earlier statement of the same transaction locked ACCESS EXCLUSIVE.
 *
 * ## Why is this bad?
 * The ACCESS EXCLUSIVE lock (from ADD COLUMN, say) is held until commit: the table stays
 * unreadable and unwritable for the whole backfill, not just for the instant DDL.
 */
import { defineRule } from '../core/rule.js';
import { backfillTarget } from './support/backfill.js';

export default defineRule({
  id: 'ban-backfill-under-access-exclusive',
  severity: 'error',
  category: 'locking',
  summary: 'A backfill in the transaction that locked its table ACCESS EXCLUSIVE keeps the table blocked for the whole backfill',
  // NOTE: the lock is an earlier statement's; replay runs each statement in its own transaction.
  lock: null,
  rewrites: false,
  statementKinds: ['UpdateStmt', 'DeleteStmt', 'MergeStmt', 'InsertStmt'],
  messages: { heldLock: '{{operation}} on {{table}} runs while this transaction holds ACCESS EXCLUSIVE on {{table}}: reads and writes of {{table}} wait for the whole backfill.' },
  why: 'Locks are released at commit. DDL such as ADD COLUMN takes ACCESS EXCLUSIVE for an instant; a backfill of the same table in the same transaction stretches that instant to the length of the backfill, during which every query on the table waits.',
  fix: 'Commit the DDL first, then backfill in batches in separate transactions (outside the schema migration if your tool wraps files in one transaction).',
  versions: 'All versions.',
  references: ['https://www.postgresql.org/docs/current/explicit-locking.html', 'https://github.com/ankane/strong_migrations#backfilling-data'],
  examples: {
    invalid: [
      {
        sql: "BEGIN;\nALTER TABLE users ADD COLUMN status_code text;\nUPDATE users SET status_code = 'active' WHERE id < 1000;\nCOMMIT;",
        messages: ['UPDATE on users runs while this transaction holds ACCESS EXCLUSIVE on users: reads and writes of users wait for the whole backfill.'],
      },
      {
        sql: 'BEGIN;\nALTER TABLE sessions ADD COLUMN revoked_at timestamptz;\nDELETE FROM sessions WHERE expires_at < now();\nCOMMIT;',
        why: 'a purge of old rows is a backfill too',
        messages: ['DELETE on sessions runs while this transaction holds ACCESS EXCLUSIVE on sessions: reads and writes of sessions wait for the whole backfill.'],
      },
      { sql: "-- +goose Up\nALTER TABLE orders ADD COLUMN currency text;\nUPDATE orders SET currency = 'EUR';", why: 'goose wraps the file in one transaction', messageIds: ['heldLock'] },
      {
        sql: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nMERGE INTO users u USING staged_plans s ON u.id = s.user_id WHEN MATCHED THEN UPDATE SET plan = s.plan;\nCOMMIT;',
        messages: ['MERGE on users runs while this transaction holds ACCESS EXCLUSIVE on users: reads and writes of users wait for the whole backfill.'],
      },
      {
        sql: "BEGIN;\nALTER TABLE order_archive ADD COLUMN archived_at timestamptz;\nINSERT INTO order_archive (id, archived_at) SELECT id, now() FROM orders WHERE created_at < '2020-01-01';\nCOMMIT;",
        why: 'INSERT ... SELECT copies rows into the locked table',
        messages: ['INSERT ... SELECT on order_archive runs while this transaction holds ACCESS EXCLUSIVE on order_archive: reads and writes of order_archive wait for the whole backfill.'],
      },
    ],
    valid: [
      { sql: "BEGIN;\nALTER TABLE users ADD COLUMN status_code text;\nCOMMIT;\nUPDATE users SET status_code = 'active' WHERE id < 1000;", why: 'committed before the backfill' },
      { sql: "BEGIN;\nALTER TABLE users ADD COLUMN status_code text;\nUPDATE orders SET note = '' WHERE id = 1;\nCOMMIT;", why: 'another table (ban-statements-after-access-exclusive covers the held lock)' },
      { sql: "CREATE TABLE drafts (id bigint, body text);\nALTER TABLE drafts ADD COLUMN title text;\nUPDATE drafts SET title = '';", why: 'the table is new' },
      { sql: "BEGIN;\nALTER TABLE settings ADD COLUMN description text;\nINSERT INTO settings (key, description) VALUES ('theme', 'the colour scheme');\nCOMMIT;", why: 'INSERT ... VALUES adds a few rows: not a backfill' },
      { sql: 'BEGIN;\nALTER TABLE audit_log ADD COLUMN note text;\nINSERT INTO audit_log DEFAULT VALUES;\nCOMMIT;', why: 'INSERT ... DEFAULT VALUES adds one row: not a backfill' },
    ],
  },
  statement({ statement, state, isNewTable, report }) {
    if (state.accessExclusiveTables.size === 0) return;
    const written = backfillTarget(statement.node);
    if (!written || isNewTable(written.table) || !state.accessExclusiveTables.has(written.table)) return;
    report({ messageId: 'heldLock', data: written, tables: [written.table] });
  },
});
