import type { TransactionStmt } from '@pgsql/types';
import { nodeAs } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

const ENDS = new Set(['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE', 'TRANS_STMT_COMMIT_PREPARED']);

export default defineRule({
  id: 'ban-uncommitted-transaction',
  severity: 'error',
  category: 'locking',
  summary: 'BEGIN without COMMIT leaves the transaction (and its locks) open',
  lock: null,
  rewrites: false,
  messages: { uncommitted: 'This BEGIN is never committed: the migration ends with its transaction open.' },
  why: 'A transaction left open is rolled back when the session closes (the migration silently does nothing) or keeps its locks while the tool keeps the connection.',
  fix: 'Add COMMIT; after the last statement of the transaction, or remove the BEGIN and let the migration tool own the transaction.',
  references: ['https://www.postgresql.org/docs/current/sql-commit.html', 'https://squawkhq.com/docs/transaction-nesting'],
  examples: {
    invalid: [
      { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;', messageIds: ['uncommitted'] },
      { sql: 'START TRANSACTION;\nALTER TABLE users ADD COLUMN nickname text;', why: 'START TRANSACTION is BEGIN', messageIds: ['uncommitted'] },
      {
        sql: "BEGIN;\nSAVEPOINT before_backfill;\nUPDATE users SET status = 'active' WHERE status IS NULL;\nRELEASE SAVEPOINT before_backfill;",
        why: 'releasing a savepoint does not end the transaction',
        messageIds: ['uncommitted'],
      },
      {
        files: [{ path: 'db/migrations/20240101000000_nickname.sql', text: '-- migrate:up\nBEGIN;\nALTER TABLE users ADD COLUMN nickname text;\n-- migrate:down\nBEGIN;\nALTER TABLE users DROP COLUMN nickname;\nCOMMIT;\n' }],
        why: 'dbmate: each section runs on its own, so the COMMIT of the down section does not close the up section\'s BEGIN',
        messageIds: ['uncommitted'],
      },
    ],
    valid: [{ sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;' }],
  },
  file({ file, report }) {
    let open: (typeof file.statements)[number] | undefined;
    let section: string | undefined;
    const flush = () => {
      if (open) report({ messageId: 'uncommitted', statement: open, span: open.span });
      open = undefined;
    };
    for (const statement of file.statements) {
      if (statement.section !== section) flush();
      section = statement.section;
      const kind = nodeAs<TransactionStmt>(statement.node, 'TransactionStmt')?.kind;
      if ((kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') && !open) open = statement;
      else if (kind && ENDS.has(kind)) open = undefined;
    }
    flush();
  },
});
