import type { ColumnDef, CreateTableAsStmt, InsertStmt, Node, UpdateStmt } from '@pgsql/types';
import { alterTableCommands, nodeAs, relationKey, relationName, walk } from '../core/ast.js';
import type { Statement } from '../core/parse.js';
import { FIX_PHASE_MARKERS } from '../core/fix-phases.js';
import { defineRule } from '../core/rule.js';
import { derivedName, quoteIdent, quoteQualified } from '../core/sql-names.js';
import { statementLock } from '../core/statement-locks.js';
import { tablesCreatedBy, upAndDown } from './support/up-down.js';

export default defineRule({
  id: 'ban-lossy-down',
  severity: 'warning',
  category: 'rollback',
  summary: 'A down migration that drops data older than its up migration, or data the up moved, loses it for good',
  lock: null,
  rewrites: false,
  messages: {
    dropExistingTable: 'Rolling back drops table {{table}}, which existed before {{up}}: rows written before the deploy are lost with it.',
    dropExistingColumn: 'Rolling back drops column {{table}}.{{column}}, which existed before {{up}}: values written before the deploy are lost with it.',
    dropMovedTable: 'Rolling back drops table {{table}}, which {{up}} filled from data it then dropped: the moved rows exist nowhere else.',
    dropMovedColumn: 'Rolling back drops column {{table}}.{{column}}, which {{up}} filled from data it then dropped: the moved values exist nowhere else.',
  },
  why: 'A rollback should undo the schema change, not destroy the data users wrote. Dropping what the up created only removes what the deploy added; dropping a table or column that held data before the up, or that the up moved existing data into and then dropped the source, deletes data that exists nowhere else; restoring it means a point-in-time recovery of the whole database.',
  fix: [
    `${FIX_PHASE_MARKERS.down} Keep the data when rolling back: rename instead of dropping:`,
    '   {{keep}}',
    'and drop the kept data in a later migration, once nothing needs it. If the up moved the data, move it back before dropping.',
    'If losing the data is acceptable, say so with an ignore comment and a reason.',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-droptable.html', 'https://www.postgresql.org/docs/current/sql-altertable.html', 'https://github.com/golang-migrate/migrate/blob/master/MIGRATIONS.md'],
  examples: {
    invalid: [
      {
        files: [
          { path: 'migrations/001_archive.up.sql', text: 'ALTER TABLE users ADD COLUMN archived boolean;' },
          { path: 'migrations/001_archive.down.sql', text: 'ALTER TABLE users DROP COLUMN archived;\nALTER TABLE users DROP COLUMN email;' },
        ],
        why: 'email existed before the up: the rollback deletes every address',
        messageIds: ['dropExistingColumn'],
      },
      {
        files: [
          { path: 'migrations/002_split.up.sql', text: 'ALTER TABLE users ADD COLUMN full_name text;\nUPDATE users SET full_name = first_name || \' \' || last_name;\nALTER TABLE users DROP COLUMN first_name, DROP COLUMN last_name;' },
          { path: 'migrations/002_split.down.sql', text: 'ALTER TABLE users ADD COLUMN first_name text, ADD COLUMN last_name text;\nALTER TABLE users DROP COLUMN full_name;' },
        ],
        why: 'the up moved the names into full_name and dropped the sources: the down drops the only copy',
        messageIds: ['dropMovedColumn'],
      },
      {
        files: [{ path: 'db/migrations/20240101_audit.sql', text: '-- migrate:up\nALTER TABLE audit_log RENAME COLUMN body TO payload;\n-- migrate:down\nDROP TABLE audit_log;\n' }],
        why: 'dbmate down section drops a table that existed before the up',
        messageIds: ['dropExistingTable'],
      },
      {
        files: [
          { path: 'migrations/003_archive.up.sql', text: 'CREATE TABLE user_archive (id bigint, email text);\nINSERT INTO user_archive SELECT id, email FROM users;\nDROP TABLE users;' },
          { path: 'migrations/003_archive.down.sql', text: 'CREATE TABLE users (id bigint, email text);\nDROP TABLE user_archive;' },
        ],
        why: 'the up moved the rows into user_archive and dropped users: the down drops the only copy',
        messages: ['Rolling back drops table user_archive, which migrations/003_archive.up.sql filled from data it then dropped: the moved rows exist nowhere else.'],
      },
    ],
    valid: [
      {
        files: [{ path: 'db/migrations/20240102_full_name.sql', text: "-- migrate:up\nALTER TABLE users ADD COLUMN full_name text;\nUPDATE users SET full_name = first_name || ' ' || last_name;\n-- migrate:down\nALTER TABLE users DROP COLUMN full_name;\n" }],
        why: 'dbmate: the up copied the names and kept them; the down section\'s own drop is no part of the up',
      },
      {
        files: [
          { path: 'migrations/010_order_totals.up.sql', text: 'CREATE TABLE order_totals AS SELECT user_id, sum(total) AS total FROM orders GROUP BY user_id;' },
          { path: 'migrations/010_order_totals.down.sql', text: 'DROP TABLE order_totals;' },
        ],
        why: 'the down drops the summary table that the up created with CREATE TABLE AS',
      },
      {
        files: [
          { path: 'migrations/011_orders_2023.up.sql', text: "SELECT * INTO orders_2023 FROM orders WHERE created_at < '2024-01-01';" },
          { path: 'migrations/011_orders_2023.down.sql', text: 'DROP TABLE orders_2023;' },
        ],
        why: 'SELECT ... INTO creates the table too: the down drops a copy, the rows stay in orders',
      },
      {
        files: [
          { path: 'migrations/002_split.up.sql', text: 'ALTER TABLE users ADD COLUMN full_name text;\nUPDATE users SET full_name = first_name || \' \' || last_name;\nALTER TABLE users DROP COLUMN first_name, DROP COLUMN last_name;' },
          { path: 'migrations/002_split.down.sql', text: "ALTER TABLE users ADD COLUMN first_name text, ADD COLUMN last_name text;\nUPDATE users SET first_name = split_part(full_name, ' ', 1), last_name = split_part(full_name, ' ', 2);\nALTER TABLE users DROP COLUMN full_name;" },
        ],
        why: 'the down moves the data back before dropping full_name',
      },
      {
        files: [
          { path: 'migrations/001_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;' },
          { path: 'migrations/001_phone.down.sql', text: 'ALTER TABLE users DROP COLUMN phone;' },
        ],
        why: 'the down drops only what the up created: the conventional rollback',
      },
      {
        files: [{ path: 'db/migrations/20240101_audit.sql', text: '-- migrate:up\nCREATE TABLE audit_events (id bigint, body text);\n-- migrate:down\nDROP TABLE audit_events;\n' }],
        why: 'the down drops the table the up created',
      },
      {
        files: [
          { path: 'migrations/001_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;' },
          { path: 'migrations/001_phone.down.sql', text: 'ALTER TABLE users RENAME COLUMN phone TO phone_rolled_back;' },
        ],
        why: 'the rollback keeps the values under another name',
      },
      {
        files: [
          { path: 'migrations/002_idx.up.sql', text: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);' },
          { path: 'migrations/002_idx.down.sql', text: 'DROP INDEX CONCURRENTLY users_email_idx;' },
        ],
        why: 'an index holds no data of its own',
      },
      {
        files: [
          { path: 'migrations/004_flags.up.sql', text: "CREATE TABLE flags (name text);\nINSERT INTO flags VALUES ('beta');\nALTER TABLE users ADD COLUMN status text;\nUPDATE users SET status = 'active';\nALTER TABLE users DROP COLUMN legacy;" },
          { path: 'migrations/004_flags.down.sql', text: 'ALTER TABLE users ADD COLUMN legacy text;\nALTER TABLE users DROP COLUMN status;\nDROP TABLE flags;' },
        ],
        why: 'the up filled flags and status with constants, not with the data it dropped',
      },
      {
        files: [
          { path: 'migrations/005_name.up.sql', text: 'ALTER TABLE users ADD COLUMN full_name text;\nUPDATE users SET full_name = first_name;' },
          { path: 'migrations/005_name.down.sql', text: 'ALTER TABLE users DROP COLUMN full_name;' },
        ],
        why: 'the up copied first_name but kept it: full_name holds no only copy',
      },
      {
        files: [
          { path: 'migrations/006_pairs.up.sql', text: 'CREATE TABLE pairs (a int, b int);' },
          { path: 'migrations/006_pairs.down.sql', text: 'ALTER TABLE pairs DROP COLUMN b;\nDROP TABLE pairs;' },
        ],
        why: 'the columns of a table the up created are the up\'s own',
      },
      {
        files: [
          { path: 'migrations/007_audit.up.sql', text: 'ALTER TABLE audit_log ADD COLUMN actor text;' },
          { path: 'migrations/007_audit.down.sql', text: 'CREATE TABLE audit_log_kept AS SELECT * FROM audit_log;\nUPDATE users SET email_kept = email;\nALTER TABLE users DROP COLUMN email;\nDROP TABLE audit_log;' },
        ],
        why: 'the down copies the table and the column out before dropping them',
      },
      {
        files: [
          { path: 'migrations/008_events.up.sql', text: 'CREATE TABLE events (id bigint, body jsonb);\nINSERT INTO events SELECT id, body FROM audit_log;\nDROP TABLE audit_log;' },
          { path: 'migrations/008_events.down.sql', text: 'CREATE TABLE audit_log (id bigint, body jsonb);\nINSERT INTO audit_log SELECT id, body FROM events;\nDROP TABLE events;' },
        ],
        why: 'the down moves the rows back (INSERT ... SELECT) before dropping the table the up filled',
      },
      {
        files: [
          { path: 'migrations/009_email_required.up.sql', text: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;' },
          { path: 'migrations/009_email_required.down.sql', text: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;' },
        ],
        why: 'DROP NOT NULL names a column but drops no data',
      },
    ],
  },
  file({ file, changeSet, report }) {
    const halves = upAndDown(file, changeSet);
    if (!halves) return;
    const { up, down, downPath } = halves;
    const created = new Set(up.flatMap(tablesCreatedBy).map(relationKey));
    const added = new Set(up.flatMap(addedColumns));
    // NOTE: data is "moved" when the up fills what it created from existing rows and drops a source: the copy is then the only one.
    const dropsData = up.some((s) => droppedColumns(s).length > 0 || tablesDroppedBy(s).length > 0);
    const filled = new Set(dropsData ? up.flatMap(filledFromExistingData) : []);
    const data = { up: file.migration.path };
    // NOTE: what the down itself copied out before dropping (INSERT ... SELECT, UPDATE ... SET x = c) is kept, not lost.
    const copied = new Set<string>();
    for (const statement of down) {
      for (const source of copiedFrom(statement)) copied.add(source);
      for (const table of tablesDroppedBy(statement)) {
        const key = relationKey(table);
        if (copied.has(key)) continue;
        const messageId = !created.has(key) ? 'dropExistingTable' : filled.has(key) ? 'dropMovedTable' : undefined;
        if (messageId) report({ messageId, data: { ...data, table, keep: `ALTER TABLE ${quoteQualified(table)} RENAME TO ${quoteIdent(derivedName(table, 'rolled_back'))};` }, statement, file: downPath, tables: [table], lock: 'ACCESS EXCLUSIVE' });
      }
      const alter = alterTableCommands(statement.node);
      if (!alter || created.has(relationKey(alter.table))) continue;
      for (const column of droppedColumns(statement)) {
        const key = columnId(alter.table, column);
        if (copied.has(key) || copied.has(relationKey(alter.table))) continue;
        const messageId = !added.has(key) ? 'dropExistingColumn' : filled.has(key) ? 'dropMovedColumn' : undefined;
        const keep = `ALTER TABLE ${quoteQualified(alter.table)} RENAME COLUMN ${quoteIdent(column)} TO ${quoteIdent(`${column}_rolled_back`)};`;
        if (messageId) report({ messageId, data: { ...data, table: alter.table, column, keep }, statement, file: downPath, tables: [alter.table], lock: 'ACCESS EXCLUSIVE' });
      }
    }
  },
});

/** `table.column`, normalised, for comparing columns across statements. */
function columnId(table: string, column: string): string {
  return `${relationKey(table)}.${column.toLowerCase()}`;
}

/** Columns an ALTER TABLE adds (as columnId). */
function addedColumns(statement: Statement): string[] {
  const alter = alterTableCommands(statement.node);
  return (alter?.commands ?? []).flatMap((c) => {
    const column = c.subtype === 'AT_AddColumn' ? nodeAs<ColumnDef>(c.def as Node | undefined, 'ColumnDef')?.colname : undefined;
    return alter && column ? [columnId(alter.table, column)] : [];
  });
}

/** Columns an ALTER TABLE drops (as written). */
function droppedColumns(statement: Statement): string[] {
  return (alterTableCommands(statement.node)?.commands ?? []).flatMap((c) => (c.subtype === 'AT_DropColumn' && c.name ? [c.name] : []));
}

/** Tables a DROP TABLE drops. */
function tablesDroppedBy(statement: Statement): string[] {
  const drop = (statement.node as { DropStmt?: { removeType?: string } }).DropStmt;
  return drop?.removeType === 'OBJECT_TABLE' ? statementLock(statement.node).tables : [];
}

/**
 * What a statement fills from data already in the database: the columns an UPDATE sets
 * from other columns (as columnId), the table an INSERT ... SELECT fills (as relationKey).
 */
function filledFromExistingData(statement: Statement): string[] {
  const update = nodeAs<UpdateStmt>(statement.node, 'UpdateStmt');
  if (update) {
    const table = relationName(update.relation);
    return (update.targetList ?? []).flatMap((target) => {
      const set = nodeAs<{ name?: string; val?: Node }>(target, 'ResTarget');
      let readsColumns = false;
      walk(set?.val, (type) => (readsColumns ||= type === 'ColumnRef'));
      return set?.name && readsColumns ? [columnId(table, set.name)] : [];
    });
  }
  const insert = nodeAs<InsertStmt>(statement.node, 'InsertStmt');
  const fromRows = nodeAs<{ fromClause?: Node[] }>(insert?.selectStmt, 'SelectStmt')?.fromClause?.length;
  return insert && fromRows ? [relationKey(relationName(insert.relation))] : [];
}

/**
 * What a statement copies data out of: the tables an INSERT ... SELECT or CREATE TABLE AS
 * reads (relationKey), and the columns an UPDATE reads into other columns (columnId).
 */
function copiedFrom(statement: Statement): string[] {
  const sources: string[] = [];
  const query = nodeAs<InsertStmt>(statement.node, 'InsertStmt')?.selectStmt ?? nodeAs<CreateTableAsStmt>(statement.node, 'CreateTableAsStmt')?.query;
  walk(query, (type, payload) => {
    if (type === 'RangeVar') sources.push(relationKey(relationName(payload)));
  });
  const update = nodeAs<UpdateStmt>(statement.node, 'UpdateStmt');
  if (update) {
    const table = relationName(update.relation);
    walk(update.targetList, (type, payload) => {
      if (type !== 'ColumnRef') return;
      const column = nodeAs<{ sval?: string }>((payload.fields as Node[] | undefined)?.at(-1), 'String')?.sval;
      if (column) sources.push(columnId(table, column));
    });
  }
  return sources;
}
