/**
 * ## What it does
 * Flags `CHECK (col IS NOT NULL)` (even NOT VALID) or `SET NOT NULL` on a column that the
 * same change adds, without a DEFAULT, to an existing table.
 *
 * ## Why is this bad?
 * Code deployed before the change does not know the column: its INSERTs leave it NULL, and
 * the constraint (which NOT VALID still enforces on new rows) makes them fail during the
 * rolling deploy.
 */
import type { ColumnDef, Constraint } from '@pgsql/types';
import { ALTER_TABLE_KINDS, alterTableCommands, nodeAs } from '../core/ast.js';
import type { Statement } from '../core/parse.js';
import { defineRule } from '../core/rule.js';
import { columnConstraints } from './support/breaking-ast.js';
import { notNullCheckColumn } from './support/locking-ast.js';
import { columnKey, perChangeSet, StatementFacts } from './support/statement-facts.js';

/** What the change's statements do to a column of an existing table: add it without a default, or give it one. */
type Added = { addedWithoutDefault: boolean };

export default defineRule({
  id: 'ban-not-null-on-new-column',
  severity: 'error',
  category: 'breaking',
  summary: 'Making a column added in the same change NOT NULL breaks INSERTs from code that does not know it',
  lock: null,
  rewrites: false,
  statementKinds: ALTER_TABLE_KINDS,
  messages: { newColumn: '{{table}}.{{column}} is added in this change without a DEFAULT; requiring it NOT NULL makes INSERTs from code deployed before it fail.' },
  why: 'During a rolling deploy old code keeps inserting rows without the new column. A NOT VALID CHECK skips existing rows but is enforced on every new row, as SET NOT NULL is: the old code\'s INSERTs fail until every instance runs the new code.',
  fix: 'Give the column a DEFAULT in the same change (ALTER TABLE {{table}} ALTER COLUMN {{column}} SET DEFAULT ...), or add the NOT NULL constraint in a later release, once every running instance writes the column.',
  versions: 'All versions.',
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT', 'https://github.com/ankane/strong_migrations#setting-not-null-on-an-existing-column'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE users ADD COLUMN locale text;\nALTER TABLE users ADD CONSTRAINT users_locale_not_null CHECK (locale IS NOT NULL) NOT VALID;', messageIds: ['newColumn'] },
      {
        files: [
          { path: 'migrations/20260101000000_add.up.sql', text: 'ALTER TABLE users ADD COLUMN locale text;' },
          { path: 'migrations/20260101000001_not_null.up.sql', text: 'ALTER TABLE users ALTER COLUMN locale SET NOT NULL;' },
        ],
        messageIds: ['newColumn'],
      },
    ],
    valid: [
      { sql: "ALTER TABLE users ADD COLUMN locale text DEFAULT 'en';\nALTER TABLE users ADD CONSTRAINT users_locale_not_null CHECK (locale IS NOT NULL) NOT VALID;", why: 'old INSERTs get the default' },
      { sql: "ALTER TABLE users ADD COLUMN locale text;\nALTER TABLE users ALTER COLUMN locale SET DEFAULT 'en';\nALTER TABLE users ADD CONSTRAINT users_locale_not_null CHECK (locale IS NOT NULL) NOT VALID;", why: 'the default is set first' },
      { sql: 'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;', why: 'the column existed before this change' },
    ],
  },
  statement({ statement, file, changeSet, isNewTable, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    for (const command of alter.commands) {
      const constraint = command.subtype === 'AT_AddConstraint' ? nodeAs<Constraint>(command.def, 'Constraint') : undefined;
      const column = command.subtype === 'AT_SetNotNull' ? command.name : constraint ? notNullCheckColumn(constraint) : undefined;
      if (!column || !addedFacts(changeSet).stateBefore(file, statement, columnKey(alter.table, column)).addedWithoutDefault) continue;
      report({ messageId: 'newColumn', data: { table: alter.table, column }, tables: [alter.table] });
    }
  },
});

/** Columns the change's files add without a default (and later defaults), in migration order. */
const addedFacts = perChangeSet(
  (changeSet) =>
    new StatementFacts<Added, Added>(
      changeSet.changed,
      (file) => file.statements,
      (statement: Statement, record) => {
        const alter = statement.section === 'up' ? alterTableCommands(statement.node) : undefined;
        for (const command of alter?.commands ?? []) {
          const def = command.subtype === 'AT_AddColumn' ? nodeAs<ColumnDef>(command.def, 'ColumnDef') : undefined;
          if (def?.colname) record(columnKey(alter!.table, def.colname), { addedWithoutDefault: !columnConstraints(def).some((c) => c.contype === 'CONSTR_DEFAULT' || c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED') });
          if (command.subtype === 'AT_ColumnDefault' && command.name && command.def) record(columnKey(alter!.table, command.name), { addedWithoutDefault: false });
        }
      },
      { initial: { addedWithoutDefault: false }, step: (_state, fact) => fact },
    ),
);
