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
    expect(newMigrationPaths('migrations/1528_x/up.sql', 'sourcegraph', 'add_a', 3)).toEqual({ up: 'migrations/<version+3>_add_a/up.sql', down: 'migrations/<version+3>_add_a/down.sql' });
    expect(newMigrationPaths('db/1_x.up.sql', 'golang-migrate', 'add_a', 1)).toEqual({ up: 'db/<version+1>_add_a.up.sql', down: 'db/<version+1>_add_a.down.sql' });
    expect(newMigrationPaths('db/migrations/1_x.sql', 'dbmate', 'add_a', 1)).toEqual({ up: 'db/migrations/<version+1>_add_a.sql' });
    expect(newMigrationPaths('db/migrations/1_x.sql', 'goose', 'add_a', 1)).toEqual({ up: 'db/migrations/<version+1>_add_a.sql' });
    expect(newMigrationPaths('1_x.sql', 'plain', 'add_a', 1)).toEqual({ up: '<version+1>_add_a.sql' });
  });

  it('puts a sqitch plan in the project of the change, even when a directory above is named deploy', () => {
    expect(newMigrationPaths('deploy/app/deploy/x.sql', 'sqitch', 'add_a', 1)).toEqual({ up: 'deploy/app/deploy/add_a.sql', down: 'deploy/app/revert/add_a.sql' });
  });
});

describe('the reasons and the plans', () => {
  it('counts the breaking changes and gives one plan per subject', async () => {
    const report = await checkMigrations(
      added({ 'm/1_a.up.sql': 'ALTER TABLE users DROP COLUMN email;\nALTER TABLE users DROP COLUMN phone;', 'm/1_a.down.sql': 'SELECT 1;' }),
      config,
    );
    const twice = { ...report, blocking: [...report.blocking, ...report.blocking] };
    const advice = adviseStrategy(twice, config, allRules);
    expect(advice.reason).toBe('4 changes would break code that is still running: ship them as expand/contract phases (plan below) or deploy blue/green.');
    expect(advice.plans.map((plan) => plan.subject)).toEqual(['drop users.email', 'drop users.phone']);
    const one = adviseStrategy({ ...report, blocking: report.blocking.slice(0, 1) }, config, allRules);
    expect(one.reason).toBe('1 change would break code that is still running: ship it as expand/contract phases (plan below) or deploy blue/green.');
  });

  it('says why for a maintenance window and for a change that blocks only on process', async () => {
    const report = await checkMigrations(added({ 'm/1_a.up.sql': 'ALTER TABLE users DROP COLUMN email;' }), config);
    const lockOnly = { ...report, blocking: report.blocking.map((f) => ({ ...f, ruleId: 'ban-volatile-default' })) };
    expect(adviseStrategy(lockOnly, config, allRules)).toEqual({
      strategy: 'needs-maintenance-window',
      reason: 'Running code keeps working, but the blocking statements hold locks or rewrite tables: follow their safe alternatives, or run them in a maintenance window.',
      plans: [],
    });
    const rewriteOnly = { ...report, blocking: report.blocking.map((f) => ({ ...f, ruleId: 'ban-volatile-default', lock: null, rewrite: true })) };
    expect(adviseStrategy(rewriteOnly, config, allRules).strategy).toBe('needs-maintenance-window');
    const processOnly = { ...report, blocking: report.blocking.map((f) => ({ ...f, ruleId: 'require-down-migration', lock: null, rewrite: false })) };
    expect(adviseStrategy(processOnly, config, allRules)).toEqual({
      strategy: 'backward-compatible',
      reason: 'Old and new code both work with the migrated schema and nothing holds long locks; what still blocks is about the process (see the findings).',
      plans: [],
    });
    const nothing = await checkMigrations(added({ 'm/1_a.up.sql': 'ALTER TABLE users ADD COLUMN phone text;' }), config);
    expect(adviseStrategy({ ...nothing, blocking: [] }, config, allRules).reason).toBe('Nothing blocks: old and new code both work with the migrated schema; deploy as usual (migration first).');
  });

  it('writes goose plans with goose markers, and keeps the down as comments where a convention has no down file', async () => {
    const report = await checkMigrations(added({ 'db/migrations/20261125_x.sql': '-- +goose Up\nALTER TABLE users DROP COLUMN email;\n-- +goose Down\n' }), config);
    const file = report.files[0]!;
    const goose = adviseStrategy({ ...report, files: [{ ...file, convention: 'goose' }] }, config, allRules).plans[0]!.steps[2]!.files;
    expect(goose).toEqual([{ path: 'db/migrations/<version+1>_drop_email.sql', sql: expect.stringMatching(/^-- \+goose Up\n[\s\S]*\n\n-- \+goose Down\nALTER TABLE users ADD COLUMN email/) }]);
    const prisma = adviseStrategy({ ...report, files: [{ ...file, convention: 'prisma' }] }, config, allRules).plans[0]!.steps[2]!.files;
    expect(prisma).toEqual([{ path: expect.stringMatching(/\/migration\.sql$/), sql: expect.stringMatching(/\n-- rollback \(no down file in this convention\):\n-- ALTER TABLE users ADD COLUMN email/) }]);
    const unknown = adviseStrategy({ ...report, files: [] }, config, allRules).plans[0]!.steps[2]!.files;
    expect(unknown).toEqual([{ path: 'db/migrations/<version+1>_drop_email.sql', sql: expect.stringContaining('-- rollback (no down file in this convention)') }]);
  });

  it('keeps every line of a multi-line down as a comment where a convention has no down file', async () => {
    const report = await checkMigrations(added({ 'prisma/migrations/20261125_rename/migration.sql': 'ALTER TABLE users RENAME COLUMN a TO b;\n' }), config);
    const steps = adviseStrategy(report, config, allRules).plans[0]!.steps.flatMap((step) => step.files ?? []);
    const contract = steps.find((file) => file.path.endsWith('_drop_a/migration.sql'))!;
    expect(contract.sql.split('-- rollback (no down file in this convention):\n')[1]).toBe('-- ALTER TABLE users ADD COLUMN a <type of a>;\n-- UPDATE users SET a = b;');
  });

  it('writes each plan in the convention of the finding\'s own file', async () => {
    const report = await checkMigrations(added({ 'db/migrations/20261125_x.sql': 'ALTER TABLE users DROP COLUMN email;\n' }), config);
    const file = report.files[0]!;
    const twoFiles = { ...report, files: [{ ...file, path: 'db/migrations/20261124_other.sql', convention: 'goose' as const }, { ...file, convention: 'prisma' as const }] };
    const files = adviseStrategy(twoFiles, config, allRules).plans[0]!.steps[2]!.files;
    expect(files?.map((f) => f.path)).toEqual(['db/<version+1>_drop_email/migration.sql']);
  });
});

describe('breaking findings without a plan', () => {
  it('counts a breaking change whose rule has no phase plan, with no plan for it', async () => {
    const report = await checkMigrations(added({ 'm/1_a.up.sql': 'ALTER TABLE users DROP COLUMN email;\nALTER TYPE mood RENAME VALUE \'sad\' TO \'unhappy\';\n' }), config);
    const renameValue = allRules.find((rule) => rule.id === 'ban-rename-enum-value');
    expect(renameValue?.category).toBe('breaking');
    expect(renameValue?.phasePlan).toBeUndefined();
    const advice = adviseStrategy(report, config, allRules);
    expect(advice).toMatchObject({ strategy: 'needs-blue-green', reason: expect.stringMatching(/^2 changes would break/) });
    expect(advice.plans.map((plan) => plan.subject)).toEqual(['drop users.email']);
  });

  it('takes a finding of a rule that did not run for one that breaks nothing', async () => {
    const report = await checkMigrations(added({ 'm/1_a.up.sql': 'ALTER TABLE users DROP COLUMN email;\n' }), config);
    const withoutDropColumn = allRules.filter((rule) => rule.id !== 'ban-drop-column');
    expect(report.blocking.map((f) => f.ruleId)).toContain('ban-drop-column');
    expect(adviseStrategy(report, config, withoutDropColumn).strategy).toBe('needs-maintenance-window');
  });
});
