import { defineRule } from '../core/rule.js';
import { parseRegion } from '../core/parse.js';
import { LineIndex, type Span } from '../core/source.js';

export default defineRule({
  id: 'ban-editing-applied-migration',
  severity: 'error',
  category: 'process',
  summary: 'Editing or deleting a migration that may already have run diverges the databases',
  lock: null,
  rewrites: false,
  messages: {
    edited: '{{path}} already exists on the base branch and this change edits its SQL: databases that applied the old version will never run the new statements.',
    cosmetic: '{{path}} already exists on the base branch; this change only touches white space or comments, but tools that checksum migrations (Flyway, sqitch) will reject it.',
    changed: '{{path}} differs from the base branch (renamed, or its base contents could not be read): databases that applied the old migration will not run this one as written.',
    deleted: '{{path}} is deleted, but databases that applied it keep its changes and tools that track history may fail on the missing file.',
  },
  why: 'Migration tools record applied migrations by version, and some by checksum. Production, staging and developer databases that ran the old file will never run the edited statements; tools with checksums stop with a validation error. The schema then differs between environments without anyone noticing.',
  fix: [
    'Restore {{path}} to its base-branch contents, and put the change in a new migration with a later version.',
    'If the migration has never run anywhere (e.g. it was added earlier in this same branch), suppress this finding with that reason.',
  ].join('\n'),
  references: ['https://documentation.red-gate.com/fd/validate-184127464.html', 'https://github.com/golang-migrate/migrate/blob/master/FAQ.md', 'https://www.postgresql.org/docs/current/ddl.html'],
  examples: {
    invalid: [
      {
        files: [{ path: 'migrations/001_users.up.sql', text: 'CREATE TABLE users (id bigint, email text NOT NULL);', change: 'modified', baseText: 'CREATE TABLE users (id bigint, email text);' }],
        why: 'the NOT NULL never reaches databases that already ran 001',
        messageIds: ['edited'],
      },
      {
        files: [{ path: 'migrations/001_users.up.sql', text: '-- users\nCREATE TABLE users (id bigint);\n', change: 'modified', baseText: 'CREATE TABLE users (id bigint);' }],
        messageIds: ['cosmetic'],
      },
      {
        files: [{ path: 'migrations/001_users.up.sql', text: '', change: 'deleted', baseText: 'CREATE TABLE users (id bigint);' }],
        messageIds: ['deleted'],
      },
      {
        files: [{ path: 'migrations/002_users_email.up.sql', text: 'ALTER TABLE users ADD COLUMN email text;', change: 'modified' }],
        why: 'modified without base contents (a rename): counted as an edit',
        messageIds: ['changed'],
      },
      {
        files: [{ path: 'migrations/003_broken.up.sql', text: '-- fixed later\nCREATE TABLE t (id bigint,);', change: 'modified', baseText: 'CREATE TABLE t (id bigint,);' }],
        why: 'text that does not parse is never judged cosmetic',
        messageIds: ['edited'],
      },
      {
        files: [{ path: 'migrations/004_ORDERS.UP.SQL', text: '', change: 'deleted', baseText: 'CREATE TABLE orders (id bigint);' }],
        why: 'an upper-case .SQL file is a migration too',
        messages: ['migrations/004_ORDERS.UP.SQL is deleted, but databases that applied it keep its changes and tools that track history may fail on the missing file.'],
      },
      {
        files: [{ path: 'migrations/005_import.up.sql', text: '\\set ON_ERROR_STOP off\nINSERT INTO countries (code) VALUES (\'NL\');', change: 'modified', baseText: '\\set ON_ERROR_STOP on\nINSERT INTO countries (code) VALUES (\'NL\');' }],
        why: 'a changed psql meta-command is not a statement the comparison sees: never judged cosmetic',
        messageIds: ['edited'],
      },
    ],
    valid: [
      { sql: 'ALTER TABLE users ADD COLUMN phone text;', why: 'a new migration' },
      {
        files: [
          { path: 'migrations/001_users.up.sql', text: 'CREATE TABLE users (id bigint);', change: 'unchanged' },
          { path: 'migrations/002_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;', change: 'added' },
        ],
        why: 'the change goes into a new migration; the applied one is untouched',
      },
      {
        files: [{ path: 'migrations/001_users.up.sql', text: 'CREATE TABLE users (id bigint);', change: 'modified', baseText: 'CREATE TABLE users (id bigint);' }],
        why: 'same contents (e.g. only the file mode changed)',
      },
      {
        files: [
          { path: 'migrations/README.md', text: '', change: 'deleted', baseText: '# How to add a migration' },
          { path: 'migrations/001_users.up.sql.orig', text: '', change: 'deleted', baseText: 'CREATE TABLE users (id bigint);' },
        ],
        why: 'deleted files that are not migrations',
      },
    ],
  },
  changeSet({ changeSet, report }) {
    for (const file of changeSet.files) {
      if (file.input.change !== 'modified') continue;
      const before = file.input.baseText;
      if (before === file.input.text) continue;
      const path = file.migration.path;
      // NOTE: fail closed. Without the base contents (e.g. a renamed file) the change counts as an edit.
      if (before === undefined) {
        report({ messageId: 'changed', data: { path }, file: path, span: file.lines.span(0, 0), tables: [] });
        continue;
      }
      const shape = syntaxShape(before);
      const cosmetic = shape !== undefined && shape === syntaxShape(file.input.text);
      report({ messageId: cosmetic ? 'cosmetic' : 'edited', data: { path }, file: path, span: file.lines.span(0, 0), severity: cosmetic ? 'warning' : undefined, tables: [] });
    }
    for (const input of changeSet.deleted) {
      // NOTE: a deleted input is a migration when a convention claimed it (every claimed file is a `.sql` file; plain claims the rest of them).
      if (changeSet.byPath(input.path) === undefined) continue;
      report({ messageId: 'deleted', data: { path: input.path }, file: input.path, span: emptySpan(), tables: [] });
    }
  },
});

function emptySpan(): Span {
  return { startOffset: 0, endOffset: 0, start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
}

/**
 * The parsed statements without source positions: equal shapes mean the edit changed only
 * comments and white space. Undefined when the parser could not read all of it (never
 * cosmetic then): a syntax error, but also a psql meta-command (`\set`, `\i`: not a statement,
 * so not in the shape), a DO body not analysed or a rest skipped at a limit.
 */
function syntaxShape(text: string): string | undefined {
  const parsed = parseRegion(new LineIndex(text), 0, text.length, 'up');
  if (parsed.issues.length > 0) return undefined;
  return JSON.stringify(parsed.statements.map((s) => s.node), (key, value: unknown) => (key === 'location' ? undefined : value));
}
