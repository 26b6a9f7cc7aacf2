/**
 * ## What it does
 * Flags `ALTER TABLE / INDEX / MATERIALIZED VIEW ... SET TABLESPACE` on an existing relation,
 * and `ALTER TABLE ALL IN TABLESPACE ... SET TABLESPACE`.
 *
 * ## Why is this bad?
 * Moving a relation copies its files block by block while holding ACCESS EXCLUSIVE: nothing
 * can read or write it until the copy ends.
 */
import type { AlterTableCmd, AlterTableMoveAllStmt, AlterTableStmt } from '@pgsql/types';
import { nodeAs, relationName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'ban-set-tablespace',
  severity: 'error',
  category: 'locking',
  summary: 'SET TABLESPACE copies the relation under an ACCESS EXCLUSIVE lock',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: true,
  statementKinds: ['AlterTableStmt', 'AlterTableMoveAllStmt'],
  messages: {
    setTablespace: 'SET TABLESPACE {{tablespace}} copies {{table}} to the new tablespace under an ACCESS EXCLUSIVE lock.',
    moveAll: 'ALTER ... ALL IN TABLESPACE {{from}} SET TABLESPACE {{tablespace}} copies every relation there, each under an ACCESS EXCLUSIVE lock.',
  },
  why: 'ALTER ... SET TABLESPACE writes a full copy of the relation\'s files in the new tablespace; reads and writes wait for the copy. ALL IN TABLESPACE does it for every relation in turn.',
  fix: 'Move large relations online with a tool that copies while serving (pg_repack --tablespace), or in a maintenance window; new relations can be created in the tablespace directly (CREATE ... TABLESPACE).',
  versions: 'All versions.',
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-TABLESPACE', 'https://www.postgresql.org/docs/current/sql-alterindex.html'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE users SET TABLESPACE fast_ssd;', messages: ['SET TABLESPACE fast_ssd copies users to the new tablespace under an ACCESS EXCLUSIVE lock.'] },
      { sql: 'ALTER INDEX users_email_idx SET TABLESPACE fast_ssd;', messageIds: ['setTablespace'] },
      {
        sql: 'ALTER TABLE ALL IN TABLESPACE slow_hdd SET TABLESPACE fast_ssd;',
        messages: ['ALTER ... ALL IN TABLESPACE slow_hdd SET TABLESPACE fast_ssd copies every relation there, each under an ACCESS EXCLUSIVE lock.'],
      },
    ],
    valid: [
      { sql: 'CREATE TABLE archive (id bigint);\nALTER TABLE archive SET TABLESPACE pg_default;', why: 'the table is new and empty' },
      { sql: 'CREATE TABLE archive (id bigint) TABLESPACE pg_default;', why: 'created in place' },
    ],
  },
  statement({ statement, isNewTable, report }) {
    const moveAll = nodeAs<AlterTableMoveAllStmt>(statement.node, 'AlterTableMoveAllStmt');
    if (moveAll) {
      report({ messageId: 'moveAll', data: { from: moveAll.orig_tablespacename ?? '?', tablespace: moveAll.new_tablespacename ?? '?' }, lock: null });
      return;
    }
    const alter = nodeAs<AlterTableStmt>(statement.node, 'AlterTableStmt');
    const table = relationName(alter?.relation);
    if (!alter || isNewTable(table)) return;
    for (const command of alter.cmds ?? []) {
      const set = nodeAs<AlterTableCmd>(command, 'AlterTableCmd');
      if (set?.subtype === 'AT_SetTableSpace') report({ messageId: 'setTablespace', data: { table, tablespace: set.name ?? '?' }, tables: [table] });
    }
  },
});
