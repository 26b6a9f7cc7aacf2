import { defineRule } from '../core/rule.js';
import { ADDED_CONSTRAINT_KINDS, addedConstraints } from './support/locking-ast.js';

export default defineRule({
  id: 'ban-exclusion-constraint',
  severity: 'error',
  category: 'locking',
  summary: 'ADD EXCLUDE builds its index while blocking reads and writes, with no online form',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  work: 'index-build',
  statementKinds: ADDED_CONSTRAINT_KINDS,
  messages: { exclusion: 'Adding exclusion constraint {{constraint}} on {{table}} builds its index under an ACCESS EXCLUSIVE lock.' },
  why: 'Exclusion constraints cannot be added NOT VALID nor attached from a concurrently built index; the whole build holds ACCESS EXCLUSIVE.',
  fix: 'Create it when the table is created, or enforce the rule in the application / a trigger; if it must be added to {{table}}, schedule a maintenance window.',
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html', 'https://github.com/ankane/strong_migrations#adding-an-exclusion-constraint'],
  examples: {
    invalid: [{ sql: 'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);', messageIds: ['exclusion'] }],
    valid: [{ sql: 'CREATE TABLE bookings (room int, during tsrange);\nALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);', why: 'the table is new' }],
  },
  statement({ statement, isNewTable, report }) {
    for (const { table, constraint } of addedConstraints(statement)) {
      if (constraint.contype !== 'CONSTR_EXCLUSION' || isNewTable(table)) continue;
      report({ messageId: 'exclusion', data: { table, constraint: constraint.conname ?? `${table}_excl` }, tables: [table] });
    }
  },
});
