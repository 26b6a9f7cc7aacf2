/**
 * ## What it does
 * Flags `ADD PRIMARY KEY USING INDEX` when the migrations do not show that the index's
 * columns are already NOT NULL.
 *
 * ## Why is this bad?
 * A primary key implies NOT NULL: on a nullable column Postgres sets it, scanning the whole
 * table under the ACCESS EXCLUSIVE lock that the concurrently built index was meant to avoid.
 */
import type { Constraint } from '@pgsql/types';
import { ALTER_TABLE_KINDS, alterTableCommands, nodeAs } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { derivedName, quoteIdent, quoteQualified } from '../core/sql-names.js';
import { priorColumn } from './support/breaking-ast.js';
import { hasValidatedNotNullCheck } from './support/locking-ast.js';
import { LOCK_TIMEOUT_STEP } from './support/sql-source.js';
import { indexBefore } from './support/table-facts.js';

export default defineRule({
  id: 'ban-add-primary-key-using-nullable-index',
  severity: 'error',
  category: 'locking',
  summary: 'ADD PRIMARY KEY USING INDEX on columns not known NOT NULL scans the table under ACCESS EXCLUSIVE',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ALTER_TABLE_KINDS,
  messages: {
    nullable: 'PRIMARY KEY USING INDEX {{index}} sets NOT NULL on {{columns}} of {{table}}, scanning every row under an ACCESS EXCLUSIVE lock.',
    unknownIndex: 'PRIMARY KEY USING INDEX {{index}}: the migrations do not show its columns, so they may be nullable; if so Postgres scans {{table}} under an ACCESS EXCLUSIVE lock to set NOT NULL.',
  },
  why: 'ALTER TABLE ... ADD PRIMARY KEY USING INDEX is instant only when the index columns are already NOT NULL. Otherwise it runs an implied SET NOT NULL, which checks every row while the table is locked ACCESS EXCLUSIVE. From Postgres 12 a validated CHECK (col IS NOT NULL) lets that check be skipped.',
  fix: [
    'If the index\'s columns are NOT NULL already, say so with an ignore comment and its reason. Otherwise prove them NOT NULL first (Postgres 12+), then attach the index; each step a migration of its own:',
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{table|relation}} ADD CONSTRAINT <name> CHECK (<column> IS NOT NULL) NOT VALID;',
    'In the next migration (VALIDATE takes only SHARE UPDATE EXCLUSIVE):',
    "   SET statement_timeout = '15min';",
    '   ALTER TABLE {{table|relation}} VALIDATE CONSTRAINT <name>;',
    'In the next migration (the migrations still do not show the index\'s columns: say what proves them):',
    "   SET lock_timeout = '2s';",
    '   -- migration-guard:ignore ban-add-primary-key-using-nullable-index reason: <name> proves the index columns NOT NULL',
    '   ALTER TABLE {{table|relation}} ADD CONSTRAINT <pkey> PRIMARY KEY USING INDEX {{index|ident}};',
  ].join('\n'),
  versions: 'Postgres 12+ skips the scan when a validated CHECK (col IS NOT NULL) exists; before 12 a nullable column is always scanned.',
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX', 'https://github.com/ankane/strong_migrations#adding-a-primary-key'],
  examples: {
    invalid: [
      {
        files: [
          { path: 'migrations/20260101000000_events_id.up.sql', text: 'CREATE UNIQUE INDEX CONCURRENTLY events_id_idx ON events (id);', change: 'unchanged' },
          { path: 'migrations/20260101000001_events_pkey.up.sql', text: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;' },
        ],
        why: 'events.id may be nullable (an earlier migration built the index)',
        messageIds: ['nullable'],
      },
      { sql: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;', why: 'the index is not in the migrations: its columns are unknown', messageIds: ['unknownIndex'] },
    ],
    valid: [
      {
        files: [
          { path: 'migrations/20260101000000_events.up.sql', text: 'CREATE TABLE events (id bigint NOT NULL);', change: 'unchanged' },
          { path: 'migrations/20260101000001_events_id.up.sql', text: 'CREATE UNIQUE INDEX CONCURRENTLY events_id_idx ON events (id);' },
          { path: 'migrations/20260101000002_events_pkey.up.sql', text: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;' },
        ],
        why: 'the history shows events.id NOT NULL',
      },
      {
        files: [
          { path: 'migrations/20260101000001_events_id.up.sql', text: 'CREATE UNIQUE INDEX CONCURRENTLY events_id_idx ON events (id);' },
          { path: 'migrations/20260101000002_events_nn.up.sql', text: 'ALTER TABLE events ADD CONSTRAINT events_id_nn CHECK (id IS NOT NULL) NOT VALID;' },
          { path: 'migrations/20260101000003_events_nn_validate.up.sql', text: 'ALTER TABLE events VALIDATE CONSTRAINT events_id_nn;' },
          { path: 'migrations/20260101000004_events_pkey.up.sql', text: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;' },
        ],
        why: 'a validated CHECK (id IS NOT NULL) proves it on 12+',
      },
    ],
  },
  statement({ statement, file, changeSet, postgresVersion, isNewTable, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    for (const command of alter.commands) {
      const constraint = command.subtype === 'AT_AddConstraint' ? nodeAs<Constraint>(command.def, 'Constraint') : undefined;
      if (constraint?.contype !== 'CONSTR_PRIMARY' || !constraint.indexname) continue;
      const data = { table: alter.table, index: constraint.indexname };
      const index = indexBefore(changeSet, file, statement, alter.table, constraint.indexname);
      if (!index?.columns) {
        // NOTE: a warning: the columns may well be NOT NULL; the migrations just do not show it.
        report({ messageId: 'unknownIndex', data, tables: [alter.table], severity: 'warning' });
        continue;
      }
      const nullable = index.columns.filter(
        (column) => !priorColumn(changeSet, file, statement, alter.table, column)?.notNull && !(postgresVersion >= 12 && hasValidatedNotNullCheck(changeSet, file, statement, alter.table, column)),
      );
      if (nullable.length === 0) continue;
      const target = quoteQualified(alter.table);
      const checks = nullable.map((column) => ({ column: quoteIdent(column), name: quoteIdent(derivedName(alter.table, column, 'not_null')) }));
      const fix = [
        postgresVersion >= 12 ? 'Prove the columns NOT NULL first, then attach the index; each step a migration of its own:' : 'Before Postgres 12 nothing avoids the scan: run it in a maintenance window, or upgrade and prove the columns NOT NULL first; each step a migration of its own:',
        LOCK_TIMEOUT_STEP,
        ...checks.map(({ column, name }) => `   ALTER TABLE ${target} ADD CONSTRAINT ${name} CHECK (${column} IS NOT NULL) NOT VALID;`),
        'In the next migration (VALIDATE takes only SHARE UPDATE EXCLUSIVE):',
        "   SET statement_timeout = '15min';",
        ...checks.map(({ name }) => `   ALTER TABLE ${target} VALIDATE CONSTRAINT ${name};`),
        'In the next migration:',
        LOCK_TIMEOUT_STEP,
        `   ALTER TABLE ${target} ADD CONSTRAINT ${quoteIdent(constraint.conname ?? derivedName(alter.table, 'pkey'))} PRIMARY KEY USING INDEX ${quoteIdent(constraint.indexname)};`,
      ].join('\n');
      report({ messageId: 'nullable', data: { ...data, columns: nullable.join(', ') }, tables: [alter.table], fix });
    }
  },
});
