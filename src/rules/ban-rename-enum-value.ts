/**
 * ## What it does
 * Flags `ALTER TYPE ... RENAME VALUE`.
 *
 * ## Why is this bad?
 * Running code still writes and compares the old label: its INSERTs fail with "invalid
 * input value for enum" and its WHERE clauses stop matching the moment the rename commits.
 */
import type { AlterEnumStmt } from '@pgsql/types';
import { nodeAs, qualifiedName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { quoteLiteral } from '../core/sql-names.js';
import { createdInChange } from './support/named-objects.js';

export default defineRule({
  id: 'ban-rename-enum-value',
  severity: 'error',
  category: 'breaking',
  summary: 'Renaming an enum value breaks running code that uses the old label',
  lock: null,
  rewrites: false,
  statementKinds: ['AlterEnumStmt'],
  messages: { renameValue: 'Renaming {{type}} value {{oldValue}} to {{newValue}} breaks code that still writes or compares {{oldValue}}.' },
  why: 'Enum labels are data that application code sends as literals. After the rename the old label is invalid input: writes from code deployed before the migration fail, and reads that filter on it find nothing.',
  fix: [
    'Expand and contract:',
    '1. ALTER TYPE {{type|relation}} ADD VALUE {{newValue}} AFTER {{oldValue}};',
    '2. Deploy code that reads both labels and writes the new one.',
    '3. Backfill rows from the old label to the new one in batches (a background job, not a migration).',
    '4. Stop using the old label (enum values cannot be dropped: leave it, or recreate the type later).',
  ].join('\n'),
  versions: 'RENAME VALUE exists from Postgres 10.',
  references: ['https://www.postgresql.org/docs/current/sql-altertype.html'],
  examples: {
    invalid: [{ sql: "ALTER TYPE order_status RENAME VALUE 'shipped' TO 'dispatched';", messageIds: ['renameValue'] }],
    valid: [
      { sql: "ALTER TYPE order_status ADD VALUE 'dispatched';", why: 'adding a value keeps the old one' },
      { sql: "CREATE TYPE mood AS ENUM ('ok');\nALTER TYPE mood RENAME VALUE 'ok' TO 'fine';", why: 'the type is new in this migration' },
      {
        files: [
          { path: 'migrations/001_mood.up.sql', text: "CREATE TYPE mood AS ENUM ('ok');" },
          { path: 'migrations/002_rename.up.sql', text: "ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';" },
        ],
        why: 'an earlier file of the same change created the type',
      },
    ],
  },
  statement(context) {
    const { statement, report } = context;
    const alter = nodeAs<AlterEnumStmt>(statement.node, 'AlterEnumStmt');
    if (!alter?.oldVal) return;
    const type = qualifiedName(alter.typeName);
    if (createdInChange(context, 'type', type)) return;
    report({ messageId: 'renameValue', data: { type, oldValue: quoteLiteral(alter.oldVal), newValue: quoteLiteral(alter.newVal ?? '') } });
  },
});
