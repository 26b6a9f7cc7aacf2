import { ALTER_TABLE_KINDS, alterTableCommands } from '../core/ast.js';
import { FIX_PHASE_MARKERS } from '../core/fix-phases.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'ban-drop-not-null',
  severity: 'warning',
  category: 'breaking',
  summary: 'Dropping NOT NULL lets NULLs reach code that assumes there are none',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ALTER_TABLE_KINDS,
  messages: { dropNotNull: 'Dropping NOT NULL on {{table}}.{{column}}: running code may assume it is never NULL.' },
  why: 'Old services were written against a NOT NULL column; once NULLs are written their reads fail or misbehave, and putting NOT NULL back requires a scan of the table.',
  fix: [
    '1. Deploy code that handles NULL in {{table}}.{{column}} everywhere it is read.',
    `2. ${FIX_PHASE_MARKERS['later-release']} Then:`,
    "   SET lock_timeout = '2s';",
    '   -- migration-guard:ignore ban-drop-not-null reason: every running service handles NULL in {{column}}',
    '   ALTER TABLE {{table|relation}} ALTER COLUMN {{column|ident}} DROP NOT NULL;',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html'],
  examples: {
    invalid: [{ sql: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;', messageIds: ['dropNotNull'] }, { sql: 'ALTER TABLE orders ALTER total DROP NOT NULL, ALTER note DROP NOT NULL;', messageIds: ['dropNotNull', 'dropNotNull'] }],
    valid: [{ sql: 'CREATE TABLE t (c text NOT NULL);\nALTER TABLE t ALTER COLUMN c DROP NOT NULL;', why: 'the table is new in this change' }, { sql: 'ALTER TABLE users ALTER COLUMN email SET DEFAULT \'\';' }],
  },
  statement({ statement, isNewTable, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    for (const command of alter.commands) {
      if (command.subtype === 'AT_DropNotNull') report({ messageId: 'dropNotNull', data: { table: alter.table, column: command.name ?? '?' }, tables: [alter.table] });
    }
  },
});
