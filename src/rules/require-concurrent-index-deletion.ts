import type { IndexStmt } from '@pgsql/types';
import { nodeAs, relationKey, relationName } from '../core/ast.js';
import type { Statement } from '../core/parse.js';
import { type AnalyzedFile, type ChangeSet, defineRule } from '../core/rule.js';
import { DROP_KINDS, dropTargets, unqualified } from './support/breaking-ast.js';
import { quoteQualified } from '../core/sql-names.js';
import { LOCK_TIMEOUT_STEP } from './support/sql-source.js';
import { indexBefore, tableBefore } from './support/table-facts.js';

export default defineRule({
  id: 'require-concurrent-index-deletion',
  severity: 'error',
  category: 'locking',
  summary: 'DROP INDEX without CONCURRENTLY blocks reads and writes of the table',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: DROP_KINDS,
  messages: { missingConcurrently: 'DROP INDEX {{index}} without CONCURRENTLY locks its table against reads and writes.' },
  why: 'DROP INDEX takes ACCESS EXCLUSIVE on the parent table; behind a long-running query it queues and blocks every later query on that table.',
  fix: 'Drop it concurrently, outside a transaction block:\n   DROP INDEX CONCURRENTLY IF EXISTS {{index|relation}};',
  references: ['https://www.postgresql.org/docs/current/sql-dropindex.html'],
  examples: {
    invalid: [
      { sql: 'DROP INDEX users_email_idx;', messageIds: ['missingConcurrently'] },
      { sql: 'DROP INDEX IF EXISTS a_idx, b_idx;', messageIds: ['missingConcurrently', 'missingConcurrently'] },
      {
        files: [
          { path: 'migrations/20260101000000_measurements.up.sql', text: 'CREATE TABLE measurements (at date) PARTITION BY RANGE (at);\nCREATE INDEX measurements_at_idx ON measurements (at);', change: 'unchanged' },
          { path: 'migrations/20260101000001_drop.up.sql', text: 'DROP INDEX measurements_at_idx;' },
        ],
        why: 'a partitioned table\'s index: the fix is a short lock_timeout, since Postgres rejects CONCURRENTLY there',
        messageIds: ['missingConcurrently'],
      },
    ],
    valid: [
      { sql: 'DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;', why: 'the documented safe form' },
      { sql: 'CREATE TABLE t (c int);\nCREATE INDEX t_c_idx ON t (c);\nDROP INDEX t_c_idx;', why: 'the index and its table were created in this change' },
      {
        sql: 'CREATE TABLE imports (id bigint, email text);\nCREATE INDEX imports_email_idx ON imports (email);\nDROP INDEX imports_email_idx;\nCREATE INDEX imports_email_idx ON imports (lower(email));',
        why: 'the index dropped is the first of its name, on a table new in this change; the later one with the same name is built after the drop',
      },
      {
        files: [
          { path: 'migrations/20260101000000_measurements.up.sql', text: 'CREATE TABLE measurements (at date) PARTITION BY RANGE (at);\nCREATE INDEX measurements_at_idx ON measurements (at);', change: 'unchanged' },
          { path: 'migrations/20260101000001_drop.up.sql', text: "SET lock_timeout = '2s';\nDROP INDEX measurements_at_idx;" },
        ],
        why: "a partitioned table's index dropped with a short lock_timeout: the safe form where Postgres rejects CONCURRENTLY",
      },
      {
        sql: 'CREATE TABLE IF NOT EXISTS queues (type text);\nDROP INDEX IF EXISTS queues_type_idx;\nCREATE INDEX IF NOT EXISTS queues_type_idx ON queues (type);',
        why: 'an idempotent first migration: no migration created the index before, and it is re-created on a table new in this change',
      },
    ],
  },
  statement({ statement, state, changeSet, file, isNewTable, report }) {
    const drop = dropTargets(statement.node, 'OBJECT_INDEX');
    if (!drop || drop.concurrent) return;
    for (const index of drop.names) {
      const table = indexTable(index, changeSet, file, statement);
      if (table && isNewTable(table)) continue;
      const created = indexBefore(changeSet, file, statement, index, unqualified(index));
      // NOTE: the idempotent "DROP INDEX IF EXISTS x; CREATE INDEX x ON <table new in this
      // change>" of a first migration: no migration created x before, so the drop is a no-op.
      if (drop.missingOk && !created && recreatedOnNewTable(index, changeSet, file, statement, isNewTable)) continue;
      // NOTE: Postgres rejects DROP INDEX CONCURRENTLY on a partitioned table's index: never suggest it there.
      const partitioned = !!created && tableBefore(changeSet, file, statement, created.table).partitioned;
      // NOTE: there, a drop bounded by a lock_timeout is the safe form (our own fix): it fails fast instead of queueing.
      if (partitioned && state.lockTimeout) continue;
      const fix = partitioned ? partitionedDropFix(index) : undefined;
      report({ messageId: 'missingConcurrently', data: { index }, tables: table ? [table] : undefined, ...(fix ? { fix } : {}) });
    }
  },
});

/** The advice for an index of a partitioned table, which cannot be dropped concurrently. */
function partitionedDropFix(index: string): string {
  return [
    'Postgres cannot drop the index of a partitioned table CONCURRENTLY. Drop it in a transaction of its own with a short lock_timeout, and retry if it times out:',
    LOCK_TIMEOUT_STEP,
    `   DROP INDEX ${quoteQualified(index)};`,
  ].join('\n');
}

/** Whether a later statement of the same file creates the index, on a table new in this change. */
function recreatedOnNewTable(name: string, changeSet: ChangeSet, current: AnalyzedFile, before: Statement, isNewTable: (table: string) => boolean): boolean {
  const { first, ordinals } = changeSet.derived(indexesCreated);
  const created = first.get(relationKey(unqualified(name)));
  return !!created && created.file === ordinals.get(current) && created.statement > before.index && isNewTable(created.table);
}

/**
 * The table of an index that an earlier statement of the change set created, if any.
 * NOTE: only an index on a table that is itself new may be dropped without CONCURRENTLY:
 * on an existing table the drop still locks it, however young the index is.
 */
function indexTable(name: string, changeSet: ChangeSet, current: AnalyzedFile, before: Statement): string | undefined {
  const { first, ordinals } = changeSet.derived(indexesCreated);
  const created = first.get(relationKey(unqualified(name)));
  const ordinal = ordinals.get(current);
  if (!created) return undefined;
  return ordinal === undefined || created.file < ordinal || (created.file === ordinal && created.statement < before.index) ? created.table : undefined;
}

interface CreatedIndex {
  /** Position of the file in the change set's list. */
  file: number;
  /** The statement's index in its file. */
  statement: number;
  table: string;
}

/**
 * The first CREATE INDEX of each index name (relationKey) across the changed files, in
 * order. NOTE: once per change set (ChangeSet.derived); scanning every earlier statement
 * for each DROP INDEX was quadratic (bench/).
 */
function indexesCreated({ changed }: ChangeSet): { first: Map<string, CreatedIndex>; ordinals: Map<AnalyzedFile, number> } {
  const first = new Map<string, CreatedIndex>();
  const ordinals = new Map<AnalyzedFile, number>();
  changed.forEach((file, ordinal) => {
    if (!ordinals.has(file)) ordinals.set(file, ordinal);
    for (const statement of file.statements) {
      const index = nodeAs<IndexStmt>(statement.node, 'IndexStmt');
      if (!index?.idxname) continue;
      const key = relationKey(index.idxname);
      if (!first.has(key)) first.set(key, { file: ordinal, statement: statement.index, table: relationName(index.relation) });
    }
  });
  return { first, ordinals };
}
