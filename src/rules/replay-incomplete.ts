/**
 * ## What it does
 * Reports what replay (which runs before the rules) could not run on Postgres: a statement that fails there (an
 * extension the replay database lacks, a role, data the migration expects), a base
 * migration that does not apply, or a replay database that does not start. A notice:
 * it never blocks, it says what was not checked and how to configure replay.
 *
 * ## Why is this bad?
 * The locks, rewrites and round trip of what was not replayed are unverified: only the
 * static rules judged it.
 */
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'replay-incomplete',
  source: 'replay',
  severity: 'notice',
  category: 'process',
  summary: 'Part of the migrations could not be replayed on Postgres, so its locks and rollback are unverified',
  lock: null,
  rewrites: false,
  messages: {
    statementFailed: 'Replay on {{database}} stopped at this statement of {{file}} (line {{line}}): {{error}}. {{skipped}}',
    baseFailed: 'Replay could not build the schema before the new migrations: {{file}} line {{line}} fails on {{database}}: {{error}}. Objects it creates are missing from the replay.',
    moreBaseFailed: '{{count}} more earlier migration files fail on {{database}} (not listed one by one); objects they create are missing from the replay.',
    unavailable: 'Replay did not run: {{error}}.',
  },
  why: 'Replay checks what Postgres really does (locks taken, tables rewritten, whether the down restores the schema); a statement it cannot run is checked by the static rules only.',
  fix: [
    'Configure replay in .github/migration-guard.yml:',
    '  replay:',
    '    schema-file: db/schema.sql      # a pg_dump --schema-only of production, instead of the earlier migrations',
    '    skip: ["{{file}}"]               # migrations not to replay (globs)',
    'or replay on a real server that has the extensions and roles: --database-url postgres://... (e.g. a service container),',
    'or turn replay off: --replay off.',
  ].join('\n'),
  references: ['https://pglite.dev/extensions/', 'https://www.postgresql.org/docs/current/app-pgdump.html'],
  examples: {
    invalid: [
      {
        sql: 'CREATE EXTENSION postgis;\nCREATE TABLE places (id bigint, location geometry(Point, 4326));',
        why: 'the replay database has no PostGIS',
        messageIds: ['statementFailed'],
      },
    ],
    valid: [{ sql: 'CREATE TABLE places (id bigint, name text);', why: 'plain SQL replays anywhere' }],
  },
  changeSet(context) {
    for (const notice of context.changeSet.replay?.notices ?? []) {
      const start = context.changeSet.byPath(notice.file)?.lines.span(0, 0);
      context.report({
        messageId: notice.messageId,
        data: notice.data,
        file: notice.file,
        ...(notice.statement ? { statement: notice.statement } : start ? { span: start } : {}),
        tables: [],
      });
    }
  },
});
