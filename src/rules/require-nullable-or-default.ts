import { defineRule } from '../core/rule.js';
import { constantValue, typeToSql } from '../core/ast.js';
import { FIX_PHASE_MARKERS } from '../core/fix-phases.js';
import { INTRODUCED_COLUMN_KINDS, introducedColumns } from './support/breaking-ast.js';
import { derivedName } from '../core/sql-names.js';
import { addNotNullColumnPlan } from './support/phase-plans.js';

export default defineRule({
  id: 'require-nullable-or-default',
  severity: 'error',
  category: 'breaking',
  summary: 'ADD COLUMN NOT NULL without DEFAULT breaks inserts from running code',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: INTRODUCED_COLUMN_KINDS,
  messages: { notNullWithoutDefault: 'ADD COLUMN {{column}} NOT NULL without DEFAULT on {{table}}: inserts from old services that omit {{column}} fail (and existing rows make it fail at once).' },
  why: 'Old services insert rows without the new column, so Postgres writes NULL and rejects the row. If the table has rows the ALTER itself fails.',
  fix: [
    'Expand in phases:',
    `1. ${FIX_PHASE_MARKERS.migration} Add it nullable (or with a constant DEFAULT on Postgres 11+):`,
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{table|relation}} ADD COLUMN {{column|ident}} {{type}};',
    '2. Deploy code that writes {{column}}; backfill existing rows in batches (a background job, outside the migrations).',
    `3. ${FIX_PHASE_MARKERS['later-release']} Once every running instance writes {{column}}, add the check without scanning:`,
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{table|relation}} ADD CONSTRAINT {{constraint|ident}} CHECK ({{column|ident}} IS NOT NULL) NOT VALID;',
    '4. Validate it, and set NOT NULL (Postgres 12+ uses the validated CHECK, no scan):',
    "   SET lock_timeout = '2s';",
    "   SET statement_timeout = '15min';",
    '   ALTER TABLE {{table|relation}} VALIDATE CONSTRAINT {{constraint|ident}};',
    '   ALTER TABLE {{table|relation}} ALTER COLUMN {{column|ident}} SET NOT NULL;',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html', 'https://github.com/ankane/strong_migrations#setting-not-null-on-an-existing-column'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE users ADD COLUMN phone text NOT NULL;', messageIds: ['notNullWithoutDefault'] },
      { sql: 'ALTER TABLE orders ADD COLUMN note text, ADD COLUMN region_id bigint NOT NULL REFERENCES regions (id);', messageIds: ['notNullWithoutDefault'] },
      { sql: 'ALTER TABLE orders ADD COLUMN shipped_at timestamptz NOT NULL DEFAULT NULL;', why: 'a NULL default fills nothing', messageIds: ['notNullWithoutDefault'] },
    ],
    valid: [
      { sql: "ALTER TABLE users ADD COLUMN phone text NOT NULL DEFAULT '';", why: 'old inserts get the default' },
      { sql: 'ALTER TABLE users ADD COLUMN phone text;', why: 'nullable: the documented first phase' },
      { sql: 'CREATE TABLE invites (id bigint);\nALTER TABLE invites ADD COLUMN code text NOT NULL;', why: 'the table is new in this change' },
      { sql: 'ALTER TABLE events ADD COLUMN seq bigint NOT NULL GENERATED ALWAYS AS IDENTITY;', why: 'identity columns fill themselves (the rewrite is judged by ban-add-serial-or-stored-generated-column)' },
      { sql: 'ALTER TABLE orders ADD COLUMN total_cents bigint NOT NULL GENERATED ALWAYS AS (total * 100) STORED;', why: 'a generated column computes its own value (the rewrite is judged by ban-add-serial-or-stored-generated-column)' },
    ],
  },
  phasePlan: (details, writer) => addNotNullColumnPlan(writer, String(details.table), String(details.column), String(details.type)),
  statement({ statement, isNewTable, report }) {
    for (const column of introducedColumns(statement.node)) {
      if (column.via !== 'add' || isNewTable(column.table)) continue;
      // NOTE: identity and generated columns get values without the inserting code naming
      // them; an explicit DEFAULT NULL fills nothing.
      const filling = column.constraints.filter((c) => c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED' || (c.contype === 'CONSTR_DEFAULT' && constantValue(c.raw_expr) !== null));
      const kinds = new Set(column.constraints.map((c) => c.contype));
      const filled = filling.length > 0;
      if ((kinds.has('CONSTR_NOTNULL') || kinds.has('CONSTR_PRIMARY')) && !filled) {
        report({ messageId: 'notNullWithoutDefault', data: { table: column.table, column: column.column, type: typeToSql(column.type) ?? '<type>', constraint: derivedName(column.table, column.column, 'not_null') }, tables: [column.table] });
      }
    }
  },
});
