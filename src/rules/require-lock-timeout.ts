import type { Statement } from '../core/parse.js';
import { defineRule, type StatementContext } from '../core/rule.js';
import { statementLock } from '../core/statement-locks.js';
import { describeLocked, scopeTracker, targetsIndex } from './support/timeouts.js';

/** The existing tables a statement locks ACCESS EXCLUSIVE (new ones are unused: nothing queues). */
function accessExclusiveTables(statement: Statement, { isNewTable }: Pick<StatementContext<string>, 'isNewTable'>): string[] {
  const lock = statementLock(statement.node);
  return lock.lock?.mode === 'ACCESS EXCLUSIVE' ? lock.tables.filter((t) => !isNewTable(t)) : [];
}

const reportedEarlier = scopeTracker((statement, context) => accessExclusiveTables(statement, context).length > 0);

export default defineRule({
  id: 'require-lock-timeout',
  severity: 'warning',
  category: 'locking',
  summary: 'ACCESS EXCLUSIVE statements need a lock_timeout so a lock queue cannot stall the table',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  messages: { missingLockTimeout: 'No lock_timeout is set before this ACCESS EXCLUSIVE lock on {{target}}: while it waits, every query on {{waiting}} queues behind it. One setting covers the whole {{scope}}.' },
  why: 'Lock requests queue in order: an ALTER waiting behind a long-running query blocks every query that arrives after it, even plain SELECTs.',
  fix: "Set a lock timeout once, before the first such statement of the {{scope}} (and retry the migration if it fires):\n   SET lock_timeout = '2s';",
  references: ['https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT', 'https://www.postgresql.org/docs/current/explicit-locking.html'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE users ADD COLUMN nickname text;', messageIds: ['missingLockTimeout'] },
      { sql: 'ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders ADD COLUMN note text;', why: 'one finding for the file, on its first such statement', messageIds: ['missingLockTimeout'] },
      {
        sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a text;\nCOMMIT;\nBEGIN;\nALTER TABLE orders ADD COLUMN b text;\nCOMMIT;',
        why: 'one finding per transaction block (SET LOCAL covers one block)',
        messageIds: ['missingLockTimeout', 'missingLockTimeout'],
      },
    ],
    valid: [
      { sql: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;", why: 'a lock_timeout is set' },
      { sql: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;", why: 'SET LOCAL in the same transaction' },
      { sql: "SELECT set_config('lock_timeout', '2s', false);\nALTER TABLE users ADD COLUMN nickname text;", why: 'set_config counts too' },
      { sql: 'CREATE TABLE drafts (id bigint);\nALTER TABLE drafts ADD COLUMN body text;', why: 'nobody else uses a new table' },
    ],
  },
  statement(context) {
    const { statement, state, report } = context;
    if (state.lockTimeout) return;
    // NOTE: a table already locked ACCESS EXCLUSIVE earlier in this transaction is not waited for again.
    const tables = accessExclusiveTables(statement, context).filter((t) => !state.accessExclusiveTables.has(t));
    if (tables.length === 0 || reportedEarlier(context)) return;
    const scope = state.transaction === 'explicit' ? 'transaction block' : 'file';
    const waiting = targetsIndex(statement.node) ? 'its table' : tables.join(', ');
    report({ messageId: 'missingLockTimeout', data: { target: describeLocked(statement.node, tables), waiting, scope }, tables });
  },
});
