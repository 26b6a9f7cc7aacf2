import { defineRule } from '../core/rule.js';
import { ADDED_CONSTRAINT_KINDS, addedConstraints } from './support/locking-ast.js';
import { derivedName, quoteIdentList } from '../core/sql-names.js';
import { stringList } from '../core/ast.js';

export default defineRule({
  id: 'ban-add-primary-key',
  severity: 'error',
  category: 'locking',
  summary: 'ADD PRIMARY KEY builds an index while blocking reads and writes',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ADDED_CONSTRAINT_KINDS,
  messages: { inlinePrimaryKey: 'Adding a primary key to {{table}} builds its index under an ACCESS EXCLUSIVE lock.' },
  why: 'ADD PRIMARY KEY builds a unique index and checks NOT NULL inside the ALTER TABLE, holding ACCESS EXCLUSIVE until it finishes.',
  fix: [
    'Build the index concurrently, then attach it; each a migration of its own:',
    '1. Drop a leftover of a failed build:',
    '   DROP INDEX CONCURRENTLY IF EXISTS {{index|ident}};',
    '2. Build the index, outside a transaction block:',
    '   CREATE UNIQUE INDEX CONCURRENTLY {{index|ident}} ON {{table|relation}} ({{columns}});',
    '3. Attach it (the columns must be NOT NULL already, or this scans under ACCESS EXCLUSIVE):',
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{table|relation}} ADD CONSTRAINT {{index|ident}} PRIMARY KEY USING INDEX {{index|ident}};',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX', 'https://squawkhq.com/docs/adding-serial-primary-key-field'],
  examples: {
    invalid: [{ sql: 'ALTER TABLE events ADD PRIMARY KEY (id);', messageIds: ['inlinePrimaryKey'] }],
    valid: [
      { sql: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;', why: 'attaches an index built concurrently' },
      { sql: 'CREATE TABLE drafts (id bigint);\nALTER TABLE drafts ADD PRIMARY KEY (id);', why: 'the table is new' },
    ],
  },
  statement({ statement, isNewTable, report }) {
    for (const { table, constraint } of addedConstraints(statement)) {
      if (constraint.contype !== 'CONSTR_PRIMARY' || constraint.indexname || isNewTable(table)) continue;
      report({ messageId: 'inlinePrimaryKey', data: { table, index: constraint.conname ?? derivedName(table, 'pkey'), columns: quoteIdentList(stringList(constraint.keys)) }, tables: [table] });
    }
  },
});
