import type { Node } from '@pgsql/types';
import { nodeAs } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { derivedName } from '../core/sql-names.js';
import { indexElementName } from './support/column-names.js';
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
    invalid: [
      { sql: 'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);', messageIds: ['exclusion'] },
      {
        sql: 'ALTER TABLE bookings ADD EXCLUDE USING gist (room WITH =, during WITH &&);',
        why: 'unnamed: Postgres names it after the table and its elements',
        messages: ['Adding exclusion constraint bookings_room_during_excl on bookings builds its index under an ACCESS EXCLUSIVE lock.'],
      },
    ],
    valid: [{ sql: 'CREATE TABLE bookings (room int, during tsrange);\nALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);', why: 'the table is new' }],
  },
  statement({ statement, isNewTable, report }) {
    for (const { table, constraint } of addedConstraints(statement)) {
      if (constraint.contype !== 'CONSTR_EXCLUSION' || isNewTable(table)) continue;
      report({ messageId: 'exclusion', data: { table, constraint: constraint.conname ?? exclusionName(table, constraint.exclusions) }, tables: [table] });
    }
  },
});

/**
 * The name Postgres gives an unnamed exclusion constraint: `<table>_<elements>_excl`, one name
 * per element (`exclusions` holds `(element, operator)` pairs; checked on PGlite:
 * `EXCLUDE USING gist (room WITH =, during WITH &&)` on bookings is `bookings_room_during_excl`).
 */
function exclusionName(table: string, exclusions: Node[] | undefined): string {
  const elements = (exclusions ?? []).map((pair) => indexElementName(nodeAs<{ items?: Node[] }>(pair, 'List')?.items?.[0]));
  return derivedName(table, ...elements, 'excl');
}
