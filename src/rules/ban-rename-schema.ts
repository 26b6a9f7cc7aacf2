/**
 * ## What it does
 * Flags `ALTER SCHEMA ... RENAME TO`.
 *
 * ## Why is this bad?
 * Every qualified name and search_path that running code uses stops resolving the moment
 * the rename commits.
 */
import type { RenameStmt } from '@pgsql/types';
import { nodeAs } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { createdInChange } from './support/named-objects.js';

export default defineRule({
  id: 'ban-rename-schema',
  severity: 'error',
  category: 'breaking',
  summary: 'Renaming a schema breaks running code that names it',
  lock: null,
  rewrites: false,
  statementKinds: ['RenameStmt'],
  messages: { renameSchema: 'Renaming schema {{schema}} to {{newName}} breaks every query, function and search_path that names {{schema}}.' },
  why: 'Code deployed before the migration (and functions, views\' callers and role settings) name the schema: they fail with "relation does not exist" once the rename commits.',
  fix: [
    'Expand and contract: create {{newName}} and move objects (or create views) while both names work, deploy code that uses {{newName}},',
    'then drop what is left of {{schema}} once no old code runs. A role-level search_path listing both schemas can bridge the switch.',
  ].join('\n'),
  versions: 'All versions.',
  references: ['https://www.postgresql.org/docs/current/sql-alterschema.html'],
  examples: {
    invalid: [{ sql: 'ALTER SCHEMA billing RENAME TO invoicing;', messageIds: ['renameSchema'] }],
    valid: [
      { sql: 'CREATE SCHEMA stagin;\nALTER SCHEMA stagin RENAME TO staging;', why: 'the schema is new in this migration' },
      {
        files: [
          { path: 'migrations/001_schema.up.sql', text: 'CREATE SCHEMA stagin;' },
          { path: 'migrations/002_rename.up.sql', text: 'ALTER SCHEMA stagin RENAME TO staging;' },
        ],
        why: 'an earlier file of the same change created the schema',
      },
      { sql: 'ALTER TABLE billing.invoice RENAME COLUMN id TO invoice_id;', why: 'another rule (ban-rename-column)' },
    ],
  },
  statement(context) {
    const { statement, report } = context;
    const rename = nodeAs<RenameStmt>(statement.node, 'RenameStmt');
    if (rename?.renameType !== 'OBJECT_SCHEMA' || !rename.subname) return;
    if (createdInChange(context, 'schema', rename.subname)) return;
    report({ messageId: 'renameSchema', data: { schema: rename.subname, newName: rename.newname ?? '?' } });
  },
});
