import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import type { InputFile } from '../../src/core/migration.js';
import { adviseStrategy, newMigrationPaths } from '../../src/core/strategy.js';
import { checkMigrations } from '../../src/engine.js';
import { allRules } from '../../src/rules/index.js';

const config = defaultConfig();
const added = (files: Record<string, string>): InputFile[] => Object.entries(files).map(([path, text]) => ({ path, text, change: 'added' }));

describe('adviseStrategy', () => {
  it('classifies a column drop as needing blue/green, with a phase plan in the same convention including down files', async () => {
    const report = await checkMigrations(
      added({ 'db/migrations/20261125_drop_email.up.sql': 'ALTER TABLE users DROP COLUMN email;', 'db/migrations/20261125_drop_email.down.sql': 'ALTER TABLE users ADD COLUMN email text;' }),
      config,
    );
    const advice = adviseStrategy(report, config, allRules);
    expect(advice.strategy).toBe('needs-blue-green');
    const [plan] = advice.plans;
    expect(plan!.subject).toBe('drop users.email');
    expect(plan!.steps.map((s) => s.title)).toEqual(['Code: stop reading and writing users.email', 'Wait 24h', 'Contract: drop users.email']);
    expect(plan!.steps[2]!.files).toEqual([
      { path: 'db/migrations/<version+1>_drop_email.up.sql', sql: "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN email;" },
      { path: 'db/migrations/<version+1>_drop_email.down.sql', sql: expect.stringContaining('ALTER TABLE users ADD COLUMN email') },
    ]);
  });

  it('writes dbmate plans as one file with both sections', async () => {
    const report = await checkMigrations(added({ 'db/migrations/20261125_x.sql': '-- migrate:up\nALTER TABLE users DROP COLUMN email;\n-- migrate:down\n' }), { ...config, convention: 'auto' });
    const file = report.files[0]!;
    const files = adviseStrategy({ ...report, files: [{ ...file, convention: 'dbmate' }] }, config, allRules).plans[0]!.steps[2]!.files;
    expect(files).toHaveLength(1);
    expect(files[0]!.sql).toMatch(/^-- migrate:up\n[\s\S]*-- migrate:down\n/);
  });

  it('is backward-compatible when nothing blocks', async () => {
    const report = await checkMigrations(added({ 'm/1_a.up.sql': 'ALTER TABLE users ADD COLUMN phone text;' }), config);
    expect(adviseStrategy(report, config, allRules)).toMatchObject({ strategy: 'backward-compatible', plans: [] });
  });

  it('needs a maintenance window when only locks block', async () => {
    const report = await checkMigrations(added({ 'm/1_a.up.sql': 'ALTER TABLE users DROP COLUMN email;' }), config);
    const lockOnly = { ...report, blocking: report.blocking.map((f) => ({ ...f, ruleId: 'ban-volatile-default' })) };
    expect(adviseStrategy(lockOnly, config, allRules).strategy).toBe('needs-maintenance-window');
  });
});

describe('newMigrationPaths', () => {
  it('follows each convention', () => {
    expect(newMigrationPaths('migrations/2023-01-01-000000_x/up.sql', 'diesel', 'add_a', 1)).toEqual({ up: 'migrations/<version+1>_add_a/up.sql', down: 'migrations/<version+1>_add_a/down.sql' });
    expect(newMigrationPaths('db/V3__x.sql', 'flyway', 'add_a', 2)).toEqual({ up: 'db/V<version+2>__add_a.sql', down: 'db/U<version+2>__add_a.sql' });
    expect(newMigrationPaths('sql/deploy/x.sql', 'sqitch', 'add_a', 1)).toEqual({ up: 'sql/deploy/add_a.sql', down: 'sql/revert/add_a.sql' });
    expect(newMigrationPaths('prisma/migrations/2024_x/migration.sql', 'prisma', 'add_a', 1)).toEqual({ up: 'prisma/migrations/<version+1>_add_a/migration.sql' });
  });
});
