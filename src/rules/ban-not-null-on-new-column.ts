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

/** What one command of the change does to a column of an existing table: adds it (with or without a default), gives it a default, or requires it NOT NULL. */
type ColumnFact = { added: { withoutDefault: boolean } } | { defaulted: true } | { requiredNotNull: string };
/** A column as the change's statements left it so far: added without a default, and whether a NOT NULL requirement was reported already. */
type ColumnState = { addedWithoutDefault: boolean; requiredNotNull: boolean };

const INITIAL: ColumnState = { addedWithoutDefault: false, requiredNotNull: false };

function step(state: ColumnState, fact: ColumnFact): ColumnState {
  if ('added' in fact) return { addedWithoutDefault: fact.added.withoutDefault, requiredNotNull: false };
  if ('defaulted' in fact) return { ...state, addedWithoutDefault: false };
  return { ...state, requiredNotNull: true };
}

/** The column facts of an ALTER TABLE's commands, in order, keyed by columnKey. */
function columnFacts(node: Statement['node']): [string, ColumnFact][] {
  const alter = alterTableCommands(node);
  if (!alter) return [];
  return alter.commands.flatMap((command): [string, ColumnFact][] => {
    const def = command.subtype === 'AT_AddColumn' ? nodeAs<ColumnDef>(command.def, 'ColumnDef') : undefined;
    if (def?.colname) return [[columnKey(alter.table, def.colname), { added: { withoutDefault: !columnConstraints(def).some((c) => c.contype === 'CONSTR_DEFAULT' || c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED') } }]];
    if (command.subtype === 'AT_ColumnDefault' && command.name && command.def) return [[columnKey(alter.table, command.name), { defaulted: true }]];
    const constraint = command.subtype === 'AT_AddConstraint' ? nodeAs<Constraint>(command.def, 'Constraint') : undefined;
    const required = command.subtype === 'AT_SetNotNull' ? command.name : constraint ? notNullCheckColumn(constraint) : undefined;
    return required ? [[columnKey(alter.table, required), { requiredNotNull: required }]] : [];
  });
}

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
      {
        sql: 'ALTER TABLE users ADD COLUMN locale text;\nALTER TABLE users ADD CONSTRAINT users_locale_not_null CHECK (locale IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_locale_not_null;\nALTER TABLE users ALTER COLUMN locale SET NOT NULL;',
        why: 'the "safe" NOT NULL recipe on a column added in the same change: one finding for the column, on the first statement that requires it',
        messageIds: ['newColumn'],
      },
      { sql: 'ALTER TABLE users ADD COLUMN locale text, ADD CONSTRAINT users_locale_not_null CHECK (locale IS NOT NULL) NOT VALID;', why: 'added and required NOT NULL in one statement', messageIds: ['newColumn'] },
      {
        sql: "ALTER TABLE users ADD COLUMN locale text CHECK (locale IN ('en', 'de'));\nALTER TABLE users ALTER COLUMN locale SET NOT NULL;",
        why: 'a constraint on the new column is no default: old INSERTs still leave it NULL',
        messages: ['users.locale is added in this change without a DEFAULT; requiring it NOT NULL makes INSERTs from code deployed before it fail.'],
      },
      {
        sql: 'ALTER TABLE users ADD COLUMN locale text;\nALTER TABLE users ALTER COLUMN locale TYPE varchar(10);\nALTER TABLE users ALTER COLUMN locale SET NOT NULL;',
        why: 'changing the type of the new column gives it no default',
        messageIds: ['newColumn'],
      },
    ],
    valid: [
      { sql: "ALTER TABLE users ADD COLUMN locale text DEFAULT 'en';\nALTER TABLE users ADD CONSTRAINT users_locale_not_null CHECK (locale IS NOT NULL) NOT VALID;", why: 'old INSERTs get the default' },
      { sql: "ALTER TABLE users ADD COLUMN locale text;\nALTER TABLE users ALTER COLUMN locale SET DEFAULT 'en';\nALTER TABLE users ADD CONSTRAINT users_locale_not_null CHECK (locale IS NOT NULL) NOT VALID;", why: 'the default is set first' },
      { sql: 'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;', why: 'the column existed before this change' },
      { sql: 'ALTER TABLE users ADD COLUMN number bigint GENERATED BY DEFAULT AS IDENTITY;\nALTER TABLE users ALTER COLUMN number SET NOT NULL;', why: 'Postgres fills an identity column on every INSERT that leaves it out' },
      {
        sql: "ALTER TABLE users ADD COLUMN email_domain text GENERATED ALWAYS AS (split_part(email, '@', 2)) STORED;\nALTER TABLE users ADD CONSTRAINT users_email_domain_not_null CHECK (email_domain IS NOT NULL) NOT VALID;",
        why: 'a generated column is computed by Postgres, whatever the INSERT names',
      },
      { sql: 'CREATE TABLE user_settings (user_id bigint);\nALTER TABLE user_settings ADD COLUMN locale text;\nALTER TABLE user_settings ALTER COLUMN locale SET NOT NULL;', why: 'the table is new: no deployed code inserts into it yet' },
    ],
  },
  statement({ statement, file, changeSet, isNewTable, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    // NOTE: the statement's own commands in order (ADD COLUMN c, ADD CONSTRAINT ... CHECK (c IS NOT NULL) in one ALTER
    // TABLE), and one finding per column: the first statement of the change that requires it NOT NULL.
    const states = new Map<string, ColumnState>();
    for (const [key, fact] of columnFacts(statement.node)) {
      const state = states.get(key) ?? addedFacts(changeSet).stateBefore(file, statement, key);
      if ('requiredNotNull' in fact && state.addedWithoutDefault && !state.requiredNotNull) {
        report({ messageId: 'newColumn', data: { table: alter.table, column: fact.requiredNotNull }, tables: [alter.table] });
      }
      states.set(key, step(state, fact));
    }
  },
});

/** What the change's up sections do to the columns of existing tables, in migration order. */
const addedFacts = perChangeSet(
  (changeSet) =>
    new StatementFacts<ColumnFact, ColumnState>(
      changeSet.changed,
      (file) => file.statements,
      (statement: Statement, record) => {
        if (statement.section === 'up') for (const [key, fact] of columnFacts(statement.node)) record(key, fact);
      },
      { initial: INITIAL, step },
    ),
);
