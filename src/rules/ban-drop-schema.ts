import { FIX_PHASE_MARKERS } from '../core/fix-phases.js';
import { defineRule } from '../core/rule.js';
import { DROP_KINDS, dropTargets } from './support/breaking-ast.js';

export default defineRule({
  id: 'ban-drop-schema',
  severity: 'error',
  category: 'breaking',
  summary: 'Dropping a schema breaks running code and destroys everything in it',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: DROP_KINDS,
  messages: { dropSchema: 'Dropping schema {{schema}} removes its objects and breaks services that use them.' },
  why: 'Every table, view and function in the schema goes with it (CASCADE) or the drop fails half way; running code that uses any of them breaks and the data is gone.',
  fix: [
    '1. Deploy code that no longer uses anything in {{schema}}.',
    '2. Back up what may be needed, wait until every old instance is gone.',
    `3. ${FIX_PHASE_MARKERS['later-release']} Drop it in a reviewed maintenance migration:`,
    '   -- migration-guard:ignore ban-drop-schema reason: nothing uses {{schema}} any more and it is backed up',
    '   DROP SCHEMA {{schema|ident}};',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-dropschema.html'],
  examples: {
    invalid: [
      { sql: 'DROP SCHEMA reporting CASCADE;', messageIds: ['dropSchema'] },
      { sql: 'DROP SCHEMA IF EXISTS legacy;', messageIds: ['dropSchema'] },
    ],
    valid: [{ sql: 'CREATE SCHEMA IF NOT EXISTS reporting;' }, { sql: 'DROP VIEW reporting.daily;' }],
  },
  statement({ statement, report }) {
    for (const schema of dropTargets(statement.node, 'OBJECT_SCHEMA')?.names ?? []) report({ messageId: 'dropSchema', data: { schema } });
  },
});
