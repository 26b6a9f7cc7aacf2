import type { RenameStmt } from '@pgsql/types';
import { nodeAs, relationName, typeToSql } from '../core/ast.js';
import { FIX_PHASE_MARKERS } from '../core/fix-phases.js';
import { defineRule } from '../core/rule.js';
import { priorColumn } from './support/breaking-ast.js';
import { newColumnType } from './support/new-column-type.js';
import { renameColumnPlan } from './support/phase-plans.js';

export default defineRule({
  id: 'ban-rename-column',
  severity: 'error',
  category: 'breaking',
  summary: 'Renaming a column breaks running code that uses the old name',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ['RenameStmt'],
  messages: { renameColumn: 'Renaming {{table}}.{{column}} to {{newName}} breaks services that still use {{column}}.' },
  why: 'Code deployed before this migration names the old column in SELECT, INSERT and ORM mappings; those statements fail as soon as the rename commits, and new code fails against the old name until the deploy finishes.',
  fix: [
    'Expand and contract:',
    `1. ${FIX_PHASE_MARKERS.migration} Add the new column:`,
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{table|relation}} ADD COLUMN {{newName|ident}} {{newType}};{{lengthCheck}}',
    '   Deploy code that writes both {{column}} and {{newName}} (or a trigger that copies).',
    '2. Backfill {{newName}} from {{column}} in batches.',
    '3. Deploy code that reads {{newName}} only.',
    `4. ${FIX_PHASE_MARKERS['later-release']} Once every old instance is gone, in its own migration:`,
    "   SET lock_timeout = '2s';",
    '   -- migration-guard:ignore ban-drop-column reason: no running service uses {{column}} since the switch to {{newName}}',
    '   ALTER TABLE {{table|relation}} DROP COLUMN {{column|ident}};',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html', 'https://github.com/ankane/strong_migrations#renaming-a-column'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE users RENAME COLUMN email TO email_address;', messageIds: ['renameColumn'] },
      { sql: 'ALTER TABLE public.orders RENAME total TO amount;', why: 'COLUMN is optional', messageIds: ['renameColumn'] },
      {
        files: [
          { path: 'migrations/20250101000000_users.up.sql', text: 'CREATE TABLE users (id bigint, email varchar(320));', change: 'unchanged' },
          { path: 'migrations/20260101000000_rename.up.sql', text: 'ALTER TABLE users RENAME COLUMN email TO email_address;' },
        ],
        why: 'the fix adds the new column with the type the history shows',
        messageIds: ['renameColumn'],
      },
    ],
    valid: [
      { sql: 'CREATE TABLE drafts (id bigint, titel text);\nALTER TABLE drafts RENAME COLUMN titel TO title;', why: 'the table is new in this change' },
      { sql: 'ALTER TABLE users ADD COLUMN email_address text;', why: 'the expand step of the rename' },
    ],
  },
  phasePlan: (details, writer) => renameColumnPlan(writer, String(details.table), String(details.column), String(details.newName), String(details.type)),
  statement({ statement, file, changeSet, isNewTable, report }) {
    const rename = nodeAs<RenameStmt>(statement.node, 'RenameStmt');
    if (rename?.renameType !== 'OBJECT_COLUMN' || rename.relationType !== 'OBJECT_TABLE') return;
    const table = relationName(rename.relation);
    if (isNewTable(table)) return;
    const column = rename.subname ?? '?';
    // NOTE: the type from the migrations that made the column, when they show it.
    const newName = rename.newname ?? '?';
    const type = priorColumn(changeSet, file, statement, table, column)?.type;
    const unknown = `<type of ${column}>`;
    report({ messageId: 'renameColumn', data: { table, column, newName, type: typeToSql(type) ?? unknown, ...newColumnType(table, newName, type, unknown) }, tables: [table] });
  },
});
