import { ALTER_TABLE_KINDS, alterTableCommands } from '../core/ast.js';
import { FIX_PHASE_MARKERS } from '../core/fix-phases.js';
import { defineRule } from '../core/rule.js';
import { dropColumnPlan } from './support/phase-plans.js';

export default defineRule({
  id: 'ban-drop-column',
  severity: 'error',
  category: 'breaking',
  summary: 'Dropping a column breaks running code that still reads or writes it',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ALTER_TABLE_KINDS,
  messages: {
    dropColumn: 'Dropping column {{column}} of {{table}} breaks services that still read or write it.',
  },
  why: 'Code deployed before this migration still names the column in SELECT, INSERT and ORM mappings; those queries fail as soon as it is dropped. The drop also takes an ACCESS EXCLUSIVE lock.',
  fix: [
    'Contract in phases:',
    '1. Deploy code that no longer reads or writes {{table}}.{{column}} (ORMs: mark it ignored first).',
    '2. Wait until every old instance is gone (at least one full deploy cycle).',
    `3. ${FIX_PHASE_MARKERS['later-release']} Then, in its own migration:`,
    "   SET lock_timeout = '2s';",
    '   -- migration-guard:ignore ban-drop-column reason: no running service uses {{column}} (contract step, after the wait)',
    '   ALTER TABLE {{table|relation}} DROP COLUMN {{column|ident}};',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html', 'https://github.com/ankane/strong_migrations#removing-a-column'],
  examples: {
    invalid: [{ sql: 'ALTER TABLE users DROP COLUMN email;', messageIds: ['dropColumn'] }],
    valid: [
      { sql: 'ALTER TABLE users ADD COLUMN email_verified boolean;' },
      { sql: 'CREATE TABLE drafts (id bigint, body text);\nALTER TABLE drafts DROP COLUMN body;', why: 'the table is created in the same change, so no code uses it yet' },
    ],
  },
  phasePlan: (details, writer) => dropColumnPlan(writer, String(details.table), String(details.column)),
  statement({ statement, isNewTable, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    for (const command of alter.commands) {
      if (command.subtype === 'AT_DropColumn') report({ messageId: 'dropColumn', data: { table: alter.table, column: command.name ?? '?' }, tables: [alter.table] });
    }
  },
});
