/**
 * ## What it does
 * Flags `CREATE TABLE` without a primary key, unless a later statement of the change adds
 * one, and a statement that drops the primary key of a table the change created (DROP
 * CONSTRAINT, or DROP COLUMN of a key column) unless a later one adds a key back.
 * Partitions (which inherit the parent's), temporary tables and `CREATE TABLE ... AS` are
 * not flagged.
 *
 * ## Why is this bad?
 * Without a primary key, logical replication cannot replicate UPDATE and DELETE (the
 * statements fail on a published table), duplicate rows cannot be told apart, and tools
 * such as pg_repack refuse the table.
 */
import type { CreateStmt } from '@pgsql/types';
import { alterTableCommands, nodeAs, relationKey, relationName } from '../core/ast.js';
import type { Statement } from '../core/parse.js';
import { type AnalyzedFile, type ChangeSet, defineRule } from '../core/rule.js';
import { introducedColumns } from './support/breaking-ast.js';
import { addedConstraints, addsPrimaryKey } from './support/locking-ast.js';
import { primaryKeyDroppedBy } from './support/table-facts.js';

export default defineRule({
  id: 'require-primary-key',
  severity: 'warning',
  category: 'advice',
  summary: 'New tables need a primary key',
  lock: null,
  rewrites: false,
  statementKinds: ['CreateStmt', 'AlterTableStmt'],
  messages: {
    noPrimaryKey: 'Table {{table}} has no primary key: UPDATE and DELETE cannot be replicated logically, and duplicate rows cannot be told apart.',
    droppedPrimaryKey: 'Table {{table}}, new in this change, is left without a primary key once {{constraint}} is dropped: UPDATE and DELETE cannot be replicated logically, and duplicate rows cannot be told apart.',
  },
  why: 'The primary key is the default replica identity. A table without one raises an error on UPDATE and DELETE once it is in a publication, and online maintenance tools (pg_repack) need a key.',
  fix: 'Declare one: id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, or PRIMARY KEY (<natural key columns>) for a join table.',
  versions: 'All versions; logical replication from Postgres 10.',
  references: ['https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-PRIMARY-KEYS', 'https://www.postgresql.org/docs/current/logical-replication-publication.html'],
  examples: {
    invalid: [
      { sql: 'CREATE TABLE page_views (user_id bigint, viewed_at timestamptz);', messageIds: ['noPrimaryKey'] },
      { sql: 'CREATE TABLE page_views (id bigint PRIMARY KEY, viewed_at timestamptz);\nALTER TABLE page_views DROP CONSTRAINT page_views_pkey;', why: 'the new table loses its key before anyone uses it', messageIds: ['droppedPrimaryKey'] },
      { sql: 'CREATE TABLE memberships (user_id bigint, team_id bigint, UNIQUE (user_id, team_id));', why: 'a UNIQUE constraint is no primary key: its columns may be NULL', messageIds: ['noPrimaryKey'] },
      { sql: 'CREATE TABLE page_views (id bigint, code text);\nALTER TABLE page_views ADD CONSTRAINT page_views_code_key UNIQUE (code);', why: 'the constraint added after is no primary key either', messageIds: ['noPrimaryKey'] },
      { sql: 'CREATE TABLE page_views (id bigint);\nALTER TABLE page_views ADD PRIMARY KEY (id);\nALTER TABLE page_views DROP CONSTRAINT page_views_pkey;', why: 'the key added after the CREATE is dropped again', messageIds: ['droppedPrimaryKey'] },
      { sql: 'CREATE TABLE page_views (id bigint PRIMARY KEY, code text);\nALTER TABLE page_views DROP CONSTRAINT page_views_pkey, ADD CONSTRAINT page_views_code_key UNIQUE (code);', why: 'the statement adds a UNIQUE constraint, not a new key', messageIds: ['droppedPrimaryKey'] },
    ],
    valid: [
      { sql: 'CREATE TABLE page_views (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, viewed_at timestamptz);', why: 'inline primary key' },
      { sql: 'CREATE TABLE memberships (user_id bigint, team_id bigint, PRIMARY KEY (user_id, team_id));', why: 'table constraint' },
      { sql: 'CREATE TABLE page_views (id bigint);\nALTER TABLE page_views ADD PRIMARY KEY (id);', why: 'added right after' },
      { sql: "CREATE TABLE measurements_2021 PARTITION OF measurements FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');", why: 'a partition inherits the parent\'s key' },
      { sql: 'CREATE TEMPORARY TABLE scratch (n int);', why: 'temporary' },
      { sql: 'CREATE TABLE page_views (id bigint PRIMARY KEY, code text);\nALTER TABLE page_views DROP CONSTRAINT page_views_pkey;\nALTER TABLE page_views ADD PRIMARY KEY (code);', why: 'a key is added back' },
      { sql: 'CREATE TABLE page_views (id bigint PRIMARY KEY, code text);\nALTER TABLE page_views DROP CONSTRAINT page_views_pkey, ADD PRIMARY KEY (code);', why: 'the same statement adds a new key' },
      { sql: 'CREATE TABLE page_views_archive (LIKE page_views INCLUDING ALL, archived_at timestamptz);', why: 'LIKE ... INCLUDING copies the key of a table the migrations may not show' },
      {
        files: [
          { path: 'migrations/20260101000000_page_views.up.sql', text: 'CREATE TABLE page_views (id bigint, viewed_at timestamptz);' },
          { path: 'migrations/20260101000001_page_views_pkey.up.sql', text: 'ALTER TABLE page_views ADD PRIMARY KEY (id);' },
        ],
        why: 'the next migration of the change adds the key',
      },
    ],
  },
  statement({ statement, file, changeSet, isNewTable, report }) {
    const alter = alterTableCommands(statement.node);
    // NOTE: an existing table's dropped key is ban-drop-primary-key's finding.
    if (alter && isNewTable(alter.table)) {
      for (const command of alter.commands) {
        const dropped = primaryKeyDroppedBy(changeSet, file, statement, alter.table, command);
        if (dropped && !addsPrimaryKey(statement, alter.table) && !addedAfter(changeSet, file, statement, alter.table)) report({ messageId: 'droppedPrimaryKey', data: { table: alter.table, constraint: dropped.constraint } });
      }
      return;
    }
    const create = nodeAs<CreateStmt>(statement.node, 'CreateStmt');
    if (!create || create.partbound || create.relation?.relpersistence === 't' || create.ofTypename) return;
    if (introducedColumns(statement.node).some((c) => c.primaryKey)) return;
    // NOTE: CREATE TABLE (LIKE other INCLUDING ...) copies the key from a table we may not see.
    if ((create.tableElts ?? []).some((e) => 'TableLikeClause' in e)) return;
    const table = relationName(create.relation);
    if (!addedAfter(changeSet, file, statement, table)) report({ messageId: 'noPrimaryKey', data: { table } });
  },
});

/**
 * Whether another statement of the change (later in this file, or in another file) adds a primary key to `table`.
 * NOTE: any later statement of the change may add the key (often the next file of a generated migration).
 */
function addedAfter(changeSet: ChangeSet, file: AnalyzedFile, statement: Statement, table: string): boolean {
  const keysAdded = changeSet.derived(primaryKeysAddedInChange).get(relationKey(table)) ?? [];
  return keysAdded.some((added) => added.file !== file || added.index > statement.index);
}

/** Where the change's ALTER TABLE statements add a primary key, by the table's relationKey (one pass per change set). */
function primaryKeysAddedInChange(changeSet: ChangeSet): Map<string, { file: AnalyzedFile; index: number }[]> {
  const byTable = new Map<string, { file: AnalyzedFile; index: number }[]>();
  for (const file of changeSet.changed) {
    for (const statement of file.statements) {
      for (const added of addedConstraints(statement)) {
        if (added.constraint.contype !== 'CONSTR_PRIMARY') continue;
        const key = relationKey(added.table);
        const places = byTable.get(key) ?? [];
        places.push({ file, index: statement.index });
        byTable.set(key, places);
      }
    }
  }
  return byTable;
}
