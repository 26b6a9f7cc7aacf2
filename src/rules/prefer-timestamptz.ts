import { typeBaseName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { INTRODUCED_COLUMN_KINDS, introducedColumns } from './support/breaking-ast.js';

export default defineRule({
  id: 'prefer-timestamptz',
  severity: 'warning',
  category: 'advice',
  summary: 'Prefer timestamptz over timestamp without time zone',
  lock: null,
  rewrites: false,
  statementKinds: INTRODUCED_COLUMN_KINDS,
  messages: { timestamp: '{{table}}.{{column}} is timestamp without time zone: prefer timestamptz.' },
  why: 'timestamp without time zone ignores the session time zone, so instants written by differently configured clients disagree; converting later rewrites the table unless the time zone is UTC (Postgres 12+).',
  fix: 'Declare {{table}}.{{column}} as timestamptz (timestamp with time zone).',
  references: ['https://www.postgresql.org/docs/current/datatype-datetime.html', 'https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_timestamp_.28without_time_zone.29'],
  examples: {
    invalid: [
      { sql: 'CREATE TABLE events (id bigint, created_at timestamp NOT NULL DEFAULT now());', messageIds: ['timestamp'] },
      { sql: 'ALTER TABLE users ADD COLUMN last_seen timestamp(3) without time zone;', messageIds: ['timestamp'] },
    ],
    valid: [{ sql: 'CREATE TABLE events (id bigint, created_at timestamptz NOT NULL DEFAULT now());' }, { sql: 'ALTER TABLE users ADD COLUMN last_seen timestamp with time zone;' }],
  },
  statement({ statement, report }) {
    for (const column of introducedColumns(statement.node)) {
      if (typeBaseName(column.type) === 'timestamp') report({ messageId: 'timestamp', data: { table: column.table, column: column.column }, tables: [column.table] });
    }
  },
});
