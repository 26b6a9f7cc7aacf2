/**
 * ## What it does
 * Flags `ALTER TABLE ... SET LOGGED` and `SET UNLOGGED` on an existing table.
 *
 * ## Why is this bad?
 * Both rewrite the whole table under ACCESS EXCLUSIVE. An UNLOGGED table is also emptied
 * after a crash and is not replicated to standbys.
 */
import { ALTER_TABLE_KINDS, alterTableCommands } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'ban-set-logged-or-unlogged',
  severity: 'error',
  category: 'locking',
  summary: 'SET LOGGED / SET UNLOGGED rewrites the table under ACCESS EXCLUSIVE',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: true,
  statementKinds: ALTER_TABLE_KINDS,
  messages: {
    setLogged: 'SET LOGGED rewrites {{table}} (and writes all of it to the WAL) under an ACCESS EXCLUSIVE lock.',
    setUnlogged: 'SET UNLOGGED rewrites {{table}} under an ACCESS EXCLUSIVE lock; afterwards it is emptied after a crash and not replicated to standbys.',
  },
  why: 'Changing a table\'s persistence copies it into a new file, holding ACCESS EXCLUSIVE for the whole copy. An unlogged table skips the WAL: a crash truncates it and streaming replicas never see its rows.',
  fix: 'There is no online form: run it in a maintenance window, or build a new table with the wanted persistence, copy the rows in batches and swap names. Keep tables whose data matters LOGGED.',
  versions: 'SET LOGGED / SET UNLOGGED exist from Postgres 9.5; they rewrite on every version.',
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-LOGGED-UNLOGGED', 'https://www.postgresql.org/docs/current/sql-createtable.html#SQL-CREATETABLE-UNLOGGED'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE events SET UNLOGGED;', messageIds: ['setUnlogged'] },
      {
        files: [
          { path: 'migrations/001_staging.up.sql', text: 'CREATE UNLOGGED TABLE staging (line text);', change: 'unchanged' },
          { path: 'migrations/002_keep.up.sql', text: 'ALTER TABLE staging SET LOGGED;' },
        ],
        why: 'an existing unlogged table: SET LOGGED rewrites it and writes all of it to the WAL',
        messageIds: ['setLogged'],
      },
    ],
    valid: [
      { sql: 'CREATE UNLOGGED TABLE imports (line text);\nALTER TABLE imports SET LOGGED;', why: 'the table is new and empty' },
      { sql: 'ALTER TABLE events SET (fillfactor = 90);', why: 'a storage parameter, not persistence' },
    ],
  },
  statement({ statement, isNewTable, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    for (const command of alter.commands) {
      if (command.subtype === 'AT_SetLogged') report({ messageId: 'setLogged', data: { table: alter.table }, tables: [alter.table] });
      if (command.subtype === 'AT_SetUnLogged') report({ messageId: 'setUnlogged', data: { table: alter.table }, tables: [alter.table] });
    }
  },
});
