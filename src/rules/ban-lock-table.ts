/**
 * ## What it does
 * Flags an explicit `LOCK TABLE` in a mode that blocks writes (SHARE or stronger; the
 * default is ACCESS EXCLUSIVE) on an existing table.
 *
 * ## Why is this bad?
 * The lock is held until the transaction ends, and while it waits in the queue every later
 * query on the table waits behind it.
 */
import type { LockStmt, Node } from '@pgsql/types';
import { nodeAs, relationName } from '../core/ast.js';
import { blockedOperations, LOCK_MODES, type LockMode } from '../core/locks.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'ban-lock-table',
  severity: 'error',
  category: 'locking',
  summary: 'An explicit LOCK TABLE that blocks writes holds the table until commit',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ['LockStmt'],
  messages: { explicitLock: 'LOCK TABLE {{table}} IN {{mode}} MODE blocks {{blocks}} on {{table}} until the transaction ends.' },
  why: 'LOCK TABLE takes the lock for the rest of the transaction. In a migration that does more work after it, the table stays blocked for all of it, and while the LOCK waits for running queries, every new query queues behind it.',
  fix: [
    'Drop the explicit lock: each statement takes the lock it needs. If the lock is needed for correctness, keep the transaction short and set a lock_timeout before the LOCK:',
    "   SET lock_timeout = '2s';",
  ].join('\n'),
  versions: 'All versions.',
  references: ['https://www.postgresql.org/docs/current/sql-lock.html', 'https://www.postgresql.org/docs/current/explicit-locking.html'],
  examples: {
    invalid: [
      { sql: 'BEGIN;\nLOCK TABLE users;\nCOMMIT;', why: 'the default mode is ACCESS EXCLUSIVE', messages: ['LOCK TABLE users IN ACCESS EXCLUSIVE MODE blocks reads, writes, ddl on users until the transaction ends.'] },
      { sql: 'BEGIN;\nLOCK TABLE orders IN SHARE MODE;\nCOMMIT;', messages: ['LOCK TABLE orders IN SHARE MODE blocks writes, ddl on orders until the transaction ends.'] },
    ],
    valid: [
      { sql: 'BEGIN;\nLOCK TABLE users IN ACCESS SHARE MODE;\nCOMMIT;', why: 'conflicts only with ACCESS EXCLUSIVE' },
      { sql: 'CREATE TABLE imports (id bigint);\nLOCK TABLE imports;', why: 'the table is new' },
    ],
  },
  statement({ statement, isNewTable, report }) {
    const lock = nodeAs<LockStmt>(statement.node, 'LockStmt');
    if (!lock) return;
    // NOTE: the parser gives the mode as lockdefs.h's number, AccessShareLock (1) to AccessExclusiveLock (8).
    const mode: LockMode = LOCK_MODES[(lock.mode ?? 8) - 1] ?? 'ACCESS EXCLUSIVE';
    const blocks = blockedOperations(mode);
    if (!blocks.includes('writes')) return;
    for (const relation of lock.relations ?? []) {
      const table = relationName(nodeAs(relation as Node, 'RangeVar'));
      if (isNewTable(table)) continue;
      report({ messageId: 'explicitLock', data: { table, mode, blocks: blocks.join(', ') }, tables: [table], lock: mode });
    }
  },
});
