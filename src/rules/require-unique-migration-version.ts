import { compareVersions, versionKey } from '../core/migration.js';
import { type AnalyzedFile, defineRule } from '../core/rule.js';
import { isVersioned, migrationDirectory, sameSequence } from './support/migration-sequence.js';

export default defineRule({
  id: 'require-unique-migration-version',
  severity: 'error',
  category: 'process',
  summary: 'Two migrations in one directory must not share a version',
  lock: null,
  rewrites: false,
  messages: {
    duplicate: '{{path}} has version {{version}}, which {{other}} already uses: databases that applied one of them will skip the other, or the tool stops with a duplicate-version error.',
  },
  why: 'Migration tools identify applied migrations by version. Two migrations with one version (usually from two branches merged in parallel) make the tool either fail on startup or treat the second as already applied, so its changes never reach some databases.',
  fix: 'Renumber {{path}} to a version after every existing migration in {{directory}} (e.g. a new timestamp), and rename its down file to match.',
  references: ['https://github.com/golang-migrate/migrate/blob/master/MIGRATIONS.md', 'https://documentation.red-gate.com/fd/versioned-migrations-273973333.html', 'https://www.postgresql.org/docs/current/ddl.html'],
  examples: {
    invalid: [
      {
        files: [
          { path: 'migrations/005_add_phone.up.sql', text: 'CREATE TABLE phones (id bigint);', change: 'unchanged' },
          { path: 'migrations/005_add_address.up.sql', text: 'CREATE TABLE addresses (id bigint);', change: 'added' },
        ],
        why: 'a branch merged earlier already took version 005',
        messageIds: ['duplicate'],
      },
      {
        files: [
          { path: 'db/migration/V7__add_address.sql', text: 'ALTER TABLE users ADD COLUMN address text;', change: 'unchanged' },
          { path: 'db/migration/V7__add_phone.sql', text: 'ALTER TABLE users ADD COLUMN phone text;', change: 'added' },
        ],
        why: 'Flyway refuses to migrate with two V7 migrations',
        messages: ['db/migration/V7__add_phone.sql has version 7, which db/migration/V7__add_address.sql already uses: databases that applied one of them will skip the other, or the tool stops with a duplicate-version error.'],
      },
      {
        files: [
          { path: 'migrations/005_add_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;', change: 'unchanged' },
          { path: 'migrations/005_add_phone.down.sql', text: 'ALTER TABLE users DROP COLUMN phone;', change: 'unchanged' },
          { path: 'migrations/005_add_address.up.sql', text: 'ALTER TABLE users ADD COLUMN address text;', change: 'added' },
          { path: 'migrations/005_add_address.down.sql', text: 'ALTER TABLE users DROP COLUMN address;', change: 'added' },
        ],
        why: 'reported once per migration, not for its up and its down file',
        messageIds: ['duplicate'],
      },
      {
        files: [
          { path: 'migrations/005_add_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;', change: 'unchanged' },
          { path: 'migrations/005_drop_phone.down.sql', text: 'ALTER TABLE users DROP COLUMN phone;', change: 'added' },
        ],
        why: 'a down file under another migration\'s version: golang-migrate would take it as the down of 005_add_phone',
        messageIds: ['duplicate'],
      },
    ],
    valid: [
      {
        files: [
          { path: 'migrations/005_add_phone.up.sql', text: 'CREATE TABLE phones (id bigint);', change: 'unchanged' },
          { path: 'migrations/006_add_address.up.sql', text: 'CREATE TABLE addresses (id bigint);', change: 'added' },
        ],
      },
      {
        files: [
          { path: 'migrations/005_add_address.up.sql', text: 'CREATE TABLE addresses (id bigint);' },
          { path: 'migrations/005_add_address.down.sql', text: 'DROP TABLE addresses;' },
        ],
        why: 'the up and down files of one migration share its version',
      },
      {
        files: [
          { path: 'services/a/migrations/005_x.up.sql', text: 'CREATE TABLE x (id bigint);', change: 'unchanged' },
          { path: 'services/b/migrations/005_y.up.sql', text: 'CREATE TABLE y (id bigint);' },
        ],
        why: 'different directories are separate histories',
      },
      {
        files: [
          { path: 'migrations/005_add_phone.up.sql', text: '', change: 'deleted', baseText: 'CREATE TABLE phones (id bigint);' },
          { path: 'migrations/005_add_address.up.sql', text: 'CREATE TABLE addresses (id bigint);', change: 'added' },
        ],
        why: 'the migration that had version 005 is deleted in this change (ban-editing-applied-migration reports the deletion)',
      },
    ],
  },
  changeSet({ changeSet, report }) {
    // NOTE: files grouped by history and version (in changeSet.files order, so the first
    // match is the one a linear search would find); comparing every changed file with
    // every file would be quadratic in the number of files.
    const byVersion = new Map<string, AnalyzedFile[]>();
    for (const g of changeSet.files) {
      if (!isVersioned(g)) continue;
      const key = historyVersionKey(g);
      const group = byVersion.get(key);
      if (group) group.push(g);
      else byVersion.set(key, [g]);
    }
    const reported = new Set<string>();
    for (const file of changeSet.changed) {
      if (!isVersioned(file) || reported.has(file.migration.migrationId)) continue;
      const other = (byVersion.get(historyVersionKey(file)) ?? []).find(
        (g) =>
          g !== file &&
          sameSequence(file, g) &&
          compareVersions(file.migration.version, g.migration.version) === 0 &&
          (g.migration.migrationId !== file.migration.migrationId || g.migration.role === file.migration.role),
      );
      if (!other) continue;
      reported.add(file.migration.migrationId);
      const path = file.migration.path;
      report({ messageId: 'duplicate', data: { path, version: file.migration.version, other: other.migration.path, directory: migrationDirectory(file) || '.' }, file: path, span: file.lines.span(0, 0), tables: [] });
    }
  },
});

/** Equal for two files exactly when they are in the same history with equal versions. */
function historyVersionKey(file: AnalyzedFile): string {
  return JSON.stringify([file.migration.convention, migrationDirectory(file), versionKey(file.migration.version)]);
}
