import type { TransactionStmt } from '@pgsql/types';
import { nodeAs } from '../core/ast.js';
import { sectionAt } from '../core/migration.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'ban-nested-transaction',
  severity: 'error',
  category: 'locking',
  summary: 'BEGIN inside an open transaction: the inner COMMIT ends the outer one early',
  lock: null,
  rewrites: false,
  statementKinds: ['TransactionStmt'],
  messages: { nestedBegin: 'BEGIN inside an already open {{transaction}} transaction is ignored; the following COMMIT commits the outer transaction early.' },
  why: 'Postgres has no nested transactions: the inner BEGIN only warns, and its COMMIT ends the transaction the migration tool opened, so later statements run outside it and a failure leaves a half-applied migration.',
  fix: 'Remove BEGIN/COMMIT from the file and let the migration tool own the transaction, or disable the tool\'s transaction for this migration. Use SAVEPOINT for nested scopes.',
  references: ['https://www.postgresql.org/docs/current/sql-begin.html', 'https://squawkhq.com/docs/ban-concurrent-index-creation-in-transaction'],
  examples: {
    invalid: [
      { sql: 'BEGIN;\nBEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nCOMMIT;', messageIds: ['nestedBegin'] },
      {
        files: [{ path: 'db/migration/V3__backfill_status.sql', text: "START TRANSACTION;\nUPDATE users SET status = 'active' WHERE status IS NULL;\nCOMMIT;" }],
        why: 'START TRANSACTION is BEGIN by another name, and Flyway already runs the script in a transaction',
        messageIds: ['nestedBegin'],
      },
    ],
    valid: [
      { sql: 'BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;', why: 'golang-migrate runs without a transaction, so this BEGIN is the only one' },
      {
        files: [{ path: 'prisma/migrations/20240101000000_status/migration.sql', text: "BEGIN;\nCREATE TYPE status_new AS ENUM ('a', 'b');\nALTER TABLE t ALTER COLUMN s TYPE status_new USING (s::text::status_new);\nCOMMIT;" }],
        why: 'Prisma sends the script as one query; its generated BEGIN makes Postgres\' implicit block explicit, nothing nests',
      },
      { files: [{ path: 'supabase/migrations/20240101000000_a.sql', text: 'CREATE TABLE b (id int);\nBEGIN;\nCREATE TABLE a (id int);\nCOMMIT;' }], why: 'the Supabase CLI\'s pipeline is an implicit block: BEGIN makes it explicit, it does not nest' },
    ],
  },
  statement({ statement, state, file, report }) {
    const transaction = nodeAs<TransactionStmt>(statement.node, 'TransactionStmt');
    if (!state.inTransaction || (transaction?.kind !== 'TRANS_STMT_BEGIN' && transaction?.kind !== 'TRANS_STMT_START')) return;
    // NOTE: when the tool's transaction is Postgres' implicit block (one query string or one
    // pipeline: Supabase, Prisma), BEGIN turns that block into an explicit one: not nested, not ignored.
    if (state.transaction === 'implicit' && sectionAt(file.migration, statement.span.startOffset)?.sends) return;
    report({ messageId: 'nestedBegin', data: { transaction: state.transaction } });
  },
});
