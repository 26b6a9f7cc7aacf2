import { defineRule } from '../core/rule.js';
import { ADDED_CONSTRAINT_KINDS, addedConstraints } from './support/locking-ast.js';
import { derivedName, quoteIdentList } from '../core/sql-names.js';
import { stringList } from '../core/ast.js';

export default defineRule({
  id: 'ban-add-unique-constraint',
  severity: 'error',
  category: 'locking',
  summary: 'ADD UNIQUE builds an index while blocking reads and writes',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  work: 'index-build',
  statementKinds: ADDED_CONSTRAINT_KINDS,
  messages: { inlineUnique: 'Adding unique constraint {{constraint}} on {{table}} builds its index under an ACCESS EXCLUSIVE lock.' },
  why: 'ADD CONSTRAINT ... UNIQUE builds a unique index inside the ALTER TABLE, holding ACCESS EXCLUSIVE until it finishes.',
  fix: [
    'Build the index concurrently, then attach it; each a migration of its own:',
    '1. Drop a leftover of a failed build:',
    '   DROP INDEX CONCURRENTLY IF EXISTS {{constraint|ident}};',
    '2. Build the index, outside a transaction block:',
    '   CREATE UNIQUE INDEX CONCURRENTLY {{constraint|ident}} ON {{table|relation}} ({{columns}});',
    '3. Attach it:',
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{table|relation}} ADD CONSTRAINT {{constraint|ident}} UNIQUE USING INDEX {{constraint|ident}};',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX', 'https://squawkhq.com/docs/disallowed-unique-constraint'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);', messageIds: ['inlineUnique'] },
      {
        sql: 'ALTER TABLE users ADD UNIQUE (tenant_id, email);',
        why: 'unnamed: Postgres names it <table>_<columns>_key',
        messages: ['Adding unique constraint users_tenant_id_email_key on users builds its index under an ACCESS EXCLUSIVE lock.'],
      },
    ],
    valid: [
      { sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;', why: 'attaches an index built concurrently earlier' },
      { sql: 'CREATE TABLE invites (code text);\nALTER TABLE invites ADD CONSTRAINT invites_code_key UNIQUE (code);', why: 'the table is new' },
    ],
  },
  statement({ statement, isNewTable, report }) {
    for (const { table, constraint } of addedConstraints(statement)) {
      if (constraint.contype !== 'CONSTR_UNIQUE' || constraint.indexname || isNewTable(table)) continue;
      report({ messageId: 'inlineUnique', data: { table, constraint: constraint.conname ?? derivedName(table, ...stringList(constraint.keys), 'key'), columns: quoteIdentList(stringList(constraint.keys)) }, tables: [table] });
    }
  },
});
