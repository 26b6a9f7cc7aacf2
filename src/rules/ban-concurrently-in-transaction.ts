import type { DropStmt, IndexStmt, Node, ReindexStmt } from '@pgsql/types';
import { nodeAs, optionEnabled } from '../core/ast.js';
import { sectionAt } from '../core/migration.js';
import { defineRule } from '../core/rule.js';

/**
 * What the statement is, when Postgres forbids it inside a transaction block (its command
 * calls PreventInTransactionBlock): a CONCURRENTLY form, or VACUUM (vacuum.c: "VACUUM cannot
 * run inside a transaction block"; a plain ANALYZE can).
 */
function outsideTransactionOnly(node: Node): 'CONCURRENTLY' | 'VACUUM' | undefined {
  if (nodeAs<{ is_vacuumcmd?: boolean }>(node, 'VacuumStmt')?.is_vacuumcmd) return 'VACUUM';
  return isConcurrentOutsideOnly(node) ? 'CONCURRENTLY' : undefined;
}

/** Whether the statement is a CONCURRENTLY form that Postgres forbids inside a transaction block. */
function isConcurrentOutsideOnly(node: Node): boolean {
  if (nodeAs<IndexStmt>(node, 'IndexStmt')?.concurrent) return true;
  if (nodeAs<DropStmt>(node, 'DropStmt')?.concurrent) return true;
  const reindex = nodeAs<ReindexStmt>(node, 'ReindexStmt');
  if (reindex && optionEnabled(reindex.params, 'concurrently')) return true;
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
  summary: 'CONCURRENTLY (and VACUUM) cannot run inside a transaction block: the deploy fails',
  lock: null,
  rewrites: false,
  statementKinds: ['IndexStmt', 'DropStmt', 'ReindexStmt', 'AlterTableStmt', 'VacuumStmt'],
  // NOTE: a rollback that fails is as bad as a deploy that fails (a goose Down section, a down file).
  sections: ['up', 'down'],
  messages: {
    inTransaction: 'This {{what}} statement runs inside an {{transaction}} transaction; Postgres rejects it ("cannot run inside a transaction block").',
    pipeline: '{{tool}} sends this file as one pipeline, and after its first statement Postgres rejects {{what}} there ("cannot be executed within a pipeline"); only the first statement of such a file can be {{what}}.',
    multiStatement: '{{tool}} sends this file as one multi-statement query, which Postgres runs as one implicit transaction; the {{what}} statement fails there.',
  },
  why: 'CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY and DETACH PARTITION CONCURRENTLY need several transactions of their own, and VACUUM commits as it goes; inside a transaction block Postgres raises an error and the migration fails.',
  fix: [
    'Run it on its own, outside any transaction:',
    '- remove BEGIN/COMMIT around it, and',
    '- disable the tool\'s transaction for this migration (goose: -- +goose NO TRANSACTION; dbmate: -- migrate:up transaction:false; diesel: run_in_transaction = false; Flyway: executeInTransaction=false; golang-migrate, Prisma and Supabase: make it the only statement of its migration; drizzle-kit always runs migrations in a transaction: run it outside drizzle), one CONCURRENTLY statement per migration file.',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY', 'https://squawkhq.com/docs/disallowed-unique-constraint'],
  examples: {
    invalid: [
      { sql: 'BEGIN;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCOMMIT;', messageIds: ['inTransaction'] },
      { sql: 'BEGIN;\nVACUUM (ANALYZE) users;\nCOMMIT;', why: 'VACUUM cannot run in a transaction block either', messageIds: ['inTransaction'] },
      { sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCREATE INDEX CONCURRENTLY users_name_idx ON users (name);', why: 'golang-migrate runs a multi-statement file as one implicit transaction', messageIds: ['multiStatement', 'multiStatement'] },
      {
        files: [{ path: 'db/migrations/00002_email_idx.sql', text: '-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementEnd\n\n-- +goose Down\nDROP INDEX CONCURRENTLY users_email_idx;\n' }],
        why: 'goose runs the Down section in a transaction too: the rollback fails',
        messageIds: ['inTransaction'],
      },
      {
        files: [{ path: 'supabase/migrations/20240101000000_email_idx.sql', text: 'DROP INDEX users_old_idx;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);' }],
        why: 'the Supabase CLI sends the file as one pipeline; only its first statement may be CONCURRENTLY',
        messageIds: ['pipeline'],
      },
      {
        files: [{ path: 'supabase/migrations/20240101000000_email_idx.sql', text: 'BEGIN;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCOMMIT;' }],
        why: 'an explicit transaction block, even in a pipeline',
        messageIds: ['inTransaction'],
      },
      { sql: 'BEGIN;\nALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;\nCOMMIT;', why: 'DETACH PARTITION CONCURRENTLY (Postgres 14+) needs transactions of its own too', messageIds: ['inTransaction'] },
    ],
    valid: [
      { sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);', why: 'golang-migrate runs a one-statement file without a transaction' },
      { sql: 'BEGIN;\nCREATE INDEX users_email_idx ON users (email);\nCOMMIT;', why: 'not concurrent' },
      { sql: 'BEGIN;\nANALYZE users;\nCOMMIT;', why: 'ANALYZE alone runs in a transaction block' },
      { files: [{ path: 'prisma/migrations/20240101000000_email_idx/migration.sql', text: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);' }], why: 'Prisma sends the script as one query: a single statement runs outside any transaction' },
      { files: [{ path: 'supabase/migrations/20240101000000_email_idx.sql', text: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nDROP INDEX users_old_idx;' }], why: 'the first statement of a Supabase pipeline runs outside a transaction block' },
    ],
  },
  statement({ statement, state, file, report }) {
    const what = outsideTransactionOnly(statement.node);
    if (!what) return;
    const sends = sectionAt(file.migration, statement.span.startOffset)?.sends;
    if (!state.inTransaction) return;
    if (state.transaction === 'implicit' && sends === 'pipeline') {
      // NOTE: Postgres marks a pipeline as such only once its first statement completes
      // (postgres.c exec_execute_message sets XACT_FLAGS_PIPELINING), so the first statement may be CONCURRENTLY.
      if (file.statements.some((s) => s.section === statement.section && s.index < statement.index)) report({ messageId: 'pipeline', data: { what, tool: file.migration.convention } });
    } else if (state.transaction === 'implicit' && sends === 'one-query') {
      // NOTE: golang-migrate's postgres driver and Prisma send the whole file as one simple
      // query (Section.sends): the tracker runs a multi-statement one in an implicit block.
      report({ messageId: 'multiStatement', data: { what, tool: file.migration.convention } });
    } else report({ messageId: 'inTransaction', data: { what, transaction: state.transaction } });
  },
});
