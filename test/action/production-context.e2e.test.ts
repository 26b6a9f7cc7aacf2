/**
 * The bundled action with a stats file: read from the base commit (never the PR head),
 * findings on large tables show their numbers in the PR comment, findings on tiny tables
 * become notices and stop blocking.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { STATS_SNAPSHOT_VERSION, type StatsSnapshot, type TableStats } from '../../src/core/stats.js';
import { MIGRATIONS, Scenario } from './scenario.js';

let scenario: Scenario | undefined;
afterEach(async () => {
  expect(scenario?.server.violations ?? []).toEqual([]);
  await scenario?.close();
  scenario = undefined;
});

const GB = 1024 ** 3;

function table(name: string, rows: number, bytes: number, writesPerMinute: number): TableStats {
  return { name, totalBytes: bytes, heapBytes: bytes * 0.7, rows, indexes: [{ name: `${name}_pkey`, bytes: bytes * 0.3 }], readsPerMinute: 3000, writesPerMinute };
}

function snapshot(tables: TableStats[]): string {
  const stats: StatsSnapshot = { version: STATS_SNAPSHOT_VERSION, takenAt: '2026-12-01T03:00:00.000Z', serverVersion: 16, hashedNames: false, activityWindowSeconds: 86_400, statementsWindowSeconds: null, tables };
  return JSON.stringify(stats);
}

describe('the action with stats-file', () => {
  it('judges findings by the base commit snapshot and shows the numbers in the comment', async () => {
    const migration = "SET lock_timeout = '2s';\nSET statement_timeout = '1h';\nCREATE INDEX users_email ON users (email);\nCREATE INDEX countries_name ON countries (name);\n";
    // The PR's own copy of the stats file claims users is tiny: it must not count.
    scenario = await Scenario.open({
      [`${MIGRATIONS}/002_indexes.up.sql`]: migration,
      [`${MIGRATIONS}/002_indexes.down.sql`]: 'DROP INDEX users_email;\nDROP INDEX countries_name;\n',
      'db/migration-stats.json': snapshot([{ ...table('public.users', 10, 8192, 0), readsPerMinute: 0 }]),
    });
    const s = scenario;
    s.server.state.trees[s.baseSha] = {
      ...s.server.state.trees[s.baseSha],
      '.github/migration-guard.yml': 'stats-file: db/migration-stats.json\n',
      'db/migration-stats.json': snapshot([table('public.users', 80_000_000, 60 * GB, 1200), { ...table('public.countries', 250, 49_152, 0), readsPerMinute: 0 }]),
    };
    const run = await s.pullRequest();
    expect(run.code, run.stderr + run.stdout).toBe(1);
    const body = s.sticky()!.body;
    expect(body).toContain('❌ blocked: 1 blocking finding to resolve');
    expect(body).toMatch(/\*\*require-concurrent-index-creation\*\*: CREATE INDEX on users[^\n]*\n {2}- users: 60 GB \\\(42 GB heap\\\), 80,000,000 rows, 1 index, 3,000 reads\/min, 1,200 writes\/min \\\(pg\\_stat\\_user\\_tables\\\) \\\[large, hot\\\]\n {2}- estimated index-build of users: [\d.]+ (s|min) to [\d.]+ (min|h) holding SHARE \\\(blocks writes, ddl\\\), \\~1,200 queries blocked\/min/);
    expect(body).toContain('production context: stats snapshot of 2026-12-01T03:00:00.000Z \\(2 tables\\)');
    expect(body).not.toMatch(/\*\*require-concurrent-index-creation\*\*: CREATE INDEX on countries/);
  });
});
