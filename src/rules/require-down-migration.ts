import { skipTrivia } from '../core/split.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'require-down-migration',
  severity: 'error',
  category: 'rollback',
  summary: 'Every up migration needs a down (rollback) migration where its tool expects one',
  lock: null,
  rewrites: false,
  messages: {
    missing: '{{path}} has no down migration: expected {{expected}}.',
    empty: 'The down migration {{down}} is empty: write the statements that undo {{path}}, or document in it why it cannot be undone.',
  },
  why: 'A rollback written in advance is reviewed and tested; one written during an incident is neither. An empty down file looks like a rollback plan but does nothing.',
  fix: 'Write {{expected}} with the statements that undo this migration, in reverse order (e.g. DROP COLUMN for ADD COLUMN, DROP INDEX CONCURRENTLY for CREATE INDEX CONCURRENTLY). If the change cannot be undone, say why in a comment in the down migration (a sentence, not a TODO): that counts as its rollback plan.',
  references: ['https://github.com/golang-migrate/migrate/blob/master/MIGRATIONS.md', 'https://www.postgresql.org/docs/current/ddl-alter.html'],
  examples: {
    invalid: [
      {
        sql: 'ALTER TABLE users ADD COLUMN phone text;',
        why: 'golang-migrate expects a .down.sql beside it',
        messages: ['migrations/20260101000000_example.up.sql has no down migration: expected migrations/20260101000000_example.down.sql.'],
      },
      {
        files: [{ path: 'migrations/2024-01-01-000000_add_phone/up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;' }],
        why: 'diesel expects a down.sql in the migration\'s directory',
        messages: ['migrations/2024-01-01-000000_add_phone/up.sql has no down migration: expected migrations/2024-01-01-000000_add_phone/down.sql.'],
      },
      {
        files: [
          { path: 'db/sqitch.plan', text: '%project=shop\nadd_phone 2024-01-01T00:00:00Z Ann <ann@example.com> # users.phone\n' },
          { path: 'db/deploy/add_phone.sql', text: 'BEGIN;\nALTER TABLE users ADD COLUMN phone text;\nCOMMIT;' },
        ],
        why: 'sqitch expects a revert script for each deploy script',
        messages: ['db/deploy/add_phone.sql has no down migration: expected db/revert/add_phone.sql.'],
      },
      {
        files: [{ path: 'db/migrations/20240101_phone.sql', text: '-- migrate:up\nALTER TABLE users ADD COLUMN phone text;\n' }],
        why: 'dbmate file without a migrate:down section',
        messages: ['db/migrations/20240101_phone.sql has no down migration: expected a down section.'],
      },
      {
        files: [
          { path: 'migrations/001_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;' },
          { path: 'migrations/001_phone.down.sql', text: '-- no-op.\n' },
        ],
        why: 'a comment of a word or two explains nothing',
        messageIds: ['empty'],
      },
      {
        files: [
          { path: 'migrations/001_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;' },
          { path: 'migrations/001_phone.down.sql', text: '-- TODO\n' },
        ],
        why: 'a down file with only a TODO undoes nothing and explains nothing',
        messageIds: ['empty'],
      },
      {
        files: [{ path: 'db/migrations/20240101_phone.sql', text: '-- migrate:up\nALTER TABLE users ADD COLUMN phone text;\n-- migrate:down\n' }],
        why: 'dbmate down section is empty',
        messages: ['The down migration the down section of db/migrations/20240101_phone.sql is empty: write the statements that undo db/migrations/20240101_phone.sql, or document in it why it cannot be undone.'],
      },
      {
        files: [
          { path: 'migrations/001_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;' },
          { path: 'migrations/001_phone.down.sql', text: '', change: 'deleted', baseText: 'ALTER TABLE users DROP COLUMN phone;' },
        ],
        why: 'the change deletes the down file: there is no rollback any more',
        messageIds: ['missing'],
      },
    ],
    valid: [
      {
        files: [
          { path: 'migrations/001_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;' },
          { path: 'migrations/001_phone.down.sql', text: 'ALTER TABLE users DROP COLUMN phone;' },
        ],
      },
      { files: [{ path: 'prisma/migrations/20240101000000_phone/migration.sql', text: 'ALTER TABLE users ADD COLUMN phone text;' }], why: 'Prisma has no down migrations by design' },
      {
        files: [
          { path: 'migrations/001_split.up.sql', text: "UPDATE users SET name = trim(name);" },
          { path: 'migrations/001_split.down.sql', text: '-- Irreversible: the untrimmed names are not kept anywhere, so this cannot be undone.\n' },
        ],
        why: 'the down file documents why the change cannot be undone',
      },
      {
        files: [
          { path: 'migrations/002_trim.up.sql', text: 'UPDATE users SET email = lower(email);' },
          { path: 'migrations/002_trim.down.sql', text: '--Irreversible\n--case lost\n' },
        ],
        why: 'three words over two comment lines are enough of an explanation',
      },
      { files: [{ path: 'db/migrations/20240101_trim.sql', text: '-- migrate:up\nUPDATE users SET name = trim(name);\n-- migrate:down\n/* cannot be undone: the original spacing is lost */\n' }], why: 'the dbmate down section documents it' },
      { files: [{ path: 'db/migrations/20240101_phone.sql', text: '-- migrate:up\nALTER TABLE users ADD COLUMN phone text;\n-- migrate:down\nALTER TABLE users DROP COLUMN phone;\n' }] },
    ],
  },
  file({ file, changeSet, report }) {
    const { migration } = file;
    if (!migration.expectsDown || (migration.role !== 'up' && migration.role !== 'up-down')) return;
    const path = migration.path;
    if (migration.role === 'up-down') {
      const down = migration.sections.find((s) => s.role === 'down');
      if (!down) report({ messageId: 'missing', data: { path, expected: 'a down section' }, span: file.lines.span(0, 0) });
      else if (undocumentedEmpty(file.input.text, down.start, down.end)) report({ messageId: 'empty', data: { path, down: `the down section of ${path}`, expected: 'the down section' }, span: file.lines.span(0, 0) });
      return;
    }
    const expected = expectedDownPath(path);
    const down = changeSet.downOf(file);
    if (!down) {
      report({ messageId: 'missing', data: { path, expected }, span: file.lines.span(0, 0) });
      return;
    }
    const text = down.input.text;
    if (undocumentedEmpty(text, 0, text.length)) report({ messageId: 'empty', data: { path, down: down.migration.path, expected }, span: file.lines.span(0, 0) });
  },
});

/**
 * Whether a down migration (or section) holds no statement and no explanation: only
 * whitespace, or comments that say nothing (fewer than three words, or a TODO/FIXME marker).
 * A comment that explains why the change cannot be undone is the documented rollback plan.
 */
function undocumentedEmpty(text: string, start: number, end: number): boolean {
  if (skipTrivia(text, start, end) < end) return false;
  const region = text.slice(start, end);
  const comments = [...region.matchAll(/--(.*)$|\/\*([\s\S]*?)\*\//gm)].map((m) => m[1] ?? m[2] ?? '').join(' ');
  const words = comments.match(/[\p{L}\p{N}']+/gu) ?? [];
  return words.length < 3 || /\b(TODO|FIXME|TBD|XXX)\b/i.test(comments);
}

/** Where the down file of an up file would live, for the message. */
function expectedDownPath(upPath: string): string {
  if (/\.up\.sql$/.test(upPath)) return upPath.replace(/\.up\.sql$/, '.down.sql');
  if (/\/up\.sql$/.test(upPath)) return upPath.replace(/\/up\.sql$/, '/down.sql');
  // NOTE: the only other layout whose ups expect a down file is sqitch's, `<root>deploy/<change>.sql`
  // with the down in `<root>revert/` (conventions/sqitch.ts SCRIPT; the root may be empty, a
  // project at the top of the repository, which the former `/deploy/` test missed).
  return upPath.replace(/^(.*?)deploy\//, '$1revert/');
}
