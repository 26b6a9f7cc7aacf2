import { ALTER_TABLE_KINDS, alterTableCommands } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { hasValidatedNotNullCheck } from './support/locking-ast.js';
import { derivedName } from '../core/sql-names.js';

export default defineRule({
  id: 'ban-set-not-null',
  severity: 'error',
  category: 'locking',
  summary: 'SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  work: 'scan',
  statementKinds: ALTER_TABLE_KINDS,
  messages: { setNotNull: 'SET NOT NULL on {{table}}.{{column}} scans every row while blocking all reads and writes.' },
  why: 'ALTER COLUMN SET NOT NULL takes ACCESS EXCLUSIVE and checks every row. From Postgres 12 a validated CHECK (col IS NOT NULL) lets it skip the scan.',
  fix: [
    'Prove it with a CHECK first (Postgres 12+), each step a migration of its own:',
    '1. Add the check without scanning:',
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{table|relation}} ADD CONSTRAINT {{constraint|ident}} CHECK ({{column|ident}} IS NOT NULL) NOT VALID;',
    '2. Validate it (SHARE UPDATE EXCLUSIVE: reads and writes go on):',
    "   SET statement_timeout = '15min';",
    '   ALTER TABLE {{table|relation}} VALIDATE CONSTRAINT {{constraint|ident}};',
    '3. Set NOT NULL (the validated check spares the scan) and drop the check:',
    "   SET lock_timeout = '2s';",
    "   SET statement_timeout = '15min';",
    '   ALTER TABLE {{table|relation}} ALTER COLUMN {{column|ident}} SET NOT NULL, DROP CONSTRAINT {{constraint|ident}};',
  ].join('\n'),
  versions: 'Postgres 12+ skips the scan when a validated CHECK (col IS NOT NULL) exists; before 12 there is no safe way.',
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL', 'https://github.com/ankane/strong_migrations#setting-not-null-on-an-existing-column'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;', messageIds: ['setNotNull'] },
      { sql: 'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;', postgresVersion: 11, why: 'before 12 the CHECK is not used', messageIds: ['setNotNull'] },
    ],
    valid: [
      { sql: 'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;', why: 'the validated CHECK proves it on 12+' },
      { sql: 'CREATE TABLE drafts (body text);\nALTER TABLE drafts ALTER COLUMN body SET NOT NULL;', why: 'the table is new' },
      {
        sql: 'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
        postgresVersion: 12,
        why: '12 is the first version that uses the validated CHECK',
      },
    ],
  },
  statement({ statement, file, isNewTable, changeSet, postgresVersion, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    for (const command of alter.commands) {
      if (command.subtype !== 'AT_SetNotNull' || !command.name) continue;
      if (postgresVersion >= 12 && hasValidatedNotNullCheck(changeSet, file, statement, alter.table, command.name)) continue;
      report({ messageId: 'setNotNull', data: { table: alter.table, column: command.name, constraint: derivedName(alter.table, command.name, 'not_null') }, tables: [alter.table] });
    }
  },
});
