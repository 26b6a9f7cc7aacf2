import type { ColumnDef, Constraint } from '@pgsql/types';
import { ALTER_TABLE_KINDS, alterTableCommands, nodeAs, typeBaseName, typeToSql } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

/** The serial pseudo-types and the integer type of the column each makes (CREATE TABLE docs, "Serial Types"). */
const SERIAL = new Map([
  ['serial', 'integer'], ['serial4', 'integer'], ['bigserial', 'bigint'], ['serial8', 'bigint'], ['smallserial', 'smallint'], ['serial2', 'smallint'],
]);

export default defineRule({
  id: 'ban-add-serial-or-stored-generated-column',
  severity: 'error',
  category: 'locking',
  summary: 'Adding a serial, identity or stored generated column rewrites the table',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: true,
  statementKinds: ALTER_TABLE_KINDS,
  messages: { rewritingColumn: 'Adding {{kind}} column {{table}}.{{column}} computes a value for every row: the table is rewritten under an ACCESS EXCLUSIVE lock.' },
  why: 'A serial or identity column draws a sequence value per existing row and a stored generated column computes one; either way Postgres rewrites the table while blocking reads and writes.',
  fix: [
    'Add a plain nullable column and fill it in batches:',
    '1. Add the column:',
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{table|relation}} ADD COLUMN {{column|ident}} {{type}};',
    '2. Set the value for new rows (a DEFAULT, or a trigger for computed values).',
    '3. Backfill {{column}} in batches in separate transactions (a background job, outside the migrations).',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES', 'https://squawkhq.com/docs/adding-serial-primary-key-field'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE events ADD COLUMN seq bigserial;', messageIds: ['rewritingColumn'] },
      { sql: 'ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS (total * 100) STORED;', messageIds: ['rewritingColumn'] },
    ],
    valid: [
      { sql: 'ALTER TABLE events ADD COLUMN seq bigint;', why: 'a plain column is a catalog change' },
      { sql: 'ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS (total * 100) VIRTUAL;', postgresVersion: 18, why: 'a virtual generated column (Postgres 18) is computed when read: nothing is written' },
      { sql: 'CREATE TABLE drafts (body text);\nALTER TABLE drafts ADD COLUMN id bigserial;', why: 'the table is new' },
    ],
  },
  statement({ statement, isNewTable, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    for (const command of alter.commands) {
      const column = command.subtype === 'AT_AddColumn' ? nodeAs<ColumnDef>(command.def, 'ColumnDef') : undefined;
      if (!column) continue;
      const constraints = (column.constraints ?? []).map((c) => nodeAs<Constraint>(c, 'Constraint'));
      const serialType = SERIAL.get(typeBaseName(column.typeName));
      const kind = serialType
        ? 'serial'
        : constraints.some((c) => c?.contype === 'CONSTR_IDENTITY')
          ? 'identity'
          : constraints.some((c) => c?.contype === 'CONSTR_GENERATED' && c.generated_kind !== 'v')
            ? 'stored generated'
            : undefined;
      if (kind) report({ messageId: 'rewritingColumn', data: { kind, table: alter.table, column: column.colname ?? '?', type: serialType ?? typeToSql(column.typeName) ?? '<type>' }, tables: [alter.table] });
    }
  },
});
