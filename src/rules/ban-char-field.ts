import { typeBaseName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { INTRODUCED_COLUMN_KINDS, introducedColumns } from './support/breaking-ast.js';

export default defineRule({
  id: 'ban-char-field',
  severity: 'warning',
  category: 'advice',
  summary: 'Avoid char(n): it pads with spaces; use text (with a CHECK) instead',
  lock: null,
  rewrites: false,
  statementKinds: INTRODUCED_COLUMN_KINDS,
  messages: { charField: '{{table}}.{{column}} is char(n): values are blank-padded; use text or varchar.' },
  why: 'char(n) pads shorter values with spaces, so application code sees trailing blanks and equality behaves unexpectedly; it is no faster than text.',
  fix: 'Declare {{table}}.{{column}} as text, with CHECK (char_length({{column|ident}}) = <n>) if the length is fixed.',
  references: ['https://www.postgresql.org/docs/current/datatype-character.html', 'https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_char.28n.29'],
  examples: {
    invalid: [
      { sql: 'CREATE TABLE countries (code char(2) PRIMARY KEY);', messageIds: ['charField'] },
      { sql: 'ALTER TABLE users ADD COLUMN currency character(3);', messageIds: ['charField'] },
    ],
    valid: [{ sql: 'CREATE TABLE countries (code text PRIMARY KEY CHECK (char_length(code) = 2));' }, { sql: 'ALTER TABLE users ADD COLUMN currency varchar(3);' }],
  },
  statement({ statement, report }) {
    for (const column of introducedColumns(statement.node)) {
      if (typeBaseName(column.type) === 'bpchar') report({ messageId: 'charField', data: { table: column.table, column: column.column }, tables: [column.table] });
    }
  },
});
