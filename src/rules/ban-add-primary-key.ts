import { defineRule, fillTemplate } from '../core/rule.js';
import { ADDED_CONSTRAINT_KINDS, addedConstraints, hasValidatedNotNullCheck } from './support/locking-ast.js';
import { derivedName, quoteIdent, quoteIdentList } from '../core/sql-names.js';
import { stringList } from '../core/ast.js';
import { priorColumn } from './support/breaking-ast.js';

/** Build the index concurrently and attach it: enough when the key columns are NOT NULL already. */
const BUILD_AND_ATTACH = [
  'Drop a leftover of a failed build:',
  '   DROP INDEX CONCURRENTLY IF EXISTS {{index|ident}};',
  'Build the index, outside a transaction block:',
  '   CREATE UNIQUE INDEX CONCURRENTLY {{index|ident}} ON {{table|relation}} ({{columns}});',
  'Attach it:',
  "   SET lock_timeout = '2s';",
  '   ALTER TABLE {{table|relation}} ADD CONSTRAINT {{index|ident}} PRIMARY KEY USING INDEX {{index|ident}};',
];

export default defineRule({
  id: 'ban-add-primary-key',
  severity: 'error',
  category: 'locking',
  summary: 'ADD PRIMARY KEY builds an index while blocking reads and writes',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  work: 'index-build',
  statementKinds: ADDED_CONSTRAINT_KINDS,
  messages: { inlinePrimaryKey: 'Adding a primary key to {{table}} builds its index under an ACCESS EXCLUSIVE lock.' },
  why: 'ADD PRIMARY KEY builds a unique index and checks NOT NULL inside the ALTER TABLE, holding ACCESS EXCLUSIVE until it finishes.',
  // NOTE: the attach sets NOT NULL on the key columns; Postgres 12+ skips that scan when a
  // validated CHECK (col IS NOT NULL) exists, so the columns not known NOT NULL are proved first.
  fix: [
    'Prove the key columns NOT NULL, build the index concurrently, then attach it; each step a migration of its own:',
    'Add a NOT NULL check without scanning:',
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{table|relation}} {{addChecks}};',
    'Validate it (SHARE UPDATE EXCLUSIVE: reads and writes go on):',
    "   SET statement_timeout = '15min';",
    '   ALTER TABLE {{table|relation}} {{validateChecks}};',
    ...BUILD_AND_ATTACH,
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX', 'https://squawkhq.com/docs/adding-serial-primary-key-field'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE events ADD PRIMARY KEY (id);', messageIds: ['inlinePrimaryKey'] },
      {
        files: [
          { path: 'migrations/20260101000000_events.up.sql', text: 'CREATE TABLE events (id bigint NOT NULL, at timestamptz);', change: 'unchanged' },
          { path: 'migrations/20260101000001_events_pkey.up.sql', text: 'ALTER TABLE events ADD PRIMARY KEY (id);' },
        ],
        why: 'the key column is NOT NULL already: the fix only builds and attaches the index',
        messageIds: ['inlinePrimaryKey'],
      },
    ],
    valid: [
      { sql: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;', why: 'attaches an index built concurrently' },
      { sql: 'CREATE TABLE drafts (id bigint);\nALTER TABLE drafts ADD PRIMARY KEY (id);', why: 'the table is new' },
    ],
  },
  statement({ statement, file, changeSet, isNewTable, report }) {
    for (const { table, constraint } of addedConstraints(statement)) {
      if (constraint.contype !== 'CONSTR_PRIMARY' || constraint.indexname || isNewTable(table)) continue;
      const keys = stringList(constraint.keys);
      const nullable = keys.filter((column) => !priorColumn(changeSet, file, statement, table, column)?.notNull && !hasValidatedNotNullCheck(changeSet, file, statement, table, column));
      const checks = nullable.map((column) => ({ column: quoteIdent(column), name: quoteIdent(derivedName(table, column, 'not_null')) }));
      const data = {
        table,
        index: constraint.conname ?? derivedName(table, 'pkey'),
        columns: quoteIdentList(keys),
        addChecks: checks.map(({ column, name }) => `ADD CONSTRAINT ${name} CHECK (${column} IS NOT NULL) NOT VALID`).join(', '),
        validateChecks: checks.map(({ name }) => `VALIDATE CONSTRAINT ${name}`).join(', '),
      };
      const fix = nullable.length === 0 ? fillTemplate(['Build the index concurrently, then attach it; each step a migration of its own:', ...BUILD_AND_ATTACH].join('\n'), data, 'ban-add-primary-key') : undefined;
      report({ messageId: 'inlinePrimaryKey', data, tables: [table], ...(fix ? { fix } : {}) });
    }
  },
});
