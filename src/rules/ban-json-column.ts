import { typeBaseName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { INTRODUCED_COLUMN_KINDS, introducedColumns } from './support/breaking-ast.js';

export default defineRule({
  id: 'ban-json-column',
  severity: 'warning',
  category: 'advice',
  summary: 'Prefer jsonb over json',
  lock: null,
  rewrites: false,
  statementKinds: INTRODUCED_COLUMN_KINDS,
  messages: { json: '{{table}}.{{column}} is json: prefer jsonb.' },
  why: 'json has no equality operator and no GIN indexing and is reparsed on every read; converting to jsonb later rewrites the table under ACCESS EXCLUSIVE.',
  fix: 'Declare {{table}}.{{column}} as jsonb.',
  references: ['https://www.postgresql.org/docs/current/datatype-json.html'],
  examples: {
    invalid: [
      { sql: 'CREATE TABLE events (id bigint, payload json NOT NULL);', messageIds: ['json'] },
      { sql: 'ALTER TABLE users ADD COLUMN settings json;', messageIds: ['json'] },
    ],
    valid: [{ sql: 'CREATE TABLE events (id bigint, payload jsonb NOT NULL);' }, { sql: "ALTER TABLE users ADD COLUMN settings jsonb NOT NULL DEFAULT '{}';" }],
  },
  statement({ statement, report }) {
    for (const column of introducedColumns(statement.node)) {
      if (typeBaseName(column.type) === 'json') report({ messageId: 'json', data: { table: column.table, column: column.column }, tables: [column.table] });
    }
  },
});
