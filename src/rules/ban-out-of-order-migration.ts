import { compareVersions } from '../core/migration.js';
import { type AnalyzedFile, defineRule } from '../core/rule.js';
import { sequenceKey, isVersioned, migrationDirectory } from './support/migration-sequence.js';

export default defineRule({
  id: 'ban-out-of-order-migration',
  severity: 'error',
  category: 'process',
  summary: 'A new migration must sort after every migration already on the base branch',
  lock: null,
  rewrites: false,
  messages: {
    outOfOrder: '{{path}} (version {{version}}) sorts before {{newest}} (version {{newestVersion}}), which is already on the base branch: databases that ran {{newest}} may skip it or run it out of order.',
  },
  why: 'Migration tools apply versions in order and remember the highest one applied. A migration added with an older version than an applied one is skipped (golang-migrate), rejected (Flyway without outOfOrder, goose without allow-missing) or runs after newer migrations, so production and a fresh database end up built in a different order.',
  fix: 'Renumber {{path}} to a version after {{newestVersion}} (e.g. a new timestamp, as when the branch is rebased), and rename its down file to match.',
  references: ['https://github.com/golang-migrate/migrate/blob/master/MIGRATIONS.md', 'https://documentation.red-gate.com/fd/flyway-out-of-order-setting-277579001.html', 'https://www.postgresql.org/docs/current/ddl.html'],
  examples: {
    invalid: [
      {
        files: [
          { path: 'migrations/20240301000000_orders.up.sql', text: 'CREATE TABLE orders (id bigint);', change: 'unchanged' },
          { path: 'migrations/20240215000000_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;', change: 'added' },
        ],
        why: 'the branch was created before 20240301 was merged and not renumbered',
        messageIds: ['outOfOrder'],
      },
      {
        files: [
          { path: 'migrations/2024-03-01-000000_create_orders/up.sql', text: 'CREATE TABLE orders (id bigint);', change: 'unchanged' },
          { path: 'migrations/2024-03-01-000000_create_orders/down.sql', text: 'DROP TABLE orders;', change: 'unchanged' },
          { path: 'migrations/2024-02-15-000000_add_phone/up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;', change: 'added' },
          { path: 'migrations/2024-02-15-000000_add_phone/down.sql', text: 'ALTER TABLE users DROP COLUMN phone;', change: 'added' },
        ],
        why: 'diesel: the version is the directory name without its dashes; the finding names the newest migration by its up file',
        messages: [
          'migrations/2024-02-15-000000_add_phone/up.sql (version 20240215000000) sorts before migrations/2024-03-01-000000_create_orders/up.sql (version 20240301000000), which is already on the base branch: databases that ran migrations/2024-03-01-000000_create_orders/up.sql may skip it or run it out of order.',
        ],
      },
      {
        files: [
          { path: 'migrations/20240101000000_users.up.sql', text: 'CREATE TABLE users (id bigint);', change: 'unchanged' },
          { path: 'migrations/20240301000000_orders.up.sql', text: 'CREATE TABLE orders (id bigint);', change: 'unchanged' },
          { path: 'migrations/20240215000000_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;', change: 'added' },
          { path: 'migrations/20240215000000_phone.down.sql', text: 'ALTER TABLE users DROP COLUMN phone;', change: 'added' },
        ],
        why: 'compared with the newest applied migration, once per migration (up and down together)',
        messages: [
          'migrations/20240215000000_phone.up.sql (version 20240215000000) sorts before migrations/20240301000000_orders.up.sql (version 20240301000000), which is already on the base branch: databases that ran migrations/20240301000000_orders.up.sql may skip it or run it out of order.',
        ],
      },
    ],
    valid: [
      {
        files: [
          { path: 'migrations/20240301000000_orders.up.sql', text: 'CREATE TABLE orders (id bigint);', change: 'unchanged' },
          { path: 'migrations/20240302000000_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;', change: 'added' },
        ],
      },
      {
        files: [
          { path: 'services/a/migrations/20240301000000_orders.up.sql', text: 'CREATE TABLE orders (id bigint);', change: 'unchanged' },
          { path: 'services/b/migrations/20240215000000_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;', change: 'added' },
        ],
        why: 'another directory is another history',
      },
      {
        files: [
          { path: 'migrations/20240301000000_orders.up.sql', text: 'CREATE TABLE orders (id bigint);', change: 'unchanged' },
          { path: 'migrations/20240301000000_phone.up.sql', text: 'ALTER TABLE users ADD COLUMN phone text;', change: 'added' },
        ],
        why: 'the same version is not older (require-unique-migration-version reports the clash)',
      },
      {
        files: [
          { path: 'migrations/20240101000000_users.up.sql', text: 'CREATE TABLE users (id bigint, email text);', change: 'modified', baseText: 'CREATE TABLE users (id bigint);' },
          { path: 'migrations/20240301000000_orders.up.sql', text: 'CREATE TABLE orders (id bigint);', change: 'unchanged' },
        ],
        why: 'an edited old migration is not a new one out of order (ban-editing-applied-migration reports the edit)',
      },
    ],
  },
  changeSet({ changeSet, report }) {
    // NOTE: the newest base-branch migration of each history, found in one pass; searching
    // every file for each added file would be quadratic in the number of files. Named by its
    // up file: a down file shares the version and sorts first, but databases ran the up.
    const newestByHistory = new Map<string, AnalyzedFile>();
    for (const g of changeSet.files) {
      if (g.input.change !== 'unchanged' || g.migration.role === 'down' || !isVersioned(g)) continue;
      const newest = newestByHistory.get(sequenceKey(g));
      if (!newest || compareVersions(g.migration.version, newest.migration.version) > 0) newestByHistory.set(sequenceKey(g), g);
    }
    const reported = new Set<string>();
    // NOTE: up files first, so a migration's finding sits on its up file, not on its down file (which sorts first).
    const upFirst = [...changeSet.changed].sort((a, b) => Number(a.migration.role === 'down') - Number(b.migration.role === 'down'));
    for (const file of upFirst) {
      if (file.input.change !== 'added' || !isVersioned(file) || reported.has(file.migration.migrationId)) continue;
      const newest = newestByHistory.get(sequenceKey(file));
      if (!newest || compareVersions(file.migration.version, newest.migration.version) >= 0) continue;
      reported.add(file.migration.migrationId);
      const path = file.migration.path;
      report({
        messageId: 'outOfOrder',
        data: { path, version: file.migration.version, newest: newest.migration.path, newestVersion: newest.migration.version, directory: migrationDirectory(file) || '.' },
        file: path,
        span: file.lines.span(0, 0),
        tables: [],
      });
    }
  },
});
