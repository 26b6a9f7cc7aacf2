/**
 * ## What it does
 * Flags a statement that takes an ACCESS EXCLUSIVE lock on an existing table when no
 * `lock_timeout` is in effect (SET, SET LOCAL or set_config earlier in the file).
 *
 * ## Why is this bad?
 * While it waits for the lock (behind one long query), every later query on the table
 * queues behind it: a short ALTER becomes an outage. A lock_timeout makes it give up.
 */
import { defineRule } from '../core/rule.js';
import { statementLock } from '../core/statement-locks.js';

export default defineRule({
  id: 'require-lock-timeout',
  severity: 'warning',
  category: 'locking',
  summary: 'ACCESS EXCLUSIVE statements need a lock_timeout so a lock queue cannot stall the table',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  messages: { missingLockTimeout: 'No lock_timeout is set before this ACCESS EXCLUSIVE lock on {{table}}: while it waits, all queries on {{table}} queue behind it.' },
  why: 'Lock requests queue in order: an ALTER waiting behind a long-running query blocks every query that arrives after it, even plain SELECTs.',
  fix: 'Set a lock timeout first (and retry the migration if it fires):\n   SET lock_timeout = \'2s\';\n   {{statement}}',
  references: ['https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT', 'https://www.postgresql.org/docs/current/explicit-locking.html'],
  examples: {
    invalid: [{ sql: 'ALTER TABLE users ADD COLUMN nickname text;', messageIds: ['missingLockTimeout'] }],
    valid: [
      { sql: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;", why: 'a lock_timeout is set' },
      { sql: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;", why: 'SET LOCAL in the same transaction' },
      { sql: "SELECT set_config('lock_timeout', '2s', false);\nALTER TABLE users ADD COLUMN nickname text;", why: 'set_config counts too' },
      { sql: 'CREATE TABLE drafts (id bigint);\nALTER TABLE drafts ADD COLUMN body text;', why: 'nobody else uses a new table' },
    ],
  },
  statement({ statement, state, isNewTable, report }) {
    if (state.lockTimeout) return;
    const lock = statementLock(statement.node);
    if (lock.lock?.mode !== 'ACCESS EXCLUSIVE') return;
    // NOTE: a table already locked ACCESS EXCLUSIVE earlier in this transaction is not waited for again.
    const tables = lock.tables.filter((t) => !isNewTable(t) && !state.accessExclusiveTables.has(t));
    if (tables.length === 0) return;
    report({ messageId: 'missingLockTimeout', data: { table: tables.join(', '), statement: statement.text.trim() }, tables });
  },
});
