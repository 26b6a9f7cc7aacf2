import { typeBaseName, typeModifiers } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { INTRODUCED_COLUMN_KINDS, introducedColumns } from './support/breaking-ast.js';
import { derivedName } from '../core/sql-names.js';

export default defineRule({
  id: 'prefer-text-field',
  severity: 'warning',
  category: 'advice',
  summary: 'Prefer text with a CHECK constraint over varchar(n)',
  lock: null,
  rewrites: false,
  statementKinds: INTRODUCED_COLUMN_KINDS,
  messages: { varchar: '{{table}}.{{column}} is varchar({{limit}}): prefer text with a CHECK (char_length({{column}}) <= {{limit}}) that can change without locking.' },
  why: 'A length limit in the type can only be changed by ALTER COLUMN TYPE (narrowing rewrites and scans under ACCESS EXCLUSIVE); a CHECK constraint can be swapped with NOT VALID + VALIDATE, which does not block writes.',
  fix: [
    'Use text and a named CHECK, declaring the column as',
    '  {{column|ident}} text CONSTRAINT {{constraint|ident}} CHECK (char_length({{column|ident}}) <= {{limit}})',
    '(on an existing table: ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT).',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/datatype-character.html', 'https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_varchar.28n.29_by_default'],
  examples: {
    invalid: [
      { sql: 'CREATE TABLE users (id bigint, email varchar(255));', messageIds: ['varchar'] },
      { sql: 'ALTER TABLE users ADD COLUMN nickname character varying(40);', messageIds: ['varchar'] },
    ],
    valid: [
      { sql: 'CREATE TABLE users (id bigint, email text CHECK (char_length(email) <= 255));', why: 'the documented alternative' },
      { sql: 'ALTER TABLE users ADD COLUMN nickname varchar;', why: 'no limit: same as text' },
    ],
  },
  statement({ statement, report }) {
    for (const column of introducedColumns(statement.node)) {
      const limit = typeModifiers(column.type)[0];
      if (typeBaseName(column.type) === 'varchar' && limit !== undefined) report({ messageId: 'varchar', data: { table: column.table, column: column.column, limit, constraint: derivedName(column.table, column.column, 'length') }, tables: [column.table] });
    }
  },
});
