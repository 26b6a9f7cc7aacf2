/**
 * ## What it does
 * Flags `COPY ... FROM '<file>'` and `COPY ... FROM PROGRAM` in a migration.
 *
 * ## Why is this bad?
 * The file is read by the database server, from its own file system, with superuser (or
 * pg_read_server_files) rights: it does not exist on managed databases or on another
 * environment's server, so the migration fails there.
 */
import type { CopyStmt } from '@pgsql/types';
import { nodeAs, relationName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'ban-copy-from-server-file',
  severity: 'warning',
  category: 'advice',
  summary: 'COPY FROM a server file or program depends on the database host\'s file system and superuser rights',
  lock: null,
  rewrites: false,
  statementKinds: ['CopyStmt'],
  messages: { serverFile: 'COPY {{table}} FROM {{source}} reads the database server\'s file system: the migration fails where that file (or the privilege) is missing.' },
  why: 'COPY FROM a file name runs on the server, not where the migration tool runs. It needs superuser or pg_read_server_files (pg_execute_server_program for PROGRAM), which managed services do not grant, and the file must exist on every server the migration runs against.',
  fix: 'Ship the data in the migration (INSERT ... VALUES), or load it from the client side with COPY ... FROM STDIN (psql \\copy).',
  versions: 'All versions; pg_read_server_files from Postgres 11.',
  references: ['https://www.postgresql.org/docs/current/sql-copy.html'],
  examples: {
    invalid: [
      { sql: "COPY countries FROM '/var/lib/postgresql/countries.csv' WITH (FORMAT csv);", messages: ["COPY countries FROM '/var/lib/postgresql/countries.csv' reads the database server's file system: the migration fails where that file (or the privilege) is missing."] },
      { sql: "COPY countries FROM PROGRAM 'curl -s https://example.com/countries.csv' WITH (FORMAT csv);", messages: ["COPY countries FROM PROGRAM 'curl -s https://example.com/countries.csv' reads the database server's file system: the migration fails where that file (or the privilege) is missing."] },
    ],
    valid: [
      { sql: 'COPY countries FROM STDIN WITH (FORMAT csv);', why: 'the client sends the data' },
      { sql: "COPY countries TO '/tmp/countries.csv';", why: 'an export, not a load (another concern)' },
    ],
  },
  statement({ statement, report }) {
    const copy = nodeAs<CopyStmt>(statement.node, 'CopyStmt');
    if (!copy?.is_from || !copy.filename) return;
    report({ messageId: 'serverFile', data: { table: relationName(copy.relation), source: copy.is_program ? `PROGRAM '${copy.filename}'` : `'${copy.filename}'` } });
  },
});
