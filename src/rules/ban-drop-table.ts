import { FIX_PHASE_MARKERS } from '../core/fix-phases.js';
import { defineRule } from '../core/rule.js';
import { DROP_KINDS, dropTargets } from './support/breaking-ast.js';
import { dropTablePlan } from './support/phase-plans.js';

export default defineRule({
  id: 'ban-drop-table',
  severity: 'error',
  category: 'breaking',
  summary: 'Dropping a table breaks running code that still uses it and destroys its data',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: DROP_KINDS,
  messages: { dropTable: 'Dropping table {{table}} breaks services that still query it and deletes its data.' },
  why: 'Code deployed before this migration still reads and writes the table; its queries fail as soon as the table is gone, and the rows cannot be recovered without a backup restore.',
  fix: [
    'Contract in phases:',
    '1. Deploy code that no longer reads or writes {{table}}.',
    '2. Wait until every old instance is gone (the contract wait, e.g. 14 days for tables); optionally rename it to {{table}}_deprecated first to find stragglers.',
    `3. ${FIX_PHASE_MARKERS['later-release']} Back up the data if it may be needed, then in its own migration:`,
    "   SET lock_timeout = '2s';",
    '   -- migration-guard:ignore ban-drop-table reason: no running service uses {{table}} (contract step, after the wait)',
    '   DROP TABLE {{table|relation}};',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-droptable.html', 'https://github.com/ankane/strong_migrations#removing-a-table'],
  examples: {
    invalid: [
      { sql: 'DROP TABLE users;', messageIds: ['dropTable'] },
      { sql: 'DROP TABLE IF EXISTS audit_log, sessions;', why: 'IF EXISTS does not make it safe', messageIds: ['dropTable', 'dropTable'] },
    ],
    valid: [
      { sql: 'CREATE TABLE tmp_import (id bigint);\nDROP TABLE tmp_import;', why: 'the table is created in the same change, so no code uses it yet' },
      { sql: 'DROP VIEW active_users;', why: 'views hold no data (other rules cover breaking views)' },
    ],
  },
  phasePlan: (details, writer) => dropTablePlan(writer, String(details.table)),
  statement({ statement, isNewTable, report }) {
    const drop = dropTargets(statement.node, 'OBJECT_TABLE');
    for (const table of drop?.names ?? []) {
      if (!isNewTable(table)) report({ messageId: 'dropTable', data: { table }, tables: [table] });
    }
  },
});
