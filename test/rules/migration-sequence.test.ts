/**
 * The migration sequences the version rules compare within (src/rules/support/migration-sequence.ts),
 * on files as the conventions discover them: the directory each tool scans, which files a
 * version orders, and which files share a sequence.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import type { InputFile } from '../../src/core/migration.js';
import type { AnalyzedFile } from '../../src/core/rule.js';
import { LineIndex } from '../../src/core/source.js';
import { discoverMigrations } from '../../src/conventions/index.js';
import { isVersioned, migrationDirectory, sameSequence } from '../../src/rules/support/migration-sequence.js';

/** The files of one change as the engine sees them (discovered by the conventions; not parsed). */
function discovered(inputs: Array<Partial<InputFile> & { path: string }>): Map<string, AnalyzedFile> {
  const files: InputFile[] = inputs.map((f) => ({ text: 'SELECT 1;', change: 'added', ...f }));
  const byPath = new Map(files.map((f) => [f.path, f]));
  const migrations = discoverMigrations(files, defaultConfig());
  return new Map(
    migrations.map((migration) => {
      const input = byPath.get(migration.path)!;
      return [migration.path, { input, migration, lines: new LineIndex(input.text), statements: [], issues: [], ignores: [], analyzed: input.change !== 'unchanged' && input.change !== 'deleted' }];
    }),
  );
}

function only(input: Partial<InputFile> & { path: string }): AnalyzedFile {
  const file = discovered([input]).get(input.path);
  if (!file) throw new Error(`${input.path} was not discovered`);
  return file;
}

describe('migrationDirectory', () => {
  it('is the directory of a file named after its version', () => {
    expect(migrationDirectory(only({ path: 'migrations/001_users.up.sql' }))).toBe('migrations');
    expect(migrationDirectory(only({ path: 'db/migration/V1_1__users.sql' }))).toBe('db/migration');
    expect(migrationDirectory(only({ path: '001_users.up.sql' }))).toBe('');
  });

  it('is the parent of a directory named after its version (diesel, sourcegraph, prisma)', () => {
    expect(migrationDirectory(only({ path: 'migrations/2024-01-01-000000_create_users/up.sql' }))).toBe('migrations');
    expect(migrationDirectory(only({ path: 'services/api/migrations/1700000000/up.sql' }))).toBe('services/api/migrations');
    expect(migrationDirectory(only({ path: 'prisma/migrations/20240101000000_add-users/migration.sql' }))).toBe('prisma/migrations');
    expect(migrationDirectory(only({ path: '2024-01-01-000000_create_users/up.sql' }))).toBe('');
  });
});

describe('isVersioned', () => {
  it('counts versioned migrations, up and down, added or unchanged', () => {
    const files = discovered([
      { path: 'migrations/001_users.up.sql', change: 'unchanged' },
      { path: 'migrations/001_users.down.sql', change: 'unchanged' },
      { path: 'db/migration/V2__orders.sql' },
    ]);
    expect(Object.fromEntries([...files.values()].map((f) => [f.migration.path, isVersioned(f)]))).toEqual({
      'migrations/001_users.up.sql': true,
      'migrations/001_users.down.sql': true,
      'db/migration/V2__orders.sql': true,
    });
  });

  it('leaves out what no version orders: deleted files, repeatable and plain files, sqitch scripts', () => {
    const files = discovered([
      { path: 'migrations/001_users.up.sql', change: 'deleted' },
      { path: 'db/migration/R__refresh_views.sql' },
      { path: 'scripts/seed.sql' },
      { path: 'sqitch.plan', text: '%project=shop\n\nusers 2024-01-01T00:00:00Z Ann <ann@example.com> # users\n' },
      { path: 'deploy/users.sql' },
      { path: 'verify/users.sql' },
      { path: 'deploy/orders.sql' },
    ]);
    expect(Object.fromEntries([...files.values()].map((f) => [f.migration.path, [f.migration.convention, f.migration.role, f.migration.version, isVersioned(f)]]))).toEqual({
      'migrations/001_users.up.sql': ['golang-migrate', 'up', '001', false],
      'db/migration/R__refresh_views.sql': ['flyway', 'repeatable', '~refresh_views', false],
      'scripts/seed.sql': ['plain', 'up', 'scripts/seed.sql', false],
      'deploy/users.sql': ['sqitch', 'up', '000000', false],
      'verify/users.sql': ['sqitch', 'verify', '000000', false],
      'deploy/orders.sql': ['sqitch', 'up', '~orders', false],
    });
  });

  it('leaves out a drizzle file its journal does not list (version ~tag), but not one it lists (whose version, its position, is in no segment: its directory is the file\'s)', () => {
    const journal = JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when: 1, tag: '0000_users', breakpoints: true }] });
    const files = discovered([
      { path: 'drizzle/meta/_journal.json', text: journal },
      { path: 'drizzle/0000_users.sql' },
      { path: 'drizzle/0001_orders.sql' },
    ]);
    expect(isVersioned(files.get('drizzle/0000_users.sql')!)).toBe(true);
    expect(files.get('drizzle/0000_users.sql')!.migration.version).toBe('000000');
    expect(migrationDirectory(files.get('drizzle/0000_users.sql')!)).toBe('drizzle');
    expect(files.get('drizzle/0001_orders.sql')!.migration.version).toBe('~0001_orders');
    expect(isVersioned(files.get('drizzle/0001_orders.sql')!)).toBe(false);
  });
});

describe('sameSequence', () => {
  it('holds for one tool in one directory, not across directories or tools', () => {
    const files = discovered([
      { path: 'migrations/001_users.up.sql' },
      { path: 'migrations/002_orders.up.sql' },
      { path: 'services/b/migrations/001_users.up.sql' },
      { path: 'migrations/V3__refunds.sql' },
    ]);
    const file = (path: string) => files.get(path)!;
    expect(sameSequence(file('migrations/001_users.up.sql'), file('migrations/002_orders.up.sql'))).toBe(true);
    expect(sameSequence(file('migrations/001_users.up.sql'), file('services/b/migrations/001_users.up.sql'))).toBe(false);
    expect(file('migrations/V3__refunds.sql').migration.convention).toBe('flyway');
    expect(sameSequence(file('migrations/001_users.up.sql'), file('migrations/V3__refunds.sql'))).toBe(false);
  });
});
