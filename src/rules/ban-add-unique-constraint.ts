/**
 * ## What it does
 * Flags `ADD CONSTRAINT ... UNIQUE` that builds its index inline on an existing table.
 *
 * ## Why is this bad?
 * The index build holds ACCESS EXCLUSIVE for its whole duration: reads and writes stall.
 */
import { defineRule } from '../core/rule.js';
import { ADDED_CONSTRAINT_KINDS, addedConstraints } from './support/locking-ast.js';

export default defineRule({
  id: 'ban-add-unique-constraint',
  severity: 'error',
  category: 'locking',
  summary: 'ADD UNIQUE builds an index while blocking reads and writes',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ADDED_CONSTRAINT_KINDS,
  messages: { inlineUnique: 'Adding unique constraint {{constraint}} on {{table}} builds its index under an ACCESS EXCLUSIVE lock.' },
  why: 'ADD CONSTRAINT ... UNIQUE builds a unique index inside the ALTER TABLE, holding ACCESS EXCLUSIVE until it finishes.',
  fix: [
    'Build the index concurrently, then attach it:',
    '1. CREATE UNIQUE INDEX CONCURRENTLY {{constraint}} ON {{table}} (...);  -- outside a transaction',
    '2. ALTER TABLE {{table}} ADD CONSTRAINT {{constraint}} UNIQUE USING INDEX {{constraint}};',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX', 'https://squawkhq.com/docs/disallowed-unique-constraint'],
  examples: {
    invalid: [{ sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);', messageIds: ['inlineUnique'] }],
    valid: [
      { sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;', why: 'attaches an index built concurrently earlier' },
      { sql: 'CREATE TABLE invites (code text);\nALTER TABLE invites ADD CONSTRAINT invites_code_key UNIQUE (code);', why: 'the table is new' },
    ],
  },
  statement({ statement, isNewTable, report }) {
    for (const { table, constraint } of addedConstraints(statement)) {
      if (constraint.contype !== 'CONSTR_UNIQUE' || constraint.indexname || isNewTable(table)) continue;
      report({ messageId: 'inlineUnique', data: { table, constraint: constraint.conname ?? `${table}_key` }, tables: [table] });
    }
  },
});
