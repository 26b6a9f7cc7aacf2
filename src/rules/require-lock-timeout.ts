import { nodeType } from '../core/ast.js';
import type { Statement } from '../core/parse.js';
import { defineRule, type StatementContext } from '../core/rule.js';
import { conflicts, type LockMode } from '../core/locks.js';
import { statementLock } from '../core/statement-locks.js';
import { describeLocked, scopeTracker, targetsIndex } from './support/timeouts.js';

/**
 * The existing tables a statement locks in a mode that blocks writes, and the mode; new
 * tables are unused, so nothing queues behind them.
 * NOTE: a queued lock request makes every later request that conflicts with it wait too
 * (explicit-locking.html: "lock requests are granted in order"). A mode that conflicts with
 * ROW EXCLUSIVE (SHARE from CREATE INDEX, SHARE ROW EXCLUSIVE from CREATE TRIGGER and ADD
 * FOREIGN KEY, EXCLUSIVE, ACCESS EXCLUSIVE) stops every INSERT, UPDATE and DELETE while it
 * waits, as eugene's E9 says; weaker modes (SHARE UPDATE EXCLUSIVE, ACCESS SHARE) let reads
 * and writes go on.
 */
function writeBlockingLock(statement: Statement, { isNewTable }: Pick<StatementContext<string>, 'isNewTable'>): { tables: string[]; mode: LockMode } | undefined {
  const { lock, tables } = statementLock(statement.node);
  // NOTE: nobody writes to a materialized view: there only a lock that blocks reads queues
  // anyone (REFRESH ... CONCURRENTLY's EXCLUSIVE lets reads go on).
  const queued = nodeType(statement.node) === 'RefreshMatViewStmt' ? 'ACCESS SHARE' : 'ROW EXCLUSIVE';
  if (!lock || !conflicts(lock.mode, queued)) return undefined;
  const existing = tables.filter((t) => !isNewTable(t));
  return existing.length > 0 ? { tables: existing, mode: lock.mode } : undefined;
}

const reportedEarlier = scopeTracker();

export default defineRule({
  id: 'require-lock-timeout',
  severity: 'warning',
  category: 'locking',
  summary: 'Statements whose lock blocks writes (ACCESS EXCLUSIVE, EXCLUSIVE, SHARE ROW EXCLUSIVE, SHARE) need a lock_timeout so a lock queue cannot stall the table',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  messages: { missingLockTimeout: 'No lock_timeout is set before this {{mode}} lock on {{target}}: while it waits, every {{blocked}} on {{waiting}} queues behind it. One setting covers the whole {{scope}}.' },
  why: 'Lock requests queue in order: an ALTER waiting behind a long-running query blocks every query that arrives after it, even plain SELECTs; a CREATE INDEX (SHARE) or CREATE TRIGGER (SHARE ROW EXCLUSIVE) waiting the same way blocks every write.',
  fix: "Set a lock timeout once, before the first such statement of the {{scope}} (and retry the migration if it fires):\n   SET lock_timeout = '2s';",
  references: ['https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT', 'https://www.postgresql.org/docs/current/explicit-locking.html'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE users ADD COLUMN nickname text;', messageIds: ['missingLockTimeout'] },
      { sql: 'CREATE INDEX users_email_idx ON users (email);', why: 'SHARE blocks writes while it waits', messageIds: ['missingLockTimeout'] },
      { sql: 'REFRESH MATERIALIZED VIEW daily_totals;', why: 'ACCESS EXCLUSIVE blocks the reads of the view while it waits', messageIds: ['missingLockTimeout'] },
      {
        sql: 'CREATE TRIGGER users_audit AFTER UPDATE ON users FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();',
        why: 'SHARE ROW EXCLUSIVE blocks writes while it waits',
        messageIds: ['missingLockTimeout'],
      },
      { sql: 'ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders ADD COLUMN note text;', why: 'one finding for the file, on its first such statement', messageIds: ['missingLockTimeout'] },
      {
        sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a text;\nCOMMIT;\nBEGIN;\nALTER TABLE orders ADD COLUMN b text;\nCOMMIT;',
        why: 'one finding per transaction block (SET LOCAL covers one block)',
        messageIds: ['missingLockTimeout', 'missingLockTimeout'],
      },
      {
        sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;\nCREATE TABLE drafts (id bigint);\nBEGIN;\nALTER TABLE drafts ADD COLUMN body text;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;',
        why: 'the second block needs its own setting: its first statement only alters a new table, so the finding sits on the next one',
        messages: [
          'No lock_timeout is set before this ACCESS EXCLUSIVE lock on users: while it waits, every query on users queues behind it. One setting covers the whole transaction block.',
          'No lock_timeout is set before this ACCESS EXCLUSIVE lock on orders: while it waits, every query on orders queues behind it. One setting covers the whole transaction block.',
        ],
      },
      {
        sql: 'LOCK TABLE users, orders IN SHARE MODE;',
        why: 'SHARE blocks the writes on both tables while it waits',
        messages: ['No lock_timeout is set before this SHARE lock on users, orders: while it waits, every write on users, orders queues behind it. One setting covers the whole file.'],
      },
    ],
    valid: [
      { sql: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;", why: 'a lock_timeout is set' },
      { sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY daily_totals;', why: 'EXCLUSIVE lets the view be read while it waits, and nothing writes to a materialized view' },
      { sql: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;", why: 'SET LOCAL in the same transaction' },
      { sql: "SELECT set_config('lock_timeout', '2s', false);\nALTER TABLE users ADD COLUMN nickname text;", why: 'set_config counts too' },
      { sql: 'CREATE TABLE drafts (id bigint);\nALTER TABLE drafts ADD COLUMN body text;', why: 'nobody else uses a new table' },
      { sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);', why: 'SHARE UPDATE EXCLUSIVE lets reads and writes go on while it waits' },
      { sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;', why: 'SHARE UPDATE EXCLUSIVE lets reads and writes go on while it waits' },
      { sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY daily_totals;', why: 'EXCLUSIVE lets reads go on, and nobody writes to a materialized view' },
    ],
  },
  statement(context) {
    const { statement, state, report } = context;
    const lock = writeBlockingLock(statement, context);
    // NOTE: asked at every statement, the setting set or not: the tracker records the statements that need it as they come.
    // A table already locked ACCESS EXCLUSIVE earlier in this transaction is not waited for again, and needs no check of its
    // own: the statement that locked it needed the setting too, so it carries the scope's finding.
    if (reportedEarlier(context, lock !== undefined) || state.lockTimeout || !lock) return;
    const { tables } = lock;
    const scope = state.transaction === 'explicit' ? 'transaction block' : 'file';
    const waiting = targetsIndex(statement.node) ? 'its table' : tables.join(', ');
    const blocked = conflicts(lock.mode, 'ACCESS SHARE') ? 'query' : 'write';
    report({ messageId: 'missingLockTimeout', data: { mode: lock.mode, target: describeLocked(statement.node, tables), waiting, blocked, scope }, tables, lock: lock.mode });
  },
});
