/**
 * ## What it does
 * Flags `ALTER TABLE / VIEW / SEQUENCE / TYPE / FUNCTION ... SET SCHEMA` on an existing object.
 *
 * ## Why is this bad?
 * Moving an object to another schema changes its qualified name: running code that names it
 * (or finds it through search_path) fails as soon as the move commits.
 */
import type { AlterObjectSchemaStmt } from '@pgsql/types';
import { nodeAs, relationName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { objectName } from './support/named-objects.js';

/** Object kinds whose move breaks code that names them, with a word for the message. */
const KINDS: Record<string, string> = {
  OBJECT_TABLE: 'table',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized view',
  OBJECT_SEQUENCE: 'sequence',
  OBJECT_FOREIGN_TABLE: 'foreign table',
  OBJECT_TYPE: 'type',
  OBJECT_DOMAIN: 'domain',
  OBJECT_FUNCTION: 'function',
  OBJECT_PROCEDURE: 'procedure',
};

export default defineRule({
  id: 'ban-set-schema',
  severity: 'error',
  category: 'breaking',
  summary: 'Moving an object to another schema breaks running code that names it',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ['AlterObjectSchemaStmt'],
  messages: { setSchema: 'Moving {{kind}} {{name}} to schema {{schema}} breaks code that still names it as {{name}}.' },
  why: 'SET SCHEMA renames the object\'s qualified name. Queries from code deployed before the migration resolve the old name and fail ("does not exist") once it commits.',
  fix: 'Expand and contract: move it and leave a compatibility view (for a table) in the old schema in the same transaction, or keep both schemas on the search_path; deploy code that uses {{schema}}; then remove the bridge.',
  versions: 'All versions.',
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-SCHEMA'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE users SET SCHEMA legacy;', messageIds: ['setSchema'] },
      { sql: 'ALTER TABLE IF EXISTS billing.invoice SET SCHEMA legacy;', messageIds: ['setSchema'] },
    ],
    valid: [
      { sql: 'CREATE TABLE staging_rows (id bigint);\nALTER TABLE staging_rows SET SCHEMA legacy;', why: 'the table is new' },
      { sql: 'ALTER EXTENSION pgcrypto SET SCHEMA extensions;', why: 'extensions are not in the list of object kinds code names directly' },
    ],
  },
  statement({ statement, isNewTable, report }) {
    const move = nodeAs<AlterObjectSchemaStmt>(statement.node, 'AlterObjectSchemaStmt');
    const kind = KINDS[move?.objectType ?? ''];
    if (!move || !kind) return;
    const name = move.relation ? relationName(move.relation) : objectName(move.object);
    if (move.relation && isNewTable(name)) return;
    const data = { kind, name, schema: move.newschema ?? '?' };
    if (move.relation) report({ messageId: 'setSchema', data, tables: [name] });
    else report({ messageId: 'setSchema', data, lock: null });
  },
});

