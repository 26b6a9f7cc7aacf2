import type { DropStmt, IndexStmt, Node, ReindexStmt } from '@pgsql/types';
import { nodeAs } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

/** Whether the statement is one Postgres forbids inside a transaction block. */
function isConcurrentOutsideOnly(node: Node): boolean {
  if (nodeAs<IndexStmt>(node, 'IndexStmt')?.concurrent) return true;
  if (nodeAs<DropStmt>(node, 'DropStmt')?.concurrent) return true;
  const reindex = nodeAs<ReindexStmt>(node, 'ReindexStmt');
  if (reindex?.params?.some((p) => nodeAs<{ defname?: string }>(p, 'DefElem')?.defname === 'concurrently')) return true;
  const detach = nodeAs<{ cmds?: Node[] }>(node, 'AlterTableStmt')?.cmds?.some((c) => {
    const partition = nodeAs<{ def?: Node }>(c, 'AlterTableCmd')?.def;
    return nodeAs<{ concurrent?: boolean }>(partition, 'PartitionCmd')?.concurrent === true;
  });
  // NOTE: REFRESH MATERIALIZED VIEW CONCURRENTLY is allowed in a transaction block.
  return detach === true;
}

export default defineRule({
  id: 'ban-concurrently-in-transaction',
  severity: 'error',
  category: 'locking',
  summary: 'CONCURRENTLY cannot run inside a transaction block: the deploy fails',
  lock: null,
  rewrites: false,
  statementKinds: ['IndexStmt', 'DropStmt', 'ReindexStmt', 'AlterTableStmt'],
  messages: {
    inTransaction: 'This CONCURRENTLY statement runs inside an {{transaction}} transaction; Postgres rejects it ("cannot run inside a transaction block").',
    multiStatement: 'golang-migrate sends this file as one multi-statement query, which Postgres runs as one implicit transaction; the CONCURRENTLY statement fails there.',
  },
  why: 'CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY and DETACH PARTITION CONCURRENTLY need several transactions of their own; inside a transaction block Postgres raises an error and the migration fails.',
  fix: [
    'Run it on its own, outside any transaction:',
    '- remove BEGIN/COMMIT around it, and',
    '- disable the tool\'s transaction for this migration (goose: -- +goose NO TRANSACTION; dbmate: -- migrate:up transaction:false; diesel: run_in_transaction = false; Flyway: executeInTransaction=false), one CONCURRENTLY statement per migration file.',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY', 'https://squawkhq.com/docs/disallowed-unique-constraint'],
  examples: {
    invalid: [
      { sql: 'BEGIN;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCOMMIT;', messageIds: ['inTransaction'] },
      { sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCREATE INDEX CONCURRENTLY users_name_idx ON users (name);', why: 'golang-migrate runs a multi-statement file as one implicit transaction', messageIds: ['multiStatement', 'multiStatement'] },
    ],
    valid: [
      { sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);', why: 'golang-migrate runs a one-statement file without a transaction' },
      { sql: 'BEGIN;\nCREATE INDEX users_email_idx ON users (email);\nCOMMIT;', why: 'not concurrent' },
    ],
  },
  statement({ statement, state, file, report }) {
    if (!isConcurrentOutsideOnly(statement.node)) return;
    if (state.inTransaction) report({ messageId: 'inTransaction', data: { transaction: state.transaction } });
    // NOTE: golang-migrate's postgres driver sends the whole file in one Exec (simple query
    // protocol); Postgres runs a multi-statement query string as one implicit transaction.
    // NOTE: `some` stops at the first other statement; counting them all was quadratic.
    else if (file.migration.convention === 'golang-migrate' && file.statements.some((s) => s !== statement && s.section === statement.section)) report({ messageId: 'multiStatement' });
  },
});
