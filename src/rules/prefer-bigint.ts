import { typeBaseName, typeToSql } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { INTRODUCED_COLUMN_KINDS, introducedColumns } from './support/breaking-ast.js';

const SMALL_INTEGERS = new Set(['int4', 'int2', 'int', 'integer', 'smallint', 'serial', 'serial4', 'smallserial', 'serial2']);

export default defineRule({
  id: 'prefer-bigint',
  severity: 'warning',
  category: 'advice',
  summary: 'Prefer bigint for keys: 32-bit ids run out and widening rewrites the table',
  lock: null,
  rewrites: false,
  statementKinds: INTRODUCED_COLUMN_KINDS,
  messages: { smallKey: '{{table}}.{{column}} is {{type}}: key columns should be bigint, widening later rewrites the table.' },
  why: 'Busy tables exhaust 32-bit ids; changing a key to bigint later rewrites the table and every table referencing it under ACCESS EXCLUSIVE locks. bigint costs 4 bytes more per row.',
  fix: 'Declare {{table}}.{{column}} as bigint (or bigint GENERATED ALWAYS AS IDENTITY for a surrogate key), and referencing columns as bigint too.',
  references: ['https://www.postgresql.org/docs/current/datatype-numeric.html', 'https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_serial'],
  examples: {
    invalid: [
      { sql: 'CREATE TABLE users (id serial PRIMARY KEY, name text);', messageIds: ['smallKey'] },
      {
        sql: 'ALTER TABLE orders ADD COLUMN customer_id integer REFERENCES customers (id);',
        messages: ['orders.customer_id is integer: key columns should be bigint, widening later rewrites the table.'],
      },
      { sql: 'CREATE TABLE plans (code smallint PRIMARY KEY, name text);', why: 'a primary key, whatever its name', messageIds: ['smallKey'] },
      { sql: 'CREATE TABLE events (id integer, payload jsonb);', why: 'a column named id is a key, even without PRIMARY KEY', messageIds: ['smallKey'] },
    ],
    valid: [
      { sql: 'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, age integer);', why: 'bigint key; integer is fine for a non-key value' },
      { sql: 'ALTER TABLE orders ADD COLUMN quantity smallint;' },
    ],
  },
  statement({ statement, report }) {
    for (const column of introducedColumns(statement.node)) {
      const name = column.column.toLowerCase();
      const keyLike = column.primaryKey || name === 'id' || name.endsWith('_id');
      if (keyLike && SMALL_INTEGERS.has(typeBaseName(column.type)) && !column.type?.arrayBounds?.length) {
        report({ messageId: 'smallKey', data: { table: column.table, column: column.column, type: typeToSql(column.type) ?? typeBaseName(column.type) }, tables: [column.table] });
      }
    }
  },
});
